/**
 * Admin operations on job runs. Retry enqueues the same kind and payload as a new run rather than
 * resetting the old one: the engine keeps a finished execution's reply under its execution id, so
 * re-running that id would return the stored failure; a new run also keeps the failed one as history.
 * Cancel marks the row first (the guards in `JobRuns` keep it cancelled and stop further attempts),
 * then asks the engine to interrupt the execution (which takes effect when it next suspends).
 */
import { WorkflowEngine } from "@effect/workflow"
import {
  Conflict,
  DatabaseError,
  type JobRun,
  type JobRunsQuery,
  type JobRunState,
  JobRunsPage,
  NotFound
} from "@mediaserver/domain"
import { Context, Effect, Layer, Option } from "effect"
import { randomUUID } from "node:crypto"
import { JobRuns } from "./JobRuns.js"
import { jobExecutionId, jobWorkflow, startRun } from "./JobWorkflow.js"

const retryable: ReadonlyArray<JobRunState> = ["failed", "discarded"]

export interface AdminJobsShape {
  readonly list: (query: JobRunsQuery) => Effect.Effect<JobRunsPage, DatabaseError>
  readonly get: (runId: string) => Effect.Effect<JobRun, NotFound | DatabaseError>
  /** Returns the new run. */
  readonly retry: (runId: string) => Effect.Effect<JobRun, NotFound | Conflict | DatabaseError>
  readonly cancel: (runId: string) => Effect.Effect<JobRun, NotFound | Conflict | DatabaseError>
}

const notFound = (runId: string) => new NotFound({ message: `No job run ${runId}` })

export class AdminJobs extends Context.Tag("@mediaserver/jobs/AdminJobs")<AdminJobs, AdminJobsShape>() {
  static readonly layer = Layer.effect(
    AdminJobs,
    Effect.gen(function* () {
      const runs = yield* JobRuns
      const engine = yield* WorkflowEngine.WorkflowEngine

      const get = (runId: string) =>
        Effect.flatMap(runs.get(runId), Option.match({ onNone: () => Effect.fail(notFound(runId)), onSome: Effect.succeed }))

      const list = (query: JobRunsQuery) =>
        Effect.gen(function* () {
          const page = query.page ?? 1
          const pageSize = query.pageSize ?? 50
          const { items, total } = yield* runs.list(query, pageSize, (page - 1) * pageSize)
          return new JobRunsPage({ items, page, pageSize, total })
        })

      // An admin's explicit retry is not deduplicated (no unique key): the operator asked for this run.
      const retry = (runId: string) =>
        Effect.gen(function* () {
          const old = yield* get(runId)
          if (!retryable.includes(old.state)) {
            return yield* new Conflict({ message: `Only failed or discarded runs can be retried; this one is ${old.state}` })
          }
          const id = randomUUID()
          // The row first, then the send (as Jobs.enqueue: a send never waits inside a transaction; a
          // lost send is delivered by the resend sweep).
          yield* runs.insert({
            id,
            kind: old.kind,
            queue: old.queue,
            uniqueKey: null,
            maxAttempts: old.maxAttempts,
            payload: old.payload,
            executionId: jobExecutionId(old.kind, id)
          })
          yield* startRun(engine, old.kind, id, old.payload)
          return yield* get(id)
        })

      const cancel = (runId: string) =>
        Effect.gen(function* () {
          const cancelled = yield* runs.cancel(runId)
          if (Option.isNone(cancelled)) {
            const run = yield* get(runId)
            return yield* new Conflict({ message: `Only queued or running runs can be cancelled; this one is ${run.state}` })
          }
          yield* engine.interrupt(jobWorkflow(cancelled.value.kind), cancelled.value.executionId)
          return yield* get(runId)
        })

      return { list, get, retry, cancel }
    })
  )
}
