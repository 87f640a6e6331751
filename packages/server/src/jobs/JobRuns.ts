/**
 * Run records (`job_runs`). They exist because the workflow engine keeps no queryable run state:
 * its messages and replies are opaque, so states, attempts, errors, uniqueness and retention live
 * here. The workflow body can be replayed, so every transition is guarded to be idempotent and
 * never moves a run backwards (a finished run stays finished; an older attempt never overwrites a
 * newer one).
 */
import { SqlClient } from "@effect/sql"
import { DatabaseError, JobRun, type JobQueue, type JobRunState, type JobSteps } from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Schedule } from "effect"
import { makeBatcher } from "../db/Batcher.js"
import { jsonb, wrapSql } from "../db/Sql.js"

export interface NewJobRun {
  readonly id: string
  readonly kind: string
  readonly queue: JobQueue
  readonly uniqueKey: string | null
  readonly maxAttempts: number
  readonly payload: unknown
  /** Single-step runs are claimed from this table (ready at once) and have no workflow execution. */
  readonly steps: JobSteps
  readonly executionId: string | null
  /** A single-step run written already claimed (attempt 1 running) under this lease. */
  readonly lease?: RunLease | undefined
}

export interface RunLease {
  readonly node: string
  readonly seconds: number
}

export interface JobRunFilter {
  readonly kind?: string | undefined
  readonly queue?: JobQueue | undefined
  readonly state?: JobRunState | undefined
}

export interface CancelledRun {
  readonly kind: string
  /** None for a single-step run (no workflow to interrupt). */
  readonly executionId: string | null
}

export interface QueueStateCount {
  readonly queue: string
  readonly state: string
  readonly count: number
}

export type FinalState = Extract<JobRunState, "completed" | "failed" | "discarded">

interface Finish {
  readonly id: string
  readonly state: FinalState
  readonly error: string | null
}

/** Rows one batched statement writes at most (inserts, claims and finishes of concurrent runs). */
const MAX_BATCH = 100

export interface JobRunsShape {
  /** Inserts a queued run; none when a run with the same (kind, unique key) exists. */
  readonly insert: (run: NewJobRun) => Effect.Effect<Option.Option<string>, DatabaseError>
  readonly findByUniqueKey: (kind: string, uniqueKey: string) => Effect.Effect<Option.Option<string>, DatabaseError>
  /** Starts attempt 1 of a queued run; false when the run is past that (a replay or a second delivery). */
  readonly claimFirst: (id: string) => Effect.Effect<boolean, DatabaseError>
  /** False when the run is no longer unfinished (cancelled) or a newer attempt exists: skip the handler. */
  readonly markRunning: (id: string, attempt: number) => Effect.Effect<boolean, DatabaseError>
  readonly markRetrying: (id: string, attempt: number, error: string) => Effect.Effect<void, DatabaseError>
  /**
   * A key bound to a time (a period's bucket or a schedule's tick, `…@…`, see `Jobs`) holds after the
   * run ends; a key of args alone (unique while unfinished) is released.
   */
  readonly finish: (id: string, state: FinalState, error: string | null) => Effect.Effect<void, DatabaseError>
  readonly get: (id: string) => Effect.Effect<Option.Option<JobRun>, DatabaseError>
  /** How the run executes (what a retry of it must do too). */
  readonly stepsOf: (id: string) => Effect.Effect<Option.Option<JobSteps>, DatabaseError>
  /** Newest first, with the total matching the filter. */
  readonly list: (
    filter: JobRunFilter,
    limit: number,
    offset: number
  ) => Effect.Effect<{ readonly items: ReadonlyArray<JobRun>; readonly total: number }, DatabaseError>
  /** Marks an unfinished run cancelled (releasing its unique key); none when it is not unfinished. */
  readonly cancel: (id: string) => Effect.Effect<Option.Option<CancelledRun>, DatabaseError>
  readonly countByQueueState: Effect.Effect<ReadonlyArray<QueueStateCount>, DatabaseError>
  /** Queued durable runs that have not started after `olderThanSeconds` (their first send may have been lost). */
  readonly unstarted: (olderThanSeconds: number, limit: number) => Effect.Effect<ReadonlyArray<UnstartedRun>, DatabaseError>
}

