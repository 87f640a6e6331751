/**
 * RBAC administration: roles and their permissions, a user's roles. Each change invalidates the
 * cached enforcement it affects (one user, or everyone for a role's permissions) and is logged.
 * Built-in roles cannot be deleted, and admin keeps every permission; a user always keeps one
 * built-in role (removing it leaves guest), and the last admin stays admin.
 */
import {
  Conflict,
  type DatabaseError,
  NotFound,
  Permission,
  PermissionDescriptions,
  PermissionInfo,
  Role,
  RoleInfo,
  type Principal,
  PolicyRule,
  type UserId,
  UserRoles
} from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { ActivityLog } from "../activity/ActivityLog.js"
import { UserCache } from "../access/UserCache.js"
import { Enforcer } from "./Enforcer.js"
import { type RoleRow, RbacRepo } from "./Repo.js"

const toInfo = (row: RoleRow) => new RoleInfo(row)
const isBuiltin = Schema.is(Role)
const noRole = (name: string) => new NotFound({ message: `No role ${name}`, details: { field: "role", role: name } })

type Failure = NotFound | Conflict | DatabaseError

/** Who changes a user's roles: an admin, or the server on a source's word (single sign-on group mapping). */
export type RoleActor = Principal | { readonly system: string }

export class Rbac extends Context.Tag("@mediaserver/rbac/Rbac")<
  Rbac,
  {
    readonly permissions: ReadonlyArray<PermissionInfo>
    readonly listRoles: Effect.Effect<ReadonlyArray<RoleInfo>, DatabaseError>
    readonly getRole: (name: string) => Effect.Effect<RoleInfo, NotFound | DatabaseError>
    readonly createRole: (actor: Principal, role: { readonly name: string; readonly description: string; readonly permissions: ReadonlyArray<Permission> }) => Effect.Effect<RoleInfo, Failure>
    /** Refused (Conflict) while users hold the role, unless `unassign` takes it from them too. */
    readonly deleteRole: (actor: Principal, name: string, unassign: boolean) => Effect.Effect<void, Failure>
    readonly setPermissions: (actor: Principal, name: string, permissions: ReadonlyArray<Permission>) => Effect.Effect<RoleInfo, Failure>
    readonly userRoles: (userId: UserId) => Effect.Effect<UserRoles, NotFound | DatabaseError>
    readonly assignRole: (actor: RoleActor, userId: UserId, role: string) => Effect.Effect<UserRoles, Failure>
    readonly removeRole: (actor: Principal, userId: UserId, role: string) => Effect.Effect<UserRoles, Failure>
    readonly listPolicies: Effect.Effect<ReadonlyArray<PolicyRule>, DatabaseError>
    readonly addPolicy: (actor: Principal, rule: PolicyRule) => Effect.Effect<PolicyRule, Failure>
    readonly removePolicy: (actor: Principal, rule: PolicyRule) => Effect.Effect<void, Failure>
  }
