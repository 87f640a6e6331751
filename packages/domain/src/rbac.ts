/**
 * Role-based access control (admin only): roles with `resource:action` permissions, a user's roles,
 * and the role/permission pairs as "policies". Every user has one built-in role (admin, user, guest:
 * the `role` of User) and any number of custom roles; their permissions add up.
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import {
  Conflict,
  Forbidden,
  HttpConflict,
  HttpForbidden,
  HttpNotFound,
  HttpUnavailable,
  NotFound,
  Unavailable
} from "./errors.js"
import { Authentication, Permission, Role, RpcAuthentication, UserId } from "./identity.js"
import { about, doc } from "./apiDocs.js"

export const RoleName = Schema.String.pipe(
  Schema.pattern(/^[a-z][a-z0-9_-]{1,31}$/, { message: () => "2-32 characters: a-z, 0-9, '_' or '-', starting with a letter" })
)

export const PermissionDescriptions: Readonly<Record<Permission, string>> = {
  "media:read": "Browse libraries and media",
  "media:write": "Edit media and libraries",
  "playback:use": "Play media",
  "apikeys:write": "Create and revoke own API keys",
  "users:read": "See other users",
  "users:write": "Manage users",
  "system:admin": "Administer the server"
}

export class PermissionInfo extends Schema.Class<PermissionInfo>("PermissionInfo")({
  name: Permission,
  description: Schema.String
}) {}

export class RoleInfo extends Schema.Class<RoleInfo>("RoleInfo")({
  name: Schema.String,
  description: Schema.String,
  builtin: Schema.Boolean,
  permissions: Schema.Array(Permission)
}) {}

export class CreateRoleRequest extends Schema.Class<CreateRoleRequest>("CreateRoleRequest")({
  name: RoleName,
  description: Schema.optionalWith(Schema.String.pipe(Schema.maxLength(200)), { default: () => "" }),
  permissions: Schema.Array(Permission)
}) {}

export class SetPermissionsRequest extends Schema.Class<SetPermissionsRequest>("SetPermissionsRequest")({
  permissions: Schema.Array(Permission)
}) {}

export class UserRoles extends Schema.Class<UserRoles>("UserRoles")({
  userId: UserId,
  /** The built-in role. */
  role: Role,
  /** Every role: the built-in one first, then custom ones. */
  roles: Schema.Array(Schema.String),
  /** What the roles grant together. */
  permissions: Schema.Array(Permission)
}) {}

export class AssignRoleRequest extends Schema.Class<AssignRoleRequest>("AssignRoleRequest")({
  role: RoleName
}) {}

/** One grant: `role` has `permission`. */
export class PolicyRule extends Schema.Class<PolicyRule>("PolicyRule")({
  role: RoleName,
  permission: Permission
}) {}

/** The rule to remove, in the query: a Struct, as OpenAPI lists a Struct's fields as parameters (not a class's). */
const PolicyRuleParams = Schema.Struct(PolicyRule.fields)
const roleNamePath = Schema.Struct({ roleName: Schema.String })
const userIdPath = Schema.Struct({ userId: UserId })

