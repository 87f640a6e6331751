/**
 * Admin operations on job runs. Retry enqueues the same kind and payload as a new run rather than
 * resetting the old one: the engine keeps a finished execution's reply under its execution id, so
 * re-running that id would return the stored failure; a new run also keeps the failed one as history.
 * Cancel marks the row first (the guards in `JobRuns` keep it cancelled and stop further attempts),
 * then asks the engine to interrupt a durable run's execution (which takes effect when it next suspends).
 * Schedules: the node's table (with its overrides) and each one's next tick; running one now enqueues
 * its kind as an admin's explicit run (not deduplicated, like a retry).
 */
import { WorkflowEngine } from "@effect/workflow"
import {
  Conflict,
  DatabaseError,
  JobCatalogue,
  type JobRun,
  JobRunsPage,
  type JobRunsQuery,
  type JobRunState,
  JobScheduleInfo,
  type JobSteps,
  NotFound,
  pageWindow
} from "@mediaserver/domain"
import { Context, Cron, DateTime, Effect, Layer, Option, Schema } from "effect"
import { randomUUID } from "node:crypto"
import { JobDispatch } from "./JobDispatch.js"
import { JobRuns } from "./JobRuns.js"
import { jobExecutionId, jobWorkflow, startRun } from "./JobWorkflow.js"
import { scheduleConfig } from "./ScheduleConfig.js"

const retryable: ReadonlyArray<JobRunState> = ["failed", "discarded"]

export interface AdminJobsShape {
  readonly list: (query: JobRunsQuery) => Effect.Effect<JobRunsPage, DatabaseError>
  readonly get: (runId: string) => Effect.Effect<JobRun, NotFound | DatabaseError>
  /** Returns the new run. */
  readonly retry: (runId: string) => Effect.Effect<JobRun, NotFound | Conflict | DatabaseError>
  readonly cancel: (runId: string) => Effect.Effect<JobRun, NotFound | Conflict | DatabaseError>
  readonly schedules: Effect.Effect<ReadonlyArray<JobScheduleInfo>>
  /** Returns the new run of the schedule's kind. */
  readonly runSchedule: (name: string) => Effect.Effect<JobRun, NotFound | DatabaseError>
}

const notFound = (runId: string) => new NotFound({ message: `No job run ${runId}` })

export class AdminJobs extends Context.Tag("@mediaserver/jobs/AdminJobs")<AdminJobs, AdminJobsShape>() {
  static readonly layer = Layer.effect(
    AdminJobs,
    Effect.gen(function* () {
      const runs = yield* JobRuns
      const engine = yield* WorkflowEngine.WorkflowEngine
      const dispatch = yield* JobDispatch
      const table = yield* scheduleConfig

      const get = (runId: string) =>
        Effect.flatMap(runs.get(runId), Option.match({ onNone: () => Effect.fail(notFound(runId)), onSome: Effect.succeed }))

      const list = (query: JobRunsQuery) =>
        Effect.gen(function* () {
          const window = pageWindow(query, 50)
          const { items, total } = yield* runs.list(query, window.limit, window.offset)
          return new JobRunsPage({ items, total, ...window })
        })

      /**
       * An admin's explicit run (a retry, a schedule run now) is not deduplicated (no unique key): the
       * operator asked for this run. It executes as the run it repeats did (or as its kind says). The row
       * first, then the send (as Jobs.enqueue: a send never waits inside a transaction; a lost send is
       * delivered by the resend sweep).
       */
      const startExplicit = (run: Pick<JobRun, "kind" | "queue" | "maxAttempts" | "payload">, steps: JobSteps) =>
        Effect.gen(function* () {
          const id = randomUUID()
          const executionId = steps === "durable" ? jobExecutionId(run.kind, id) : null
          yield* runs.insert({ ...run, id, uniqueKey: null, steps, executionId })
          yield* executionId === null ? dispatch.wake(run.queue) : startRun(engine, run.kind, id, run.payload)
          return yield* get(id)
        })

      const retry = (runId: string) =>
        Effect.gen(function* () {
          const old = yield* get(runId)
          if (!retryable.includes(old.state)) {
            return yield* new Conflict({ message: `Only failed or discarded runs can be retried; this one is ${old.state}` })
          }
          const steps = yield* runs.stepsOf(runId)
          return yield* startExplicit(old, Option.getOrElse(steps, (): JobSteps => "durable"))
        })

      const schedules = Effect.map(DateTime.now, (now) =>
        table.map((s) => new JobScheduleInfo({
          name: s.name,
          kind: s.kind,
          cron: s.expression,
          runOnStart: s.runOnStart,
          nextRunAt: DateTime.unsafeFromDate(Cron.next(s.cron, now))
        })))

      const runSchedule = (name: string) =>
        Effect.gen(function* () {
          const schedule = table.find((s) => s.name === name)
          if (schedule === undefined) return yield* new NotFound({ message: `No schedule ${name}`, details: { field: "name" } })
          const kind = JobCatalogue[schedule.kind]
          // ScheduleConfig checked at start-up that the kind takes the empty payload.
          const schema: Schema.Schema.AnyNoContext = kind.payload
          const payload = yield* Schema.decodeUnknown(schema)({}).pipe(Effect.flatMap(Schema.encodeUnknown(schema)), Effect.orDie)
          return yield* startExplicit({ kind: kind.name, queue: kind.queue, maxAttempts: kind.maxAttempts, payload }, kind.steps)
        })

      const cancel = (runId: string) =>
        Effect.gen(function* () {
          const cancelled = yield* runs.cancel(runId)
          if (Option.isNone(cancelled)) {
            const run = yield* get(runId)
            return yield* new Conflict({ message: `Only queued or running runs can be cancelled; this one is ${run.state}` })
          }
          // A single-step run has no workflow: its handler, if running, sees the row (JobCancels).
          const { executionId, kind } = cancelled.value
          if (executionId !== null) yield* engine.interrupt(jobWorkflow(kind), executionId)
          return yield* get(runId)
        })

      return { list, get, retry, cancel, schedules, runSchedule }
    })
  )
}
