/**
 * Enqueueing jobs. A run is a `job_runs` row; a single-step run is claimed from it by a worker node, a
 * durable run also gets a workflow execution, sent once the row has committed. Enqueued inside a
 * transaction, the job runs only if it commits, and once. Uniqueness by args is decided by the row's
 * unique key: a duplicate enqueue returns the existing run's id.
 */
import { Sharding } from "@effect/cluster"
import { SqlClient } from "@effect/sql"
import { WorkflowEngine } from "@effect/workflow"
import { DatabaseError, type JobKind, JobPayloadInvalid, type JobRun } from "@mediaserver/domain"
import { Clock, Context, Duration, Effect, Layer, Option, Queue, Schedule, Schema } from "effect"
import { createHash, randomUUID } from "node:crypto"
import { JobDispatch } from "./JobDispatch.js"
import { JobRuns, type RunLease } from "./JobRuns.js"
import { jobExecutionId, startRun } from "./JobWorkflow.js"
import { afterCommit, inAfterCommitScope, withAfterCommit } from "../db/AfterCommit.js"
import { wrapSql } from "../db/Sql.js"

/** A schedule's tick a run belongs to (the schedule's name and the tick's time). */
export interface ScheduleTick {
  readonly schedule: string
  readonly at: Date
}

export interface JobsShape {
  /**
   * Returns the run id (an existing run's when the kind is unique and one matches). With `tick`, the
   * run is one per (schedule, tick) ever, whatever the kind's uniqueness: a tick delivered twice
   * enqueues once. A kind unique per period buckets by the tick's time then, so a run-on-start in
   * the same period still absorbs the tick.
   */
  readonly enqueue: <Name extends string, S extends Schema.Schema.AnyNoContext>(
    kind: JobKind<Name, S>,
    payload: Schema.Schema.Type<S>,
    tick?: ScheduleTick
  ) => Effect.Effect<string, JobPayloadInvalid | DatabaseError>
  /**
   * `sql.withTransaction` plus a prompt pickup after commit (a run written in a transaction is
   * invisible until the commit; otherwise it waits for the next poll).
   */
  readonly withTransaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | DatabaseError, R>
  readonly get: (runId: string) => Effect.Effect<Option.Option<JobRun>, DatabaseError>
}

/** JSON with sorted keys, so equal args give equal keys whatever their order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v
  ) ?? "null"

/**
 * The args' hash, plus `@` and a time for a key bound to one: a period's bucket, or a schedule's tick
 * for a kind without a period. `JobRuns.finish` holds keys with a time and releases the others.
 */
const uniqueKeyOf = (
  kind: { readonly unique?: { readonly period?: Duration.Duration } },
  encoded: unknown,
  now: number,
  tick: ScheduleTick | undefined
): string | null => {
  const period = kind.unique?.period
  const args = () => createHash("sha256").update(canonical(encoded)).digest("hex")
  if (period !== undefined) return `${args()}@${Math.floor((tick?.at.getTime() ?? now) / Duration.toMillis(period))}`
  if (tick !== undefined) return `${args()}@${tick.schedule}@${tick.at.toISOString()}`
  return kind.unique === undefined ? null : args()
}

const RESEND_AFTER_SECONDS = 60
const RESEND_BATCH = 100
const RESEND_EVERY = Duration.minutes(1)

