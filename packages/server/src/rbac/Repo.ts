/** SQL of `roles`, `role_permissions`, `user_roles` and the built-in role in `users.role`. */
import { SqlClient } from "@effect/sql"
import { Conflict, type DatabaseError, NotFound, Permission, Role, type UserId } from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { decodeRows, wrapSql, wrapSqlUnique } from "../db/Sql.js"

export const Grants = Schema.Struct({
  role: Role,
  /** Disabled by an admin: the authenticator refuses every credential of the user. */
  disabled: Schema.Boolean,
  roles: Schema.Array(Schema.String),
  permissions: Schema.Array(Permission)
})
export type Grants = typeof Grants.Type

const RoleRow = Schema.Struct({
  name: Schema.String,
  description: Schema.String,
  builtin: Schema.Boolean,
  permissions: Schema.Array(Permission)
})
export type RoleRow = typeof RoleRow.Type

const decodeGrants = decodeRows(Grants)
const decodeRoles = decodeRows(RoleRow)
const decodeNames = decodeRows(Schema.Struct({ name: Schema.String }))
const decodePolicies = decodeRows(Schema.Struct({ role: Schema.String, permission: Permission }))

const first = <A>(rows: ReadonlyArray<A>) => Option.fromNullable(rows[0])

export class RbacRepo extends Context.Tag("@mediaserver/rbac/RbacRepo")<
  RbacRepo,
  {
    /** The user's built-in role, custom roles and the permissions they add up to; None: no such user. */
    readonly grants: (userId: UserId) => Effect.Effect<Option.Option<Grants>, DatabaseError>
    readonly listRoles: Effect.Effect<ReadonlyArray<RoleRow>, DatabaseError>
    readonly findRole: (name: string) => Effect.Effect<Option.Option<RoleRow>, DatabaseError>
    readonly createRole: (role: { readonly name: string; readonly description: string; readonly permissions: ReadonlyArray<Permission> }) => Effect.Effect<void, DatabaseError | Conflict>
    /**
     * Deletes the role, and with `unassign` takes it from its users first; without, a role users still
     * hold stays: the answer is how many hold it (0: deleted).
     */
    readonly deleteRole: (name: string, unassign: boolean) => Effect.Effect<number, DatabaseError>
    readonly setPermissions: (name: string, permissions: ReadonlyArray<Permission>) => Effect.Effect<void, DatabaseError>
    readonly addPermission: (name: string, permission: Permission) => Effect.Effect<void, DatabaseError>
    /** False when the role did not have it. */
    readonly removePermission: (name: string, permission: Permission) => Effect.Effect<boolean, DatabaseError>
    readonly listPolicies: Effect.Effect<ReadonlyArray<{ readonly role: string; readonly permission: Permission }>, DatabaseError>
    /** Sets the built-in role; refuses (Conflict) to demote the last admin. */
    readonly setBuiltinRole: (userId: UserId, role: Role) => Effect.Effect<void, DatabaseError | NotFound | Conflict>
    readonly addUserRole: (userId: UserId, role: string) => Effect.Effect<void, DatabaseError>
    /** False when the user did not have it. */
    readonly removeUserRole: (userId: UserId, role: string) => Effect.Effect<boolean, DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    RbacRepo,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const roleSelect = sql`
        SELECT r.name, r.description, r.builtin,
          COALESCE(array_agg(rp.permission ORDER BY rp.permission) FILTER (WHERE rp.permission IS NOT NULL), '{}') AS permissions
        FROM roles r LEFT JOIN role_permissions rp ON rp.role = r.name
      `
      const insertPermissions = (name: string, permissions: ReadonlyArray<Permission>) =>
        permissions.length === 0
          ? Effect.void
          : sql`
              INSERT INTO role_permissions (role, permission)
              SELECT ${name}, p FROM jsonb_array_elements_text(${JSON.stringify([...new Set(permissions)])}::jsonb) AS p
              ON CONFLICT DO NOTHING
            `.pipe(Effect.asVoid)
      return {
        grants: (userId) =>
          sql`
            SELECT u.role, u.disabled_at IS NOT NULL AS disabled,
              COALESCE((SELECT array_agg(ur.role ORDER BY ur.role) FROM user_roles ur WHERE ur.user_id = u.id), '{}') AS roles,
              COALESCE((
                SELECT array_agg(DISTINCT rp.permission ORDER BY rp.permission) FROM role_permissions rp
                WHERE rp.role = u.role OR rp.role IN (SELECT ur.role FROM user_roles ur WHERE ur.user_id = u.id)
              ), '{}') AS permissions
            FROM users u WHERE u.id = ${userId}
          `.pipe(Effect.flatMap(decodeGrants), Effect.map(first), wrapSql("rbac.grants")),
        listRoles: sql`${roleSelect} GROUP BY r.name ORDER BY r.builtin DESC, r.name`.pipe(
          Effect.flatMap(decodeRoles),
          wrapSql("rbac.listRoles")
        ),
        findRole: (name) =>
          sql`${roleSelect} WHERE r.name = ${name} GROUP BY r.name`.pipe(Effect.flatMap(decodeRoles), Effect.map(first), wrapSql("rbac.findRole")),
        createRole: (role) =>
          Effect.zipRight(
            sql`INSERT INTO roles (name, description) VALUES (${role.name}, ${role.description})`,
            insertPermissions(role.name, role.permissions)
          ).pipe(sql.withTransaction, wrapSqlUnique("rbac.createRole", { roles_pkey: "name" })),
        deleteRole: (name, unassign) =>
          Effect.gen(function* () {
            // The role row locked first: an assignment racing the delete waits, then sees it gone.
            yield* sql`SELECT 1 FROM roles WHERE name = ${name} FOR UPDATE`
            const holders = yield* sql`SELECT count(*)::text AS name FROM user_roles WHERE role = ${name}`.pipe(
              Effect.flatMap(decodeNames),
              Effect.map((rows) => Number(rows[0]?.name ?? 0))
            )
            if (holders > 0 && !unassign) return holders
            yield* sql`DELETE FROM user_roles WHERE role = ${name}`
            yield* sql`DELETE FROM roles WHERE name = ${name} AND NOT builtin`
            return 0
          }).pipe(sql.withTransaction, wrapSql("rbac.deleteRole")),
        setPermissions: (name, permissions) =>
          Effect.zipRight(sql`DELETE FROM role_permissions WHERE role = ${name}`, insertPermissions(name, permissions)).pipe(
            sql.withTransaction,
            wrapSql("rbac.setPermissions")
          ),
        addPermission: (name, permission) => insertPermissions(name, [permission]).pipe(wrapSql("rbac.addPermission")),
        removePermission: (name, permission) =>
          sql`DELETE FROM role_permissions WHERE role = ${name} AND permission = ${permission} RETURNING role AS name`.pipe(
            Effect.flatMap(decodeNames),
            Effect.map((rows) => rows.length > 0),
            wrapSql("rbac.removePermission")
          ),
        listPolicies: sql`SELECT role, permission FROM role_permissions ORDER BY role, permission`.pipe(
          Effect.flatMap(decodePolicies),
          wrapSql("rbac.listPolicies")
        ),
        setBuiltinRole: (userId, role) =>
          Effect.gen(function* () {
            // Lock the admins first (as user delete does): two admins demoting each other must not leave none.
            const admins = yield* sql`SELECT id AS name FROM users WHERE role = 'admin' FOR UPDATE`.pipe(Effect.flatMap(decodeNames))
            const target = first(yield* sql`SELECT role AS name FROM users WHERE id = ${userId} FOR UPDATE`.pipe(Effect.flatMap(decodeNames)))
            if (Option.isNone(target)) return yield* new NotFound({ message: `No user ${userId}` })
            if (target.value.name === "admin" && role !== "admin" && admins.length <= 1) {
              return yield* new Conflict({ message: "The last admin cannot lose the admin role", details: { userId } })
            }
            yield* sql`UPDATE users SET role = ${role}, updated_at = now() WHERE id = ${userId}`
          }).pipe(sql.withTransaction, wrapSql("rbac.setBuiltinRole")),
        addUserRole: (userId, role) =>
          sql`INSERT INTO user_roles (user_id, role) VALUES (${userId}, ${role}) ON CONFLICT DO NOTHING`.pipe(
            Effect.asVoid,
            wrapSql("rbac.addUserRole")
          ),
        removeUserRole: (userId, role) =>
          sql`DELETE FROM user_roles WHERE user_id = ${userId} AND role = ${role} RETURNING role AS name`.pipe(
            Effect.flatMap(decodeNames),
            Effect.map((rows) => rows.length > 0),
            wrapSql("rbac.removeUserRole")
          )
      }
    })
  )
}
