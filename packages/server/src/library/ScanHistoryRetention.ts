/**
 * The daily `scan_history.cleanup` job: finished scans older than SCAN_HISTORY_RETENTION are deleted,
 * CLEANUP_BATCH_SIZE per statement. Each library keeps its latest scan whatever its age, since that
 * is what the library's "last scan" answers with. Answers how many went.
 */
import { SqlClient } from "@effect/sql"
import { Duration, Effect } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import { deleteInBatches } from "../db/Sql.js"

export const pruneScanHistory = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const { cleanupBatchSize, scanHistoryRetention } = yield* AppConfig
  const deleted = yield* deleteInBatches(sql, {
    operation: "scans.retention",
    table: "library_scans",
    key: "id",
    where: sql`status <> 'running'
      AND finished_at < now() - make_interval(secs => ${Duration.toMillis(scanHistoryRetention) / 1000})
      AND id <> (SELECT l.id FROM library_scans l WHERE l.library_id = library_scans.library_id ORDER BY l.started_at DESC LIMIT 1)`,
    batchSize: cleanupBatchSize
  })
  if (deleted > 0) yield* Effect.logInfo(`scan history cleanup: deleted ${deleted} scans`)
  return deleted
}).pipe(Effect.withSpan("pruneScanHistory"))
