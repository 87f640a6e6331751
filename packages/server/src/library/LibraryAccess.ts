/**
 * Who may use which library. Admins (`system:admin`) may use every library; anyone else needs a grant (view, and
 * optionally download and manage). A user's grants are read once and cached (namespace
 * `library-access`, key = user id), dropped on every node when a grant changes. Every content read
 * asks here: `accessible` for listings, `require(libraryId, level)` as the policy of one item.
 */
import { SqlClient } from "@effect/sql"
import {
  CurrentUser,
  type DatabaseError,
  Forbidden,
  GrantLibraryPermissionRequest,
  type LibraryAccessLevel,
  LibraryId,
  LibraryPermission,
  NotFound,
  type Principal,
  UserId
} from "@mediaserver/domain"
import { Context, DateTime, Effect, Layer, Schema } from "effect"
import { isAdmin } from "../access/Policy.js"
import { CacheAside } from "../cache/index.js"
import { decodeRows, wrapSql } from "../db/Sql.js"

const Grant = Schema.Struct({
  library_id: LibraryId,
  can_view: Schema.Boolean,
  can_download: Schema.Boolean,
  can_manage: Schema.Boolean
})
type Grant = typeof Grant.Type
const decodeGrants = decodeRows(Grant)

const PermissionRow = Schema.Struct({ ...Grant.fields, user_id: UserId, granted_at: Schema.DateFromSelf })
const decodePermissions = decodeRows(PermissionRow)
const toPermission = (row: typeof PermissionRow.Type) =>
  new LibraryPermission({
    libraryId: row.library_id,
    userId: row.user_id,
    canView: row.can_view,
    canDownload: row.can_download,
    canManage: row.can_manage,
    grantedAt: DateTime.unsafeFromDate(row.granted_at)
  })

const allows = (grant: Grant, level: LibraryAccessLevel): boolean =>
  level === "view" ? grant.can_view : level === "download" ? grant.can_download : grant.can_manage

/** The one "no such library" answer: also what a caller without access gets (no existence leak). */
export const libraryNotFound = (id: LibraryId) => new NotFound({ message: `No library ${id}` })

/** `"all"` for admins; otherwise the libraries the user may use at `level`. */
export type Accessible = "all" | ReadonlyArray<LibraryId>

export const isAccessible = (accessible: Accessible, libraryId: LibraryId): boolean =>
  accessible === "all" || accessible.includes(libraryId)

export class LibraryAccess extends Context.Tag("@mediaserver/library/LibraryAccess")<
  LibraryAccess,
  {
    readonly accessible: (user: Principal, level?: LibraryAccessLevel) => Effect.Effect<Accessible, DatabaseError>
    readonly can: (user: Principal, libraryId: LibraryId, level: LibraryAccessLevel) => Effect.Effect<boolean, DatabaseError>
    /** The policy of one library: NotFound without view access (its existence stays private), else Forbidden. */
    readonly require: (libraryId: LibraryId, level: LibraryAccessLevel) => Effect.Effect<void, NotFound | Forbidden | DatabaseError, CurrentUser>
    readonly list: (libraryId: LibraryId) => Effect.Effect<ReadonlyArray<LibraryPermission>, DatabaseError>
    readonly grant: (libraryId: LibraryId, grant: GrantLibraryPermissionRequest) => Effect.Effect<LibraryPermission, NotFound | DatabaseError>
    readonly revoke: (libraryId: LibraryId, userId: UserId) => Effect.Effect<void, NotFound | DatabaseError>
    /** After a library is deleted: its grants went with it. */
    readonly forgetAll: Effect.Effect<void>
  }
>() {
  static readonly layer = Layer.scoped(
    LibraryAccess,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const cache = yield* CacheAside.make({
        namespace: "library-access",
        schema: Schema.Array(Grant),
        ttl: { l1: "30 seconds", l2: "10 minutes" },
        tags: (userId: UserId) => [`user:${userId}`]
      })
      const grantsOf = (userId: UserId) =>
        cache.get(
          userId,
          sql`SELECT library_id, can_view, can_download, can_manage FROM library_permissions WHERE user_id = ${userId}`.pipe(
            Effect.flatMap(decodeGrants),
            wrapSql("libraryAccess.grants")
          )
        )
      const accessible = (user: Principal, level: LibraryAccessLevel = "view"): Effect.Effect<Accessible, DatabaseError> =>
        isAdmin(user)
          ? Effect.succeed("all")
          : Effect.map(grantsOf(user.userId), (grants) => grants.filter((g) => allows(g, level)).map((g) => g.library_id))
      const can = (user: Principal, libraryId: LibraryId, level: LibraryAccessLevel) =>
        Effect.map(accessible(user, level), (found) => isAccessible(found, libraryId))

      return {
        accessible,
        can,
        require: (libraryId, level) =>
          Effect.gen(function* () {
            const user = yield* CurrentUser
            if (isAdmin(user)) return
            const grant = (yield* grantsOf(user.userId)).find((g) => g.library_id === libraryId)
            if (grant === undefined || !grant.can_view) return yield* libraryNotFound(libraryId)
            if (!allows(grant, level)) {
              return yield* new Forbidden({ message: `This operation needs ${level} access to the library` })
            }
          }),
        list: (libraryId) =>
          sql`SELECT * FROM library_permissions WHERE library_id = ${libraryId} ORDER BY granted_at`.pipe(
            Effect.flatMap(decodePermissions),
            Effect.map((rows) => rows.map(toPermission)),
            wrapSql("libraryAccess.list")
          ),
        grant: (libraryId, grant) =>
          Effect.gen(function* () {
            const rows = yield* sql`
              INSERT INTO library_permissions (library_id, user_id, can_view, can_download, can_manage)
              SELECT l.id, u.id, true, ${grant.canDownload}, ${grant.canManage}
              FROM libraries l, users u WHERE l.id = ${libraryId} AND u.id = ${grant.userId}
              ON CONFLICT (library_id, user_id) DO UPDATE
                SET can_download = EXCLUDED.can_download, can_manage = EXCLUDED.can_manage, granted_at = now()
              RETURNING *
            `.pipe(Effect.flatMap(decodePermissions), wrapSql("libraryAccess.grant"))
            const [row] = rows
            if (row === undefined) {
              return yield* new NotFound({ message: `No library ${libraryId} or no user ${grant.userId}` })
            }
            yield* cache.invalidate(grant.userId)
            return toPermission(row)
          }),
        revoke: (libraryId, userId) =>
          Effect.gen(function* () {
            const rows = yield* sql`
              DELETE FROM library_permissions WHERE library_id = ${libraryId} AND user_id = ${userId} RETURNING user_id
            `.pipe(wrapSql("libraryAccess.revoke"))
            if (rows.length === 0) return yield* new NotFound({ message: `User ${userId} has no grant on library ${libraryId}` })
            yield* cache.invalidate(userId)
          }),
        forgetAll: cache.invalidateAll
      }
    })
  )
}
