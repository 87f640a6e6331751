/**
 * The daily `scan_history.cleanup` job: finished scans older than SCAN_HISTORY_RETENTION are deleted,
 * CLEANUP_BATCH_SIZE per statement. Each library keeps its latest scan whatever its age, since that
 * is what the library's "last scan" answers with.
 */
import { SqlClient } from "@effect/sql"
import type { DatabaseError } from "@mediaserver/domain"
import { Context, Duration, Effect, Layer } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import { deleteInBatches } from "../db/Sql.js"

export class ScanHistoryRetention extends Context.Tag("@mediaserver/library/ScanHistoryRetention")<
  ScanHistoryRetention,
  { /** Deletes what is due; how many scans went. */ readonly run: Effect.Effect<number, DatabaseError> }
>() {
  static readonly layer = Layer.effect(
    ScanHistoryRetention,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const config = yield* AppConfig
      const retentionSecs = Duration.toMillis(config.scanHistoryRetention) / 1000

      const run = deleteInBatches(sql, {
        operation: "scans.retention",
        table: "library_scans",
        key: "id",
        where: sql`status <> 'running'
          AND finished_at < now() - make_interval(secs => ${retentionSecs})
          AND id <> (SELECT l.id FROM library_scans l WHERE l.library_id = library_scans.library_id ORDER BY l.started_at DESC LIMIT 1)`,
        batchSize: config.cleanupBatchSize
      }).pipe(
        Effect.tap((n) => (n > 0 ? Effect.logInfo(`scan history cleanup: deleted ${n} scans`) : Effect.void)),
        Effect.withSpan("ScanHistoryRetention.run")
      )
      return { run }
    })
  )
}
