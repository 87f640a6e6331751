/**
 * Auth cleanup, run by the daily `auth.cleanup` job: sessions that ended (absolute or idle expiry)
 * and API keys that were revoked or expired more than AUTH_CLEANUP_RETENTION ago, and email tokens
 * that expired or were used, are deleted, in
 * batches so no statement holds many row locks. No cache invalidation is needed: the authenticator
 * already refuses these credentials (expiry is checked on every request, revocation dropped them).
 */
import { SqlClient, type Statement } from "@effect/sql"
import type { DatabaseError } from "@mediaserver/domain"
import { Context, Duration, Effect, Layer } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import { deleteInBatches } from "../db/Sql.js"

export interface CleanupResult {
  readonly sessions: number
  readonly apiKeys: number
  readonly emailTokens: number
}

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

      const deleteWhere = (operation: string, table: string, key: string, where: Statement.Fragment) =>
        deleteInBatches(sql, { operation, table, key, where, batchSize })

      const sessions = deleteWhere("auth.cleanup.sessions", "sessions", "id", sql`
        expires_at < ${cutoff} OR last_seen_at + make_interval(secs => ${idleSecs}) < ${cutoff}`)
      const apiKeys = deleteWhere("auth.cleanup.apiKeys", "api_keys", "id", sql`revoked_at < ${cutoff} OR expires_at < ${cutoff}`)
      // An expired or used email token is useless at once: no retention.
      const emailTokens = deleteWhere("auth.cleanup.emailTokens", "email_tokens", "token_hash", sql`
        expires_at < now() OR used_at IS NOT NULL`)

      const run = Effect.all({ sessions, apiKeys, emailTokens }).pipe(
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