export class Jobs extends Context.Tag("@mediaserver/jobs/Jobs")<Jobs, JobsShape>() {
  static readonly layer = Layer.scoped(
    Jobs,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const runs = yield* JobRuns
      const engine = yield* WorkflowEngine.WorkflowEngine
      const sharding = yield* Sharding.Sharding
      const dispatch = yield* JobDispatch

      // A storage poll reads every shard's pending messages: one after each commit would make
      // enqueueing O(backlog). Requests coalesce (a sliding queue of one) into at most one poll running
      // and one pending, and the enqueue does not wait for it.
      const pollRequests = yield* Queue.sliding<void>(1)
      yield* Effect.forkScoped(Effect.forever(Effect.zipRight(Queue.take(pollRequests), sharding.pollStorage)))
      const requestPoll = Effect.asVoid(Queue.offer(pollRequests, undefined))

      // Workflow messages of runs enqueued in a transaction are sent after it commits, not inside it: a
      // send may wait on cluster storage (shard assignment, runner registration), and on the embedded
      // database (one backend) an open transaction holds every other connection. A rollback drops them;
      // a crash between commit and send leaves a queued row that `resend` delivers (sends are idempotent:
      // the execution id is the run's).
      const withTransaction = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | DatabaseError, R> =>
        withAfterCommit(sql)(effect).pipe(wrapSql("jobs.transaction"))

      const enqueue = <Name extends string, S extends Schema.Schema.AnyNoContext>(
        kind: JobKind<Name, S>,
        payload: Schema.Schema.Type<S>,
        tick?: ScheduleTick
      ) =>
        Effect.gen(function* () {
          const encoded = yield* Schema.encode(kind.payload)(payload).pipe(
            Effect.mapError((e) => new JobPayloadInvalid({ kind: kind.name, message: e.message }))
          )
          // Effect's clock: tests fix the time a period's bucket is taken from.
          const uniqueKey = uniqueKeyOf(kind, encoded, yield* Clock.currentTimeMillis, tick)
          const runId = randomUUID()
          const executionId = kind.steps === "durable" ? jobExecutionId(kind.name, runId) : null
          // A single-step run needs only its row: this node looks for it once it is visible.
          const start = executionId === null
            ? dispatch.wake(kind.queue)
            : startRun(engine, kind.name, runId, encoded).pipe(
              Effect.asVoid,
              Effect.catchAllCause((cause) => Effect.logWarning(`job ${runId}: first send failed; the resend sweep delivers it`, cause)),
              Effect.zipRight(requestPoll)
            )
          const write = (lease?: RunLease): Effect.Effect<string, DatabaseError> =>
            Effect.gen(function* () {
              const inserted = yield* runs.insert({
                id: runId,
                kind: kind.name,
                queue: kind.queue,
                uniqueKey,
                maxAttempts: kind.maxAttempts,
                payload: encoded,
                steps: kind.steps,
                executionId,
                lease
              })
              if (Option.isSome(inserted)) {
                if (lease === undefined) yield* afterCommit(start)
                return runId
              }
              // A duplicate: the conflicting insert waited for the other transaction, so its row is visible.
              // If that run finished in between (releasing its key), insert again.
              const existing = yield* runs.findByUniqueKey(kind.name, uniqueKey ?? "")
              return Option.isSome(existing) ? existing.value : yield* write(lease)
            })
          const inTransaction = (yield* inAfterCommitScope) || Option.isSome(yield* Effect.serviceOption(SqlClient.TransactionConnection))
          // Inside the caller's transaction the job starts when it commits (see `withTransaction`).
          if (inTransaction) return yield* write()
          // On its own, a durable run's insert commits by itself and the send follows it. A single-step
          // run's insert is one statement (shared with concurrent enqueues), and this node starts it at
          // once when it can (written already claimed: its id is the one written).
          if (executionId !== null) return yield* withTransaction(write())
          return yield* dispatch.enqueueHere(kind.name, kind.queue, write, (id) =>
            id === runId ? Option.some({ id, kind: kind.name, attempt: 1, payload: encoded }) : Option.none())
        }).pipe(Effect.withSpan("Jobs.enqueue", { attributes: { kind: kind.name } }))

      // Delivers runs whose send after commit was lost (a crash in between); a no-op for runs already sent.
      const resend = Effect.gen(function* () {
        const stale = yield* runs.unstarted(RESEND_AFTER_SECONDS, RESEND_BATCH)
        yield* Effect.forEach(stale, (run) =>
          Effect.ignore(startRun(engine, run.kind, run.id, run.payload)), { discard: true })
      }).pipe(Effect.catchAll((e) => Effect.logWarning(`jobs: resend sweep failed: ${e.message}`)))
      yield* Effect.forkScoped(Effect.repeat(resend, Schedule.spaced(RESEND_EVERY)).pipe(Effect.delay(RESEND_EVERY)))

      return { enqueue, withTransaction, get: runs.get }
    })
  )
}
