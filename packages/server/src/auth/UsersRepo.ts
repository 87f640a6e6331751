/** SQL of the `users` table. */
import { SqlClient } from "@effect/sql"
import { Conflict, type DatabaseError, NotFound, Role, User, UserId } from "@mediaserver/domain"
import { Context, DateTime, Effect, Layer, Option, Schema } from "effect"
import { decodeRows, wrapSql, wrapSqlUnique } from "../db/Sql.js"

const UserRow = Schema.Struct({
  id: UserId,
  username: Schema.String,
  email: Schema.String,
  display_name: Schema.NullOr(Schema.String),
  role: Role,
  password_hash: Schema.String,
  email_verified_at: Schema.NullOr(Schema.DateFromSelf),
  avatar_type: Schema.NullOr(Schema.String),
  avatar_updated_at: Schema.NullOr(Schema.DateFromSelf),
  disabled_at: Schema.NullOr(Schema.DateFromSelf),
  created_at: Schema.DateFromSelf
})
export type UserRow = typeof UserRow.Type

export const toUser = (row: UserRow): User =>
  new User({
    id: row.id,
    username: row.username,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    emailVerified: row.email_verified_at !== null,
    avatarUrl: row.avatar_type === null || row.avatar_updated_at === null
      ? null
      : `/api/v1/users/${row.id}/avatar?v=${row.avatar_updated_at.getTime()}`,
    disabled: row.disabled_at !== null,
    createdAt: DateTime.unsafeFromDate(row.created_at)
  })

/** The admin's user list: a page, optionally only users whose name or email contains `search`, or who have `role`. */
export interface UserListQuery {
  readonly limit: number
  readonly offset: number
  readonly search?: string | undefined
  readonly role?: string | undefined
}

const UNIQUE = { users_username_lower: "username", users_email_lower: "email" }

export interface NewUser {
  readonly id: UserId
  readonly username: string
  readonly email: string
  readonly displayName: string | null
  readonly passwordHash: string
}

/** Credentials a deleted user leaves behind, to drop from the caches. */
export interface DeletedCredentials {
  readonly accessHashes: ReadonlyArray<string>
  readonly apiKeyPrefixes: ReadonlyArray<string>
}

const decodeUsers = decodeRows(UserRow)
const Count = Schema.Struct({ n: Schema.NumberFromString })
const decodeCount = decodeRows(Count)
const Hashes = Schema.Struct({ value: Schema.String })
const decodeHashes = decodeRows(Hashes)

export class UsersRepo extends Context.Tag("@mediaserver/auth/UsersRepo")<
  UsersRepo,
  {
    /** The first user ever created is an admin; later ones are users. */
    readonly insert: (user: NewUser) => Effect.Effect<UserRow, DatabaseError | Conflict>
    /** Whether any account exists (the first one may always register). */
    readonly exists: Effect.Effect<boolean, DatabaseError>
    readonly findByLogin: (login: string) => Effect.Effect<Option.Option<UserRow>, DatabaseError>
    readonly findById: (id: UserId) => Effect.Effect<Option.Option<UserRow>, DatabaseError>
    readonly findByEmail: (email: string) => Effect.Effect<Option.Option<UserRow>, DatabaseError>
    /** Marks the address verified if it is still the user's address. */
    readonly markVerified: (id: UserId, email: string) => Effect.Effect<Option.Option<UserRow>, DatabaseError>
    readonly setAvatar: (id: UserId, contentType: string) => Effect.Effect<Option.Option<UserRow>, DatabaseError>
    /** With `whileHash`: only if the stored hash is still that one (false otherwise), so a concurrent change wins once. */
    readonly setPassword: (id: UserId, passwordHash: string, whileHash?: string) => Effect.Effect<boolean, DatabaseError>
    readonly updateProfile: (
      id: UserId,
      changes: { readonly email?: string | undefined; readonly displayName?: string | null | undefined }
    ) => Effect.Effect<Option.Option<UserRow>, DatabaseError | Conflict>
    readonly list: (query: UserListQuery) => Effect.Effect<{ readonly rows: ReadonlyArray<UserRow>; readonly total: number }, DatabaseError>
    /**
     * Disables (ending every session: their access hashes are returned) or enables the account; None
     * when there is no such user.
     */
    readonly setDisabled: (id: UserId, disabled: boolean) => Effect.Effect<Option.Option<{ readonly row: UserRow; readonly accessHashes: ReadonlyArray<string> }>, DatabaseError>
    /** Deletes the user with their sessions and keys; the last admin stays (Conflict). */
    readonly delete: (id: UserId) => Effect.Effect<DeletedCredentials, DatabaseError | NotFound | Conflict>
  }
