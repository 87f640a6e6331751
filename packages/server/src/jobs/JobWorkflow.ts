/**
 * One workflow per job kind, run by the cluster's workflow engine. Its body runs the handler
 * attempt by attempt, each limited by the kind's timeout and its queue's slot on this node. Attempt 1
 * runs inline and the run's row records it; later attempts are Activities. Either way a completed
 * attempt is never re-run after a crash or replay. Retryable failures sleep the backoff (a durable
 * clock past JOB_DURABLE_BACKOFF_AFTER) and try again up to the kind's max attempts; Discard
 * failures end the run at once; a defect fails the run and nothing else. A cancelled run (admin) is
 * never started again and its running handler is interrupted; the row guards keep it cancelled.
 */
import { Activity, DurableClock, Workflow, type WorkflowEngine } from "@effect/workflow"
import { type DatabaseError, finishedStates, JobAttemptFailed, type JobKind, JobRunFailed } from "@mediaserver/domain"
import { Cause, Effect, Exit, Option, Schema } from "effect"
import { createHash } from "node:crypto"
import { AppConfig } from "../config/AppConfig.js"
import { RequestPriority } from "../system/RequestPriority.js"
import {
  afterFailure,
  attemptFailed,
  attemptHandler,
  defectMessage,
  endRun,
  type GiveUp,
  type JobHandler,
  retryDelay
} from "./JobAttempt.js"
import { JobQueues } from "./JobQueues.js"
import { JobRuns } from "./JobRuns.js"

/**
 * The workflow of a kind. It carries the encoded payload, decoded by the body: a payload that no
 * longer decodes (stored by an older version) is discarded instead of failing forever. The
 * idempotency key is the run id: uniqueness is decided in `job_runs`.
 */
const makeJobWorkflow = (kindName: string) =>
  Workflow.make({
    name: `job/${kindName}`,
    payload: { runId: Schema.String, payload: Schema.Unknown },
    error: JobRunFailed,
    idempotencyKey: ({ runId }) => runId
  })

/**
 * The execution id the engine gives a run of `kindName`: @effect/workflow's own rule (the first 16
 * bytes of sha-256 of `<workflow name>-<idempotency key>`, in hex), computed synchronously because
 * enqueueing needs it before the send and the engine's WebCrypto digest is a measurable share of a
 * job's cost. A test checks it against `workflow.executionId`.
 */
export const jobExecutionId = (kindName: string, runId: string): string =>
  createHash("sha256").update(`job/${kindName}-${runId}`).digest("hex").slice(0, 32)

const workflows = new Map<string, ReturnType<typeof makeJobWorkflow>>()

/** One workflow per kind, built once (kinds are a fixed catalogue, so the map stays small). */
export const jobWorkflow = (kindName: string) => {
  let workflow = workflows.get(kindName)
  if (workflow === undefined) {
    workflow = makeJobWorkflow(kindName)
    workflows.set(kindName, workflow)
  }
  return workflow
}

/**
 * Sends the run's execution (idempotent: a run already sent or finished is not started again) and
 * returns once its message is saved. The id is ours (`jobExecutionId`), so the engine is called
 * directly rather than through `workflow.execute`, which would hash it again asynchronously.
 */
export const startRun = (engine: WorkflowEngine.WorkflowEngine["Type"], kindName: string, runId: string, payload: unknown) => {
  const executionId = jobExecutionId(kindName, runId)
  return engine.execute(jobWorkflow(kindName), { executionId, payload: { runId, payload }, discard: true }).pipe(
    // Discarding, the engine answers once the message is saved: how the run ends is on its row, not here.
    Effect.catchTag("JobRunFailed", () => Effect.succeed(executionId))
  )
}

/**
 * One attempt under its queue's slot on this node; `start` marks the row running inside the slot and
 * says whether to run at all (false: cancelled, or another delivery is past this attempt). Succeeds
 * with whether the handler ran. The engine's interrupt only reaches a suspended workflow, so a run
 * cancelled while queued or between attempts is not started, and a running one is interrupted by the
 * cancel watch of `attemptHandler`.
 */
const runAttempt = <Name extends string, S extends Schema.Schema.AnyNoContext, R>(
  kind: JobKind<Name, S>,
  handler: JobHandler<Schema.Schema.Type<S>, R>,
  runId: string,
  payload: Schema.Schema.Type<S>,
  attempt: number,
  start: (runs: JobRuns["Type"]) => Effect.Effect<boolean, DatabaseError>
) =>
  Effect.gen(function* () {
    const runs = yield* JobRuns
    const queues = yield* JobQueues
    const priority = yield* RequestPriority
    const run = Effect.flatMap(Effect.mapError(start(runs), attemptFailed), (live) =>
      live ? Effect.as(attemptHandler(kind, handler, runId, payload, attempt), true) : Effect.succeed(false))
    // On the embedded database a handler starts only when no request is in flight (or after a short wait).
    return yield* queues.withSlot(kind.queue)(Effect.zipRight(priority.yieldToRequests, run))
  })

