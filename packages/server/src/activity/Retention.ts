/**
 * The activity log is written on every sign-in and admin change and read by no request, so without
 * this it grows without bound: the daily `activity.cleanup` job deletes entries older than
 * ACTIVITY_RETENTION, CLEANUP_BATCH_SIZE per statement.
 */
import { SqlClient } from "@effect/sql"
import type { DatabaseError } from "@mediaserver/domain"
import { Context, Duration, Effect, Layer } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import { deleteInBatches } from "../db/Sql.js"

export class ActivityRetention extends Context.Tag("@mediaserver/activity/ActivityRetention")<
  ActivityRetention,
  { /** Deletes what is due; how many entries went. */ readonly run: Effect.Effect<number, DatabaseError> }
>() {
  static readonly layer = Layer.effect(
    ActivityRetention,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const config = yield* AppConfig
      const retentionSecs = Duration.toMillis(config.activityRetention) / 1000

      const run = deleteInBatches(sql, {
        operation: "activity.retention",
        table: "activity_log",
        key: "id",
        where: sql`at < now() - make_interval(secs => ${retentionSecs})`,
        batchSize: config.cleanupBatchSize
      }).pipe(
        Effect.tap((n) => (n > 0 ? Effect.logInfo(`activity cleanup: deleted ${n} entries`) : Effect.void)),
        Effect.withSpan("ActivityRetention.run")
      )
      return { run }
    })
  )
}
