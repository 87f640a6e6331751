/** SQL of the `api_keys` table. Secrets arrive here only as sha-256 digests. */
import { SqlClient } from "@effect/sql"
import { ApiKeyId, ApiKeyScope, type DatabaseError, Role, UserId } from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { decodeRows, wrapSql } from "../db/Sql.js"

const ApiKeyRow = Schema.Struct({
  id: ApiKeyId,
  user_id: UserId,
  name: Schema.String,
  prefix: Schema.String,
  secret_hash: Schema.String,
  scopes: Schema.Array(ApiKeyScope),
  created_at: Schema.DateFromSelf,
  last_used_at: Schema.NullOr(Schema.DateFromSelf),
  expires_at: Schema.NullOr(Schema.DateFromSelf)
})
export type ApiKeyRow = typeof ApiKeyRow.Type

const ApiKeyAuthRow = Schema.Struct({ ...ApiKeyRow.fields, username: Schema.String, role: Role })
export type ApiKeyAuthRow = typeof ApiKeyAuthRow.Type

const decodeKeys = decodeRows(ApiKeyRow)
const decodeAuth = decodeRows(ApiKeyAuthRow)
const Prefix = Schema.Struct({ prefix: Schema.String })
const decodePrefixes = decodeRows(Prefix)

export interface NewApiKeyRow {
  readonly id: ApiKeyId
  readonly userId: UserId
  readonly name: string
  readonly prefix: string
  readonly secretHash: string
  readonly scopes: ReadonlyArray<ApiKeyScope>
  readonly expiresAt: Date | null
}

export class ApiKeysRepo extends Context.Tag("@mediaserver/auth/ApiKeysRepo")<
  ApiKeysRepo,
  {
    readonly create: (key: NewApiKeyRow) => Effect.Effect<ApiKeyRow, DatabaseError>
    /** A live (not revoked) key by its lookup prefix, with its user's name and role. */
    readonly findByPrefix: (prefix: string) => Effect.Effect<Option.Option<ApiKeyAuthRow>, DatabaseError>
    readonly list: (userId: UserId) => Effect.Effect<ReadonlyArray<ApiKeyRow>, DatabaseError>
    readonly find: (userId: UserId, id: ApiKeyId) => Effect.Effect<Option.Option<ApiKeyRow>, DatabaseError>
    /** Marks the key revoked; its prefix comes back, to drop it from the caches. */
    readonly revoke: (userId: UserId, id: ApiKeyId) => Effect.Effect<Option.Option<string>, DatabaseError>
    readonly touch: (used: ReadonlyArray<readonly [string, Date]>) => Effect.Effect<void, DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    ApiKeysRepo,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      return {
        create: (k) =>
          sql`
            INSERT INTO api_keys (id, user_id, name, prefix, secret_hash, scopes, expires_at)
            VALUES (${k.id}, ${k.userId}, ${k.name}, ${k.prefix}, ${k.secretHash},
              ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(k.scopes)}::jsonb)), ${k.expiresAt})
            RETURNING *
          `.pipe(
            Effect.flatMap(decodeKeys),
            Effect.flatMap((rows) => Option.match(Option.fromNullable(rows[0]), {
              onNone: () => Effect.dieMessage("INSERT RETURNING gave no row"),
              onSome: Effect.succeed
            })),
            wrapSql("apiKeys.create")
          ),
        findByPrefix: (prefix) =>
          sql`
            SELECT k.*, u.username, u.role FROM api_keys k JOIN users u ON u.id = k.user_id
            WHERE k.prefix = ${prefix} AND k.revoked_at IS NULL
          `.pipe(Effect.flatMap(decodeAuth), Effect.map((rows) => Option.fromNullable(rows[0])), wrapSql("apiKeys.findByPrefix")),
        list: (userId) =>
          sql`SELECT * FROM api_keys WHERE user_id = ${userId} AND revoked_at IS NULL ORDER BY created_at`.pipe(
            Effect.flatMap(decodeKeys),
            wrapSql("apiKeys.list")
          ),
        find: (userId, id) =>
          sql`SELECT * FROM api_keys WHERE user_id = ${userId} AND id = ${id} AND revoked_at IS NULL`.pipe(
            Effect.flatMap(decodeKeys),
            Effect.map((rows) => Option.fromNullable(rows[0])),
            wrapSql("apiKeys.find")
          ),
        revoke: (userId, id) =>
          sql`
            UPDATE api_keys SET revoked_at = now()
            WHERE user_id = ${userId} AND id = ${id} AND revoked_at IS NULL
            RETURNING prefix
          `.pipe(Effect.flatMap(decodePrefixes), Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), (row) => row.prefix)), wrapSql("apiKeys.revoke")),
        touch: (used) =>
          used.length === 0
            ? Effect.void
            : sql`
                UPDATE api_keys k SET last_used_at = v.ts
                FROM jsonb_to_recordset(${JSON.stringify(used.map(([id, at]) => ({ id, ts: at.toISOString() })))}::jsonb)
                  AS v(id uuid, ts timestamptz)
                WHERE k.id = v.id AND (k.last_used_at IS NULL OR k.last_used_at < v.ts)
              `.pipe(Effect.asVoid, wrapSql("apiKeys.touch"))
      }
    })
  )
}
