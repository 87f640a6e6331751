/**
 * Retention: the engine never deletes anything (each execution leaves messages and replies, plus
 * one of each per attempt and per sleep), and neither would `job_runs`. Finished runs older than their
 * state's retention are deleted together with their executions' cluster messages and replies, in
 * batches so no transaction grows large. Runs by the `jobs.retention` job (hourly).
 */
import { SqlClient } from "@effect/sql"
import { DatabaseError } from "@mediaserver/domain"
import { Context, Duration, Effect, Layer } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import { drainBatches, wrapSql } from "../db/Sql.js"

export interface JobRetentionShape {
  /** Deletes what is due; returns how many runs were deleted. */
  readonly run: Effect.Effect<number, DatabaseError>
}

export class JobRetention extends Context.Tag("@mediaserver/jobs/JobRetention")<JobRetention, JobRetentionShape>() {
  static readonly layer = Layer.effect(
    JobRetention,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const config = yield* AppConfig
      const batchSize = config.jobRetentionBatchSize
      const completedMs = Duration.toMillis(config.jobRetentionCompleted)
      const unsuccessfulMs = Duration.toMillis(config.jobRetentionUnsuccessful)

      // Data-modifying CTEs: runs, then their executions' replies and messages, in one statement.
      const batch = sql<{ readonly runs: number }>`
        WITH doomed AS (
          DELETE FROM job_runs WHERE id IN (
            SELECT id FROM job_runs
            WHERE (state = 'completed' AND finished_at < now() - make_interval(secs => ${completedMs} / 1000.0))
               OR (state IN ('discarded', 'failed', 'cancelled')
                   AND finished_at < now() - make_interval(secs => ${unsuccessfulMs} / 1000.0))
            LIMIT ${batchSize}
          )
          RETURNING execution_id
        ),
        messages AS (
          SELECT id FROM cluster_messages
          WHERE entity_type LIKE 'Workflow/%' AND entity_id IN (SELECT execution_id FROM doomed)
        ),
        replies AS (
          DELETE FROM cluster_replies WHERE request_id IN (SELECT id FROM messages)
        ),
        deleted AS (
          DELETE FROM cluster_messages WHERE id IN (SELECT id FROM messages)
        )
        SELECT count(*)::int AS runs FROM doomed
      `.pipe(
        Effect.map((rows) => rows[0]?.runs ?? 0),
        wrapSql("job_runs.retention")
      )

      const run = drainBatches(batch, batchSize).pipe(
        Effect.tap((total) => (total > 0 ? Effect.logInfo(`job retention: deleted ${total} finished runs`) : Effect.void)),
        Effect.withSpan("JobRetention.run")
      )
      return { run }
    })
  )
}
