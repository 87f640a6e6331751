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
import {
  JobDiscarded,
  backoffDelay,
  type Classified,
  type DatabaseError,
  finishedStates,
  isDiscard,
  JobAttemptFailed,
  type JobKind,
  JobRunFailed,
  JobTimeout
} from "@mediaserver/domain"
import { Cause, Duration, Effect, Exit, Option, Predicate, Schema } from "effect"
import { createHash } from "node:crypto"
import { AppConfig } from "../config/AppConfig.js"
import { Events } from "../events/Events.js"
import { JobCancels } from "./JobCancels.js"
import { JobQueues } from "./JobQueues.js"
import { RequestPriority } from "../system/RequestPriority.js"
import { JobRuns } from "./JobRuns.js"

export type AnyJobKind = JobKind<string, Schema.Schema.AnyNoContext>

export interface JobContext {
  readonly runId: string
  readonly attempt: number
}

/** What a handler may fail with: an error that declares its family (Retryable or Discard). */
export type JobHandlerError = Classified

export type JobHandler<A, R> = (payload: A, context: JobContext) => Effect.Effect<void, JobHandlerError, R>

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

const messageOf = (error: JobHandlerError): string =>
  Predicate.hasProperty(error, "message") && typeof error.message === "string"
    ? `${error._tag}: ${error.message}`
    : error._tag

const retryAfterOf = (error: JobHandlerError): number | undefined =>
  Predicate.hasProperty(error, "retryAfterMs") && typeof error.retryAfterMs === "number"
    ? error.retryAfterMs
    : undefined

const defectMessage = (cause: Cause.Cause<unknown>): string => {
  const defect = Cause.squash(cause)
  return `defect: ${defect instanceof Error ? `${defect.name}: ${defect.message}` : String(defect)}`
}

/** Deterministic jitter in [0, 1) per execution and attempt, so a replayed body computes the same delay. */
const jitter = (executionId: string, attempt: number): number => {
  let hash = 2166136261
  for (const char of `${executionId}/${attempt}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619)
  return (hash >>> 0) / 2 ** 32
}

/**
 * One attempt under the kind's timeout and its queue's slot; `start` marks the row running inside the
 * slot and says whether to run at all (false: cancelled, or another delivery is past this attempt).
 * Succeeds with whether the handler ran.
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
    const cancels = yield* JobCancels
    const priority = yield* RequestPriority
    const timedOut = () =>
      new JobTimeout({
        kind: kind.name,
        timeoutMs: Duration.toMillis(kind.timeout),
        message: `attempt ${attempt} timed out after ${Duration.format(kind.timeout)}`
      })
    // The engine's interrupt only reaches a suspended workflow, so cancellation is read from the row:
    // a run cancelled while queued or between attempts is not started, and a running handler is
    // interrupted when the watcher sees the cancel (the attempt then ends as a no-op success).
    const handle = Effect.timeoutFail(handler(payload, { runId, attempt }), { duration: kind.timeout, onTimeout: timedOut })
    const run = Effect.flatMap(start(runs), (live) =>
      live ? Effect.as(Effect.raceFirst(handle, cancels.cancelled(runId)), true) : Effect.succeed(false)
    )
    // On the embedded database a handler starts only when no request is in flight (or after a short wait).
    return yield* queues.withSlot(kind.queue)(Effect.zipRight(priority.yieldToRequests, run)).pipe(
      Effect.mapError(
        (error) =>
          new JobAttemptFailed({
            errorTag: error._tag,
            message: messageOf(error),
            discard: isDiscard(error),
            retryAfterMs: retryAfterOf(error)
          })
      ),
      Effect.tapDefect((cause) => Effect.logError(`job ${kind.name} ${runId}: handler defect`, cause))
    )
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

/** A discarded run is an event admins see live and notification agents may relay (when the node has the bus). */
const announceDiscard = (runId: string, kind: string, error: string) =>
  Effect.flatMap(Effect.serviceOption(Events), (events) =>
    Option.match(events, {
      onNone: () => Effect.void,
      onSome: (bus) => bus.publish(new JobDiscarded({ runId, kind, error }))
    }))

/** Registers the kind's workflow with its handler: every runner must build this for every kind. */
/**
 * What a kind does once its run has given up (discarded, out of attempts, a defect or a timeout on
 * the last attempt): the one place a handler learns the run is over, e.g. to close what it opened.
 */
export type GiveUp<A, R> = (payload: A, message: string) => Effect.Effect<void, never, R>

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
        Effect.orDie(runs.finish(runId, state, message)).pipe(
          Effect.zipRight(state === "discarded" ? announceDiscard(runId, kind.name, message) : Effect.void),
          Effect.zipRight(new JobRunFailed({ runId, kind: kind.name, state, message }))
        )
      const decoded = yield* Effect.either(decode(encoded))
      if (decoded._tag === "Left") return yield* fail("discarded", `payload does not decode: ${decoded.left.message}`)
      const giveUp = (state: "failed" | "discarded", message: string) =>
        Effect.zipRight(onGiveUp === undefined ? Effect.void : onGiveUp(decoded.right, message), fail(state, message))

      // What a failed attempt leads to: the end of the run, or its backoff (then the next attempt).
      const afterFailure = (attempt: number, error: JobAttemptFailed) =>
        Effect.gen(function* () {
          if (error.discard) return yield* giveUp("discarded", error.message)
          if (attempt >= kind.maxAttempts) {
            return yield* giveUp("failed", `attempt ${attempt} of ${kind.maxAttempts}: ${error.message}`)
          }
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
          duration: backoffDelay(kind.backoff, attempt, jitter(executionId, attempt), retryAfterMs),
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
        yield* afterFailure(1, failed.value)
      }

      for (let attempt = next; ; attempt++) {
        // Attempt 1 again only after a crash inside it (the row says running at 1).
        const exit = attempt === 1
          ? yield* Effect.exit(Effect.asVoid(runAttempt(kind, handler, runId, decoded.right, 1, (runs) => runs.markRunning(runId, 1))))
          : yield* Effect.exit(attemptActivity(kind, handler, runId, decoded.right, attempt))
        const failed = yield* settle(exit)
        if (Option.isNone(failed)) return
        yield* afterFailure(attempt, failed.value)
      }
    })
  )
}