>() {
  static readonly layer = Layer.effect(
    UsersRepo,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const one = (rows: ReadonlyArray<UserRow>) => Option.fromNullable(rows[0])
      return {
        insert: (user) =>
          Effect.gen(function* () {
            // Serialises first-user creation, so two concurrent first registrations make one admin.
            yield* sql`SELECT pg_advisory_xact_lock(hashtext('users.first_admin'))`
            const rows = yield* sql`
              INSERT INTO users (id, username, email, display_name, password_hash, role)
              SELECT ${user.id}, ${user.username}, ${user.email}, ${user.displayName}, ${user.passwordHash},
                CASE WHEN EXISTS (SELECT 1 FROM users) THEN 'user' ELSE 'admin' END
              RETURNING *
            `.pipe(Effect.flatMap(decodeUsers))
            return rows[0] ?? (yield* Effect.dieMessage("INSERT RETURNING gave no row"))
          }).pipe(sql.withTransaction, wrapSqlUnique("users.insert", UNIQUE)),
        exists: sql`SELECT count(*)::text AS n FROM (SELECT 1 FROM users LIMIT 1) t`.pipe(
          Effect.flatMap(decodeCount),
          Effect.map((rows) => (rows[0]?.n ?? 0) > 0),
          wrapSql("users.exists")
        ),
        findByLogin: (login) =>
          sql`SELECT * FROM users WHERE lower(username) = lower(${login}) OR lower(email) = lower(${login}) LIMIT 1`.pipe(
            Effect.flatMap(decodeUsers),
            Effect.map(one),
            wrapSql("users.findByLogin")
          ),
        findById: (id) =>
          sql`SELECT * FROM users WHERE id = ${id}`.pipe(Effect.flatMap(decodeUsers), Effect.map(one), wrapSql("users.findById")),
        findByEmail: (email) =>
          sql`SELECT * FROM users WHERE lower(email) = lower(${email})`.pipe(
            Effect.flatMap(decodeUsers),
            Effect.map(one),
            wrapSql("users.findByEmail")
          ),
        markVerified: (id, email) =>
          sql`
            UPDATE users SET email_verified_at = COALESCE(email_verified_at, now()), updated_at = now()
            WHERE id = ${id} AND lower(email) = lower(${email})
            RETURNING *
          `.pipe(Effect.flatMap(decodeUsers), Effect.map(one), wrapSql("users.markVerified")),
        setAvatar: (id, contentType) =>
          sql`
            UPDATE users SET avatar_type = ${contentType}, avatar_updated_at = clock_timestamp(), updated_at = now()
            WHERE id = ${id} RETURNING *
          `.pipe(Effect.flatMap(decodeUsers), Effect.map(one), wrapSql("users.setAvatar")),
        setPassword: (id, passwordHash, whileHash) =>
          sql`
            UPDATE users SET password_hash = ${passwordHash}, updated_at = now()
            WHERE id = ${id} ${whileHash === undefined ? sql`` : sql`AND password_hash = ${whileHash}`} RETURNING id
          `.pipe(Effect.map((rows) => rows.length > 0), wrapSql("users.setPassword")),
        updateProfile: (id, changes) =>
          sql`
            UPDATE users SET
              -- A new address must be verified again.
              email_verified_at = CASE WHEN lower(COALESCE(${changes.email ?? null}, email)) = lower(email)
                THEN email_verified_at ELSE NULL END,
              email = COALESCE(${changes.email ?? null}, email),
              display_name = CASE WHEN ${changes.displayName !== undefined} THEN ${changes.displayName ?? null} ELSE display_name END,
              updated_at = now()
            WHERE id = ${id}
            RETURNING *
          `.pipe(Effect.flatMap(decodeUsers), Effect.map(one), wrapSqlUnique("users.updateProfile", UNIQUE)),
        list: ({ limit, offset, role, search }) => {
          // The search is a substring of name, email or display name, any case (LIKE wildcards taken literally).
          const pattern = search === undefined ? null : `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
          const where = sql`
            WHERE (${pattern}::text IS NULL
                OR (lower(username) || ' ' || lower(email) || ' ' || lower(COALESCE(display_name, ''))) LIKE ${pattern})
              AND (${role ?? null}::text IS NULL
                OR role = ${role ?? null} OR EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = users.id AND ur.role = ${role ?? null}))
          `
          return Effect.all({
            rows: sql`SELECT * FROM users ${where} ORDER BY created_at, id LIMIT ${limit} OFFSET ${offset}`.pipe(
              Effect.flatMap(decodeUsers)
            ),
            total: sql`SELECT count(*)::text AS n FROM users ${where}`.pipe(
              Effect.flatMap(decodeCount),
              Effect.map((rows) => rows[0]?.n ?? 0)
            )
          }).pipe(wrapSql("users.list"))
        },
        setDisabled: (id, disabled) =>
          Effect.gen(function* () {
            const row = one(yield* sql`
              UPDATE users SET disabled_at = CASE WHEN ${disabled} THEN COALESCE(disabled_at, now()) END, updated_at = now()
              WHERE id = ${id} RETURNING *
            `.pipe(Effect.flatMap(decodeUsers)))
            if (Option.isNone(row) || !disabled) return Option.map(row, (r) => ({ row: r, accessHashes: [] }))
            const ended = yield* sql`DELETE FROM sessions WHERE user_id = ${id} RETURNING access_hash AS value`.pipe(Effect.flatMap(decodeHashes))
            return Option.some({ row: row.value, accessHashes: ended.map((r) => r.value) })
          }).pipe(sql.withTransaction, wrapSql("users.setDisabled")),
        delete: (id) =>
          Effect.gen(function* () {
            // Lock the admins first: two admins deleting each other must not leave none.
            const admins = yield* sql`SELECT id AS value FROM users WHERE role = 'admin' FOR UPDATE`.pipe(Effect.flatMap(decodeHashes))
            const target = one(yield* sql`SELECT * FROM users WHERE id = ${id} FOR UPDATE`.pipe(Effect.flatMap(decodeUsers)))
            if (Option.isNone(target)) return yield* new NotFound({ message: `No user ${id}` })
            if (target.value.role === "admin" && admins.length <= 1) {
              return yield* new Conflict({ message: "The last admin cannot be deleted", details: { userId: id } })
            }
            const accessHashes = yield* sql`SELECT access_hash AS value FROM sessions WHERE user_id = ${id}`.pipe(Effect.flatMap(decodeHashes))
            const prefixes = yield* sql`SELECT prefix AS value FROM api_keys WHERE user_id = ${id}`.pipe(Effect.flatMap(decodeHashes))
            yield* sql`DELETE FROM users WHERE id = ${id}`
            return {
              accessHashes: accessHashes.map((row) => row.value),
              apiKeyPrefixes: prefixes.map((row) => row.value)
            }
          }).pipe(sql.withTransaction, wrapSql("users.delete"))
      }
    })
  )
}