export class RbacApi extends HttpApiGroup.make("rbac")
  .annotateContext(about("Role-based access control: roles, the permissions they grant, who holds them, and the policy rules."))
  .add(
    HttpApiEndpoint.get("permissions", "/rbac/permissions").addSuccess(Schema.Array(PermissionInfo))
      .annotateContext(doc("List permissions", "Every permission a role can grant, with what it allows."))
  )
  .add(
    HttpApiEndpoint.get("listRoles", "/rbac/roles").addSuccess(Schema.Array(RoleInfo))
      .annotateContext(doc("List roles", "Every role with its permissions, built in or not."))
  )
  .add(
    HttpApiEndpoint.post("createRole", "/rbac/roles").setPayload(CreateRoleRequest).addSuccess(RoleInfo, { status: 201 })
      .annotateContext(doc("Create a role", "Adds a role with a name, a description and permissions. 409 when the name is taken."))
  )
  .add(
    HttpApiEndpoint.get("getRole", "/rbac/roles/:roleName").setPath(roleNamePath).addSuccess(RoleInfo)
      .annotateContext(doc("Get a role", "One role with its permissions."))
  )
  .add(
    HttpApiEndpoint.del("deleteRole", "/rbac/roles/:roleName")
      .setPath(roleNamePath)
      .setUrlParams(Schema.Struct({
        /** "true": also take the role from the users who hold it (else 409 while any does). */
        unassign: Schema.optional(Schema.BooleanFromString)
      }))
      .addSuccess(HttpApiSchema.NoContent)
      .annotateContext(doc("Delete a role", "Deletes a role that is not built in. Refused (409) while users hold it, unless `unassign=true` takes it from them."))
  )
  .add(
    HttpApiEndpoint.put("setPermissions", "/rbac/roles/:roleName/permissions")
      .setPath(roleNamePath)
      .setPayload(SetPermissionsRequest)
      .addSuccess(RoleInfo)
      .annotateContext(doc("Set a role's permissions", "Replaces the permissions of a role."))
  )
  .add(
    HttpApiEndpoint.get("userRoles", "/rbac/users/:userId/roles").setPath(userIdPath).addSuccess(UserRoles)
      .annotateContext(doc("List a user's roles", "The roles a user holds, and the permissions they add up to."))
  )
  .add(
    HttpApiEndpoint.post("assignRole", "/rbac/users/:userId/roles")
      .setPath(userIdPath)
      .setPayload(AssignRoleRequest)
      .addSuccess(UserRoles)
      .annotateContext(doc("Assign a role", "Gives a user a role."))
  )
  .add(
    HttpApiEndpoint.del("removeRole", "/rbac/users/:userId/roles/:role")
      .setPath(Schema.Struct({ userId: UserId, role: Schema.String }))
      .addSuccess(HttpApiSchema.NoContent)
      .annotateContext(doc("Remove a role from a user", "Takes a role from a user (read the roles left with `GET /rbac/users/{userId}/roles`). Refused (409) for the last admin."))
  )
  .add(
    HttpApiEndpoint.get("listPolicies", "/rbac/policies").addSuccess(Schema.Array(PolicyRule))
      .annotateContext(doc("List policy rules", "Every (role, permission) rule."))
  )
  .add(
    HttpApiEndpoint.post("addPolicy", "/rbac/policies").setPayload(PolicyRule).addSuccess(PolicyRule, { status: 201 })
      .annotateContext(doc("Add a policy rule", "Grants a permission to a role."))
  )
  .add(
    HttpApiEndpoint.del("removePolicy", "/rbac/policies").setUrlParams(PolicyRuleParams).addSuccess(HttpApiSchema.NoContent)
      .annotateContext(doc("Remove a policy rule", "Takes a permission from a role; the rule is named by the `role` and `permission` query parameters."))
  )
  .middleware(Authentication)
  .addError(HttpNotFound)
  .addError(HttpConflict)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

const RbacErrors = Schema.Union(Forbidden, NotFound, Conflict, Unavailable)

export class RbacRpcs extends RpcGroup.make(
  Rpc.make("RbacPermissions", { success: Schema.Array(PermissionInfo), error: RbacErrors }),
  Rpc.make("RbacListRoles", { success: Schema.Array(RoleInfo), error: RbacErrors }),
  Rpc.make("RbacCreateRole", { payload: CreateRoleRequest, success: RoleInfo, error: RbacErrors }),
  Rpc.make("RbacGetRole", { payload: roleNamePath, success: RoleInfo, error: RbacErrors }),
  Rpc.make("RbacDeleteRole", {
    payload: Schema.Struct({ roleName: Schema.String, unassign: Schema.optional(Schema.Boolean) }),
    error: RbacErrors
  }),
  Rpc.make("RbacSetPermissions", {
    payload: Schema.Struct({ roleName: Schema.String, permissions: Schema.Array(Permission) }),
    success: RoleInfo,
    error: RbacErrors
  }),
  Rpc.make("RbacUserRoles", { payload: userIdPath, success: UserRoles, error: RbacErrors }),
  Rpc.make("RbacAssignRole", { payload: Schema.Struct({ userId: UserId, role: RoleName }), success: UserRoles, error: RbacErrors }),
  Rpc.make("RbacRemoveRole", { payload: Schema.Struct({ userId: UserId, role: Schema.String }), success: UserRoles, error: RbacErrors }),
  Rpc.make("RbacListPolicies", { success: Schema.Array(PolicyRule), error: RbacErrors }),
  Rpc.make("RbacAddPolicy", { payload: PolicyRule, success: PolicyRule, error: RbacErrors }),
  Rpc.make("RbacRemovePolicy", { payload: PolicyRule, error: RbacErrors })
).middleware(RpcAuthentication) {}