export interface UnstartedRun {
  readonly id: string
  readonly kind: string
  readonly payload: unknown
}

/** SQL failures of this table become domain errors through the repositories' one helper. */
const wrap = (operation: string) => wrapSql(`job_runs.${operation}`)

/** Transitions issued by a workflow body retry briefly: losing one would leave a run looking stuck. */
const persist = <A, R>(effect: Effect.Effect<A, DatabaseError, R>) =>
  Effect.retry(effect, { times: 5, schedule: Schedule.exponential("50 millis") })

interface RunRow {
  readonly id: string
  readonly kind: string
  readonly queue: JobQueue
  readonly state: JobRunState
  readonly attempt: number
  readonly max_attempts: number
  readonly last_error: string | null
  readonly payload: unknown
  readonly inserted_at: Date
  readonly started_at: Date | null
  readonly finished_at: Date | null
}

const toJobRun = (row: RunRow) =>
  new JobRun({
    id: row.id,
    kind: row.kind,
    queue: row.queue,
    state: row.state,
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    lastError: row.last_error,
    payload: row.payload,
    insertedAt: row.inserted_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at
  })

export class JobRuns extends Context.Tag("@mediaserver/jobs/JobRuns")<JobRuns, JobRunsShape>() {
  static readonly layer = Layer.scoped(
    JobRuns,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const unfinished = sql`state IN ('queued', 'running', 'retrying')`
      const list = sql.join(", ", false)
      // The three writes every run makes go through group commit: concurrent runs share a statement.
      const insert = yield* makeBatcher(MAX_BATCH, (batch: ReadonlyArray<NewJobRun>) =>
        sql<{ readonly id: string }>`
          INSERT INTO job_runs (id, kind, queue, unique_key, max_attempts, payload, execution_id, run_at,
                                state, attempt, started_at, leased_by, lease_until)
          VALUES ${list(batch.map((run) => sql`(${run.id}, ${run.kind}, ${run.queue}, ${run.uniqueKey}, ${run.maxAttempts},
                  ${jsonb(run.payload ?? null)}::jsonb, ${run.executionId}, ${run.steps === "single" ? sql`now()` : sql`NULL`},
                  ${run.lease === undefined
                    ? sql`'queued', 0, NULL, NULL, NULL`
                    : sql`'running', 1, now(), ${run.lease.node}, now() + make_interval(secs => ${run.lease.seconds})`})`))}
          ON CONFLICT (kind, unique_key) DO NOTHING
          RETURNING id
        `.pipe(
          Effect.map((rows) => {
            const inserted = new Set(rows.map((row) => row.id))
            return (run: NewJobRun) => (inserted.has(run.id) ? Option.some(run.id) : Option.none())
          }),
          wrap("insert")
        ))
      const claimFirst = yield* makeBatcher(MAX_BATCH, (ids: ReadonlyArray<string>) =>
        sql<{ readonly id: string }>`
          UPDATE job_runs SET state = 'running', attempt = 1, started_at = coalesce(started_at, now()), updated_at = now()
          WHERE id IN ${sql.in(ids)} AND state = 'queued' AND attempt = 0
          RETURNING id
        `.pipe(
          Effect.map((rows) => {
            const claimed = new Set(rows.map((row) => row.id))
            return (id: string) => claimed.has(id)
          }),
          wrap("claimFirst"),
          persist
        ))
      const finish = yield* makeBatcher(MAX_BATCH, (batch: ReadonlyArray<Finish>) =>
        sql`
          UPDATE job_runs AS r
          SET state = v.state, last_error = coalesce(v.error, r.last_error), finished_at = now(), updated_at = now(),
              leased_by = NULL, lease_until = NULL,
              unique_key = CASE WHEN strpos(r.unique_key, '@') > 0 THEN r.unique_key ELSE NULL END
          FROM (VALUES ${list(batch.map((f) => sql`(${f.id}::uuid, ${f.state}::text, ${f.error}::text)`))})
            AS v (id, state, error)
          WHERE r.id = v.id AND r.state IN ('queued', 'running', 'retrying')
        `.pipe(Effect.as(() => undefined), wrap("finish"), persist))
      const columns = sql`id, kind, queue, state, attempt, max_attempts, last_error, payload, inserted_at, started_at, finished_at`
      const where = (filter: JobRunFilter) =>
        sql.and([
          ...(filter.kind === undefined ? [] : [sql`kind = ${filter.kind}`]),
          ...(filter.queue === undefined ? [] : [sql`queue = ${filter.queue}`]),
          ...(filter.state === undefined ? [] : [sql`state = ${filter.state}`])
        ])
      return {
        insert,
        findByUniqueKey: (kind, uniqueKey) =>
          sql<{ readonly id: string }>`
            SELECT id FROM job_runs WHERE kind = ${kind} AND unique_key = ${uniqueKey}
          `.pipe(
            Effect.map((rows) => Option.fromNullable(rows[0]?.id)),
            wrap("findByUniqueKey")
          ),
        claimFirst,
        markRunning: (id, attempt) =>
          sql`
            UPDATE job_runs
            SET state = 'running', attempt = ${attempt}, started_at = coalesce(started_at, now()), updated_at = now()
            WHERE id = ${id} AND ${unfinished} AND attempt <= ${attempt}
            RETURNING id
          `.pipe(Effect.map((rows) => rows.length > 0), wrap("markRunning"), persist),
        markRetrying: (id, attempt, error) =>
          sql`
            UPDATE job_runs SET state = 'retrying', last_error = ${error}, updated_at = now()
            WHERE id = ${id} AND ${unfinished} AND attempt = ${attempt}
          `.pipe(Effect.asVoid, wrap("markRetrying"), persist),
        finish: (id, state, error) => finish({ id, state, error }),
        get: (id) =>
          sql<RunRow>`SELECT ${columns} FROM job_runs WHERE id = ${id}`.pipe(
            Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toJobRun)),
            wrap("get")
          ),
        stepsOf: (id) =>
          sql<{ readonly single: boolean }>`SELECT run_at IS NOT NULL AS single FROM job_runs WHERE id = ${id}`.pipe(
            Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), (row): JobSteps => (row.single ? "single" : "durable"))),
            wrap("stepsOf")
          ),
        list: (filter, limit, offset) =>
          Effect.all({
            items: sql<RunRow>`
              SELECT ${columns} FROM job_runs WHERE ${where(filter)}
              ORDER BY inserted_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}
            `.pipe(Effect.map((rows) => rows.map(toJobRun))),
            total: sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM job_runs WHERE ${where(filter)}`.pipe(
              Effect.map((rows) => rows[0]?.n ?? 0)
            )
          }).pipe(wrap("list")),
        cancel: (id) =>
          sql<{ readonly kind: string; readonly execution_id: string | null }>`
            UPDATE job_runs
            SET state = 'cancelled', finished_at = now(), updated_at = now(), unique_key = NULL, leased_by = NULL, lease_until = NULL
            WHERE id = ${id} AND ${unfinished}
            RETURNING kind, execution_id
          `.pipe(
            Effect.map((rows) =>
              Option.map(Option.fromNullable(rows[0]), (row) => ({ kind: row.kind, executionId: row.execution_id }))
            ),
            wrap("cancel")
          ),
        countByQueueState: sql<{ readonly queue: string; readonly state: string; readonly n: number }>`
          SELECT queue, state, count(*)::int AS n FROM job_runs GROUP BY queue, state
        `.pipe(
          Effect.map((rows) => rows.map((row) => ({ queue: row.queue, state: row.state, count: row.n }))),
          wrap("countByQueueState")
        ),
        unstarted: (olderThanSeconds, limit) =>
          sql<{ readonly id: string; readonly kind: string; readonly payload: unknown }>`
            SELECT id, kind, payload FROM job_runs
            WHERE state = 'queued' AND run_at IS NULL AND started_at IS NULL AND inserted_at < now() - make_interval(secs => ${olderThanSeconds})
            ORDER BY inserted_at LIMIT ${limit}
          `.pipe(wrap("unstarted"))
      }
    })
  )
}
