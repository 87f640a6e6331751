/**
 * A provider's answers kept in the shared database (`metadata_provider_answers`), for providers that
 * ask to be called as little as possible (AniDB: the same anime at most once a day): every node finds
 * what any node fetched, across restarts, with or without Redis.
 */
import { PgClient } from "@effect/sql-pg"
import type { DatabaseError } from "@mediaserver/domain"
import { Duration, Effect, Option, Schema } from "effect"
import { decodeRows, optionalRow, wrapSql } from "../../db/Sql.js"

export interface SharedAnswers {
  /** The answer kept for `key` if it was fetched within `maxAge`. */
  readonly get: (key: string, maxAge: Duration.Duration) => Effect.Effect<Option.Option<string>, DatabaseError>
  readonly put: (key: string, body: string) => Effect.Effect<void, DatabaseError>
}

const decode = decodeRows(Schema.Struct({ body: Schema.String }))

export const makeSharedAnswers = (provider: string) =>
  Effect.map(PgClient.PgClient, (sql): SharedAnswers => ({
    get: (key, maxAge) =>
      sql`
        SELECT body FROM metadata_provider_answers
        WHERE provider = ${provider} AND key = ${key} AND fetched_at > now() - ${Duration.toMillis(maxAge)} * interval '1 millisecond'
      `.pipe(Effect.flatMap(decode), Effect.map((rows) => Option.map(optionalRow(rows), (r) => r.body)), wrapSql(`${provider}.answer`)),
    put: (key, body) =>
      sql`
        INSERT INTO metadata_provider_answers (provider, key, body) VALUES (${provider}, ${key}, ${body})
        ON CONFLICT (provider, key) DO UPDATE SET body = EXCLUDED.body, fetched_at = now()
      `.pipe(Effect.asVoid, wrapSql(`${provider}.keepAnswer`))
  }))
