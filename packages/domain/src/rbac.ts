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

const roleNamePath = Schema.Struct({ roleName: Schema.String })
const userIdPath = Schema.Struct({ userId: UserId })

export class RbacApi extends HttpApiGroup.make("rbac")
  .add(HttpApiEndpoint.get("permissions", "/rbac/permissions").addSuccess(Schema.Array(PermissionInfo)))
  .add(HttpApiEndpoint.get("listRoles", "/rbac/roles").addSuccess(Schema.Array(RoleInfo)))
  .add(HttpApiEndpoint.post("createRole", "/rbac/roles").setPayload(CreateRoleRequest).addSuccess(RoleInfo, { status: 201 }))
  .add(HttpApiEndpoint.get("getRole", "/rbac/roles/:roleName").setPath(roleNamePath).addSuccess(RoleInfo))
  .add(
    HttpApiEndpoint.del("deleteRole", "/rbac/roles/:roleName")
      .setPath(roleNamePath)
      .setUrlParams(Schema.Struct({
        /** "true": also take the role from the users who hold it (else 409 while any does). */
        unassign: Schema.optional(Schema.BooleanFromString)
      }))
      .addSuccess(HttpApiSchema.NoContent)
  )
  .add(
    HttpApiEndpoint.put("setPermissions", "/rbac/roles/:roleName/permissions")
      .setPath(roleNamePath)
      .setPayload(SetPermissionsRequest)
      .addSuccess(RoleInfo)
  )
  .add(HttpApiEndpoint.get("userRoles", "/rbac/users/:userId/roles").setPath(userIdPath).addSuccess(UserRoles))
  .add(
    HttpApiEndpoint.post("assignRole", "/rbac/users/:userId/roles")
      .setPath(userIdPath)
      .setPayload(AssignRoleRequest)
      .addSuccess(UserRoles)
  )
  .add(
    HttpApiEndpoint.del("removeRole", "/rbac/users/:userId/roles/:role")
      .setPath(Schema.Struct({ userId: UserId, role: Schema.String }))
      .addSuccess(UserRoles)
  )
  .add(HttpApiEndpoint.get("listPolicies", "/rbac/policies").addSuccess(Schema.Array(PolicyRule)))
  .add(HttpApiEndpoint.post("addPolicy", "/rbac/policies").setPayload(PolicyRule).addSuccess(PolicyRule, { status: 201 }))
  .add(HttpApiEndpoint.del("removePolicy", "/rbac/policies").setUrlParams(PolicyRule).addSuccess(HttpApiSchema.NoContent))
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
