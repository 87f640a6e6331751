/**
 * Relayed events stay in the outbox only as long as a client may resume from them (EVENTS_RETENTION);
 * the hourly `events.cleanup` job deletes older ones, CLEANUP_BATCH_SIZE per statement. Unrelayed rows
 * are never deleted. Answers how many went.
 */
import { SqlClient } from "@effect/sql"
import { Duration, Effect } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import { deleteInBatches } from "../db/Sql.js"

export const pruneEventOutbox = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const config = yield* AppConfig
  const retentionSecs = Duration.toMillis(config.eventsRetention) / 1000
  const deleted = yield* deleteInBatches(sql, {
    operation: "events.retention",
    table: "event_outbox",
    key: "id",
    where: sql`seq IS NOT NULL AND created_at < now() - make_interval(secs => ${retentionSecs})`,
    batchSize: config.cleanupBatchSize
  })
  if (deleted > 0) yield* Effect.logInfo(`events cleanup: deleted ${deleted} relayed events`)
  return deleted
}).pipe(Effect.withSpan("pruneEventOutbox"))