/** Attempt N (from 2) as an Activity: once completed it is never run again, even when the body replays. */
const attemptActivity = <Name extends string, S extends Schema.Schema.AnyNoContext, R>(
  kind: JobKind<Name, S>,
  handler: JobHandler<Schema.Schema.Type<S>, R>,
  runId: string,
  payload: Schema.Schema.Type<S>,
  attempt: number
) =>
  Activity.make({
    name: "attempt",
    error: JobAttemptFailed,
    execute: Effect.asVoid(runAttempt(kind, handler, runId, payload, attempt, (runs) => runs.markRunning(runId, attempt)))
  }).pipe(Effect.provideService(Activity.CurrentAttempt, attempt))

/** The kind's workflow with its handler (see `jobHandlerLayer`). */
export const jobWorkflowLayer = <Name extends string, S extends Schema.Schema.AnyNoContext, R, G = never>(
  kind: JobKind<Name, S>,
  handler: JobHandler<Schema.Schema.Type<S>, R>,
  onGiveUp?: GiveUp<Schema.Schema.Type<S>, G>
) => {
  const decode = Schema.decodeUnknown(kind.payload)
  return jobWorkflow(kind.name).toLayer(({ payload: encoded, runId }, executionId) =>
    Effect.gen(function* () {
      const runs = yield* JobRuns
      const { jobDurableBackoffAfter } = yield* AppConfig
      const fail = (state: "failed" | "discarded", message: string) =>
        Effect.zipRight(endRun(runId, kind.name, state, message), new JobRunFailed({ runId, kind: kind.name, state, message }))
      const decoded = yield* Effect.either(decode(encoded))
      if (decoded._tag === "Left") return yield* fail("discarded", `payload does not decode: ${decoded.left.message}`)
      const giveUp = (state: "failed" | "discarded", message: string) =>
        Effect.zipRight(onGiveUp === undefined ? Effect.void : onGiveUp(decoded.right, message), fail(state, message))

      // What a failed attempt leads to: the end of the run, or its backoff (then the next attempt).
      const afterFailed = (attempt: number, error: JobAttemptFailed) =>
        Effect.gen(function* () {
          const next = afterFailure(kind, attempt, error)
          if (next._tag === "GiveUp") return yield* giveUp(next.state, next.message)
          yield* Effect.orDie(runs.markRetrying(runId, attempt, error.message))
          yield* Effect.logWarning(`job ${kind.name} ${runId}: attempt ${attempt} failed, retrying: ${error.message}`)
          yield* backoff(attempt, error.retryAfterMs)
        })
      // Past JOB_DURABLE_BACKOFF_AFTER the sleep is a durable clock (survives a restart; the body is
      // replayed after it); shorter ones are an activity. A replay passes no Retry-After: a clock already
      // scheduled keeps its time.
      const backoff = (attempt: number, retryAfterMs: number | undefined) =>
        DurableClock.sleep({
          name: `backoff-${attempt}`,
          duration: retryDelay(kind, executionId, attempt, retryAfterMs),
          inMemoryThreshold: jobDurableBackoffAfter
        })
      // Outcomes other than a handler failure: success ends the run; interruption (the engine
      // suspending, the node stopping) is not an outcome; a defect fails the run and nothing else.
      const settle = <A>(exit: Exit.Exit<A, JobAttemptFailed>) =>
        Exit.isSuccess(exit)
          ? Effect.as(Effect.orDie(runs.finish(runId, "completed", null)), Option.none<JobAttemptFailed>())
          : Cause.isInterruptedOnly(exit.cause)
          ? Effect.interrupt
          : Option.match(Cause.failureOption(exit.cause), {
            onNone: () => giveUp("failed", defectMessage(exit.cause)),
            onSome: (error) => Effect.succeed(Option.some(error))
          })

      // Attempt 1 runs inline, not as an Activity: most runs end there, and an Activity costs about as
      // much again as the rest of a run. The row records that it happened, which is what a replay reads.
      let next = 2
      const first = yield* Effect.exit(runAttempt(kind, handler, runId, decoded.right, 1, (runs) => runs.claimFirst(runId)))
      if (Exit.isSuccess(first) && !first.value) {
        // Not claimed: a replay or a second delivery. Resume where the row says the run is.
        const run = yield* Effect.orDie(runs.get(runId))
        if (Option.isNone(run) || finishedStates.includes(run.value.state)) return
        if (run.value.state === "retrying") {
          yield* backoff(run.value.attempt, undefined)
          next = run.value.attempt + 1
        } else {
          next = Math.max(run.value.attempt, 1)
        }
      } else {
        const failed = yield* settle(first)
        if (Option.isNone(failed)) return
        yield* afterFailed(1, failed.value)
      }

      for (let attempt = next; ; attempt++) {
        // Attempt 1 again only after a crash inside it (the row says running at 1).
        const exit = attempt === 1
          ? yield* Effect.exit(Effect.asVoid(runAttempt(kind, handler, runId, decoded.right, 1, (runs) => runs.markRunning(runId, 1))))
          : yield* Effect.exit(attemptActivity(kind, handler, runId, decoded.right, attempt))
        const failed = yield* settle(exit)
        if (Option.isNone(failed)) return
        yield* afterFailed(attempt, failed.value)
      }
    })
  )
}
