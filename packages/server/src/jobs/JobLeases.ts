/**
 * Claims of single-step runs (`job_runs` rows with a `run_at`): a node claims ready runs of a queue
 * with `FOR UPDATE SKIP LOCKED` (many per statement, none twice), holds each under a lease it renews
 * while the handler runs, and hands a run back for its next attempt or when it stops. A run whose
 * lease lapsed (its node died or hung) becomes ready again with the same attempt, for any node.
 */
import { SqlClient } from "@effect/sql"
import type { DatabaseError, JobQueue } from "@mediaserver/domain"
import { Context, Duration, Effect, Layer } from "effect"
import { randomUUID } from "node:crypto"
import { AppConfig } from "../config/AppConfig.js"
import { wrapSql } from "../db/Sql.js"
import type { RunLease } from "./JobRuns.js"

export interface ClaimedRun {
  readonly id: string
  readonly kind: string
  readonly attempt: number
  readonly payload: unknown
}

export interface JobLeasesShape {
  /** This node's lease, for runs it writes already claimed. */
  readonly lease: RunLease
  /** Marks up to `limit` ready runs of `kinds` in `queue` running (attempt + 1) under this node's lease. */
  readonly claim: (queue: JobQueue, kinds: ReadonlyArray<string>, limit: number) => Effect.Effect<ReadonlyArray<ClaimedRun>, DatabaseError>
  /** Extends the leases of these runs while this node still holds them. */
  readonly renew: (ids: ReadonlyArray<string>) => Effect.Effect<void, DatabaseError>
  /** The attempt failed and the run retries after `delay`; false when this node no longer holds it. */
  readonly retryAfter: (id: string, attempt: number, error: string, delay: Duration.Duration) => Effect.Effect<boolean, DatabaseError>
  /** The node stops before the attempt ended: the run is ready again, and the attempt runs again. */
  readonly handBack: (id: string, attempt: number) => Effect.Effect<void, DatabaseError>
  /**
   * Runs of other nodes whose lease lapsed become ready again (same attempt); returns their queues. A
   * node never takes its own runs back: they are running here, only late in renewing (a busy node).
   */
  readonly reclaimLapsed: Effect.Effect<ReadonlyArray<JobQueue>, DatabaseError>
}

export class JobLeases extends Context.Tag("@mediaserver/jobs/JobLeases")<JobLeases, JobLeasesShape>() {
  static readonly layer = Layer.effect(
    JobLeases,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const leaseSeconds = Duration.toSeconds((yield* AppConfig).jobLease)
      const node = randomUUID()
      const leaseEnd = sql`now() + make_interval(secs => ${leaseSeconds})`
      return {
        lease: { node, seconds: leaseSeconds },
        claim: (queue, kinds, limit) =>
          sql<ClaimedRun>`
            UPDATE job_runs SET state = 'running', attempt = attempt + 1, started_at = coalesce(started_at, now()),
              updated_at = now(), leased_by = ${node}, lease_until = ${leaseEnd}
            WHERE id IN (
              SELECT id FROM job_runs
              WHERE queue = ${queue} AND run_at IS NOT NULL AND state IN ('queued', 'retrying') AND run_at <= now()
                AND kind IN ${sql.in(kinds)}
              ORDER BY run_at LIMIT ${limit}
              FOR UPDATE SKIP LOCKED
            )
            RETURNING id, kind, attempt, payload
          `.pipe(wrapSql("job_runs.claim")),
        renew: (ids) =>
          ids.length === 0 ? Effect.void : sql`
            UPDATE job_runs SET lease_until = ${leaseEnd}
            WHERE id IN ${sql.in(ids)} AND leased_by = ${node} AND state = 'running'
          `.pipe(Effect.asVoid, wrapSql("job_runs.renew")),
        retryAfter: (id, attempt, error, delay) =>
          sql`
            UPDATE job_runs SET state = 'retrying', last_error = ${error}, updated_at = now(),
              run_at = now() + make_interval(secs => ${Duration.toMillis(delay) / 1000}), leased_by = NULL, lease_until = NULL
            WHERE id = ${id} AND state = 'running' AND leased_by = ${node} AND attempt = ${attempt}
            RETURNING id
          `.pipe(Effect.map((rows) => rows.length > 0), wrapSql("job_runs.retryAfter")),
        handBack: (id, attempt) =>
          sql`
            UPDATE job_runs SET state = 'retrying', attempt = attempt - 1, run_at = now(), updated_at = now(),
              leased_by = NULL, lease_until = NULL
            WHERE id = ${id} AND state = 'running' AND leased_by = ${node} AND attempt = ${attempt}
          `.pipe(Effect.asVoid, wrapSql("job_runs.handBack")),
        reclaimLapsed: sql<{ readonly queue: JobQueue }>`
          UPDATE job_runs SET state = 'retrying', attempt = attempt - 1, run_at = now(), updated_at = now(),
            last_error = 'attempt ' || attempt || ': its node stopped renewing the lease', leased_by = NULL, lease_until = NULL
          WHERE run_at IS NOT NULL AND state = 'running' AND lease_until < now() AND leased_by <> ${node}
          RETURNING queue
        `.pipe(Effect.map((rows) => [...new Set(rows.map((row) => row.queue))]), wrapSql("job_runs.reclaimLapsed"))
      }
    })
  )
}
