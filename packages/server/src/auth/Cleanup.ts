/**
 * Auth cleanup, run by the daily `auth.cleanup` job: sessions that ended (absolute or idle expiry)
 * and API keys that were revoked or expired more than AUTH_CLEANUP_RETENTION ago, and email tokens
 * that expired or were used, are deleted, in
 * batches so no statement holds many row locks. No cache invalidation is needed: the authenticator
 * already refuses these credentials (expiry is checked on every request, revocation dropped them).
 */
import { SqlClient, type SqlError } from "@effect/sql"
import type { DatabaseError } from "@mediaserver/domain"
import { Context, Duration, Effect, Layer, Schema } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import { decodeRows, wrapSql } from "../db/Sql.js"

export interface CleanupResult {
  readonly sessions: number
  readonly apiKeys: number
  readonly emailTokens: number
}

const decodeCount = decodeRows(Schema.Struct({ n: Schema.Number }))

export class AuthCleanup extends Context.Tag("@mediaserver/auth/AuthCleanup")<
  AuthCleanup,
  { readonly run: Effect.Effect<CleanupResult, DatabaseError> }
>() {
  static readonly layer = Layer.effect(
    AuthCleanup,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const config = yield* AppConfig
      const batchSize = config.authCleanupBatchSize
      const retentionSecs = Duration.toMillis(config.authCleanupRetention) / 1000
      const idleSecs = Duration.toMillis(config.authSessionIdleTimeout) / 1000
      const cutoff = sql`now() - make_interval(secs => ${retentionSecs})`

      // Each batch deletes up to batchSize rows and says how many went.
      const deletedCount = (operation: string) => (statement: Effect.Effect<ReadonlyArray<unknown>, SqlError.SqlError>) =>
        statement.pipe(Effect.flatMap(decodeCount), Effect.map((rows) => rows[0]?.n ?? 0), wrapSql(operation))

      const sessionsBatch = sql`
        WITH doomed AS (
          DELETE FROM sessions WHERE id IN (
            SELECT id FROM sessions
            WHERE expires_at < ${cutoff}
               OR last_seen_at + make_interval(secs => ${idleSecs}) < ${cutoff}
            LIMIT ${batchSize}
          )
          RETURNING 1
        )
        SELECT count(*)::int AS n FROM doomed
      `.pipe(deletedCount("auth.cleanup.sessions"))

      const keysBatch = sql`
        WITH doomed AS (
          DELETE FROM api_keys WHERE id IN (
            SELECT id FROM api_keys
            WHERE revoked_at < ${cutoff} OR expires_at < ${cutoff}
            LIMIT ${batchSize}
          )
          RETURNING 1
        )
        SELECT count(*)::int AS n FROM doomed
      `.pipe(deletedCount("auth.cleanup.apiKeys"))

      // An expired or used email token is useless at once: no retention.
      const emailTokensBatch = sql`
        WITH doomed AS (
          DELETE FROM email_tokens WHERE token_hash IN (
            SELECT token_hash FROM email_tokens WHERE expires_at < now() OR used_at IS NOT NULL LIMIT ${batchSize}
          )
          RETURNING 1
        )
        SELECT count(*)::int AS n FROM doomed
      `.pipe(deletedCount("auth.cleanup.emailTokens"))

      /** Repeats a batch until one comes back short; the total deleted. */
      const drain = (batch: Effect.Effect<number, DatabaseError>) =>
        Effect.gen(function* () {
          let total = 0
          for (;;) {
            const deleted = yield* batch
            total += deleted
            if (deleted < batchSize) return total
          }
        })

      const run = Effect.gen(function* () {
        const sessions = yield* drain(sessionsBatch)
        const apiKeys = yield* drain(keysBatch)
        const emailTokens = yield* drain(emailTokensBatch)
        return { sessions, apiKeys, emailTokens }
      }).pipe(
        Effect.tap((r) =>
          r.sessions + r.apiKeys + r.emailTokens > 0
            ? Effect.logInfo(`auth cleanup: deleted ${r.sessions} sessions, ${r.apiKeys} API keys, ${r.emailTokens} email tokens`)
            : Effect.void
        ),
        Effect.withSpan("AuthCleanup.run")
      )
      return { run }
    })
  )
}