>() {
  static readonly layer = Layer.effect(
    Rbac,
    Effect.gen(function* () {
      const repo = yield* RbacRepo
      const enforcer = yield* Enforcer
      const activity = yield* ActivityLog
      const userCache = yield* UserCache

      const getRole = (name: string) =>
        Effect.flatMap(repo.findRole(name), Option.match({ onNone: () => Effect.fail(noRole(name)), onSome: (row) => Effect.succeed(toInfo(row)) }))

      /** A role whose permissions may change: it exists and is not admin. */
      const editable = (name: string) =>
        Effect.flatMap(getRole(name), (role) =>
          role.name === "admin"
            ? Effect.fail(new Conflict({ message: "The admin role keeps every permission", details: { field: "role", role: name } }))
            : Effect.succeed(role))

      const userRoles = (userId: UserId) =>
        Effect.flatMap(repo.grants(userId), Option.match({
          onNone: () => Effect.fail(new NotFound({ message: `No user ${userId}` })),
          onSome: (g) => Effect.succeed(new UserRoles({ userId, role: g.role, roles: [g.role, ...g.roles], permissions: g.permissions }))
        }))

      const permissionsChanged = (actor: Principal, role: string, details: Record<string, unknown>) =>
        Effect.zipRight(
          enforcer.forgetAll,
          activity.record({ action: "rbac.role_permissions_changed", userId: actor.userId, resourceType: "role", resourceId: role, details })
        )

      const userChanged = (actor: RoleActor, userId: UserId, action: "rbac.role_assigned" | "rbac.role_removed", role: string) =>
        Effect.zipRight(
          Effect.zipRight(enforcer.forgetUser(userId), userCache.forget(userId)),
          "system" in actor
            ? activity.record({ action, userId: null, resourceType: "user", resourceId: userId, details: { role, by: actor.system } })
            : activity.record({ action, userId: actor.userId, resourceType: "user", resourceId: userId, details: { role } })
        )

      return {
        permissions: Permission.literals.map((name) => new PermissionInfo({ name, description: PermissionDescriptions[name] })),
        listRoles: Effect.map(repo.listRoles, (rows) => rows.map(toInfo)),
        getRole,
        createRole: (actor, role) =>
          Effect.gen(function* () {
            yield* repo.createRole(role)
            yield* activity.record({ action: "rbac.role_permissions_changed", userId: actor.userId, resourceType: "role", resourceId: role.name, details: { created: true, permissions: role.permissions } })
            return yield* getRole(role.name)
          }),
        deleteRole: (actor, name, unassign) =>
          Effect.gen(function* () {
            const role = yield* getRole(name)
            if (role.builtin) return yield* new Conflict({ message: `The built-in role ${name} cannot be deleted`, details: { field: "role", role: name } })
            const holders = yield* repo.deleteRole(name, unassign)
            if (holders > 0) {
              return yield* new Conflict({
                message: `The role ${name} is assigned to ${holders} user(s): remove it from them first, or delete with unassign=true`,
                details: { field: "unassign", role: name, users: holders }
              })
            }
            yield* permissionsChanged(actor, name, { deleted: true })
          }),
        setPermissions: (actor, name, permissions) =>
          Effect.gen(function* () {
            yield* editable(name)
            yield* repo.setPermissions(name, permissions)
            yield* permissionsChanged(actor, name, { permissions })
            return yield* getRole(name)
          }),
        userRoles,
        assignRole: (actor, userId, role) =>
          Effect.gen(function* () {
            yield* getRole(role)
            yield* userRoles(userId)
            if (isBuiltin(role)) yield* repo.setBuiltinRole(userId, role)
            else yield* repo.addUserRole(userId, role)
            yield* userChanged(actor, userId, "rbac.role_assigned", role)
            return yield* userRoles(userId)
          }),
        removeRole: (actor, userId, role) =>
          Effect.gen(function* () {
            const current = yield* userRoles(userId)
            const notAssigned = new NotFound({ message: `User ${userId} does not have the role ${role}`, details: { field: "role", role } })
            if (isBuiltin(role)) {
              if (current.role !== role) return yield* notAssigned
              if (role === "guest") {
                return yield* new Conflict({ message: "Every user keeps a built-in role; guest is the lowest", details: { field: "role", role } })
              }
              yield* repo.setBuiltinRole(userId, "guest")
            } else if (!(yield* repo.removeUserRole(userId, role))) {
              return yield* notAssigned
            }
            yield* userChanged(actor, userId, "rbac.role_removed", role)
            return yield* userRoles(userId)
          }),
        listPolicies: Effect.map(repo.listPolicies, (rows) => rows.map((row) => new PolicyRule(row))),
        addPolicy: (actor, rule) =>
          Effect.gen(function* () {
            yield* editable(rule.role)
            yield* repo.addPermission(rule.role, rule.permission)
            yield* permissionsChanged(actor, rule.role, { added: rule.permission })
            return rule
          }),
        removePolicy: (actor, rule) =>
          Effect.gen(function* () {
            yield* editable(rule.role)
            if (!(yield* repo.removePermission(rule.role, rule.permission))) {
              return yield* new NotFound({ message: `Role ${rule.role} does not have ${rule.permission}`, details: { field: "permission" } })
            }
            yield* permissionsChanged(actor, rule.role, { removed: rule.permission })
          })
      }
    })
  )
}
