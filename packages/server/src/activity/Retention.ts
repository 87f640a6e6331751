/**
 * The activity log is written on every sign-in and admin change and read by no request, so without
 * this it grows without bound: the daily `activity.cleanup` job deletes entries older than
 * ACTIVITY_RETENTION, CLEANUP_BATCH_SIZE per statement. Answers how many went.
 */
import { SqlClient } from "@effect/sql"
import { Duration, Effect } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import { deleteInBatches } from "../db/Sql.js"

export const pruneActivityLog = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const config = yield* AppConfig
  const retentionSecs = Duration.toMillis(config.activityRetention) / 1000
  const deleted = yield* deleteInBatches(sql, {
    operation: "activity.retention",
    table: "activity_log",
    key: "id",
    where: sql`at < now() - make_interval(secs => ${retentionSecs})`,
    batchSize: config.cleanupBatchSize
  })
  if (deleted > 0) yield* Effect.logInfo(`activity cleanup: deleted ${deleted} entries`)
  return deleted
}).pipe(Effect.withSpan("pruneActivityLog"))
