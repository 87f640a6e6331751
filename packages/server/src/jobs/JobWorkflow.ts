/**
 * One workflow per job kind, run by the cluster's workflow engine. Its body runs the handler
 * attempt by attempt: each attempt is an Activity (a completed attempt is never re-run after a crash
 * or replay), limited by the kind's timeout and its queue's slot on this node. Retryable failures
 * sleep the backoff (a durable clock past 60 s) and try again up to the kind's max attempts; Discard
 * failures end the run at once; a defect fails the run and nothing else. A cancelled run (admin) is
 * never started again and its running handler is interrupted; the row guards keep it cancelled.
 */
import { Activity, DurableClock, Workflow } from "@effect/workflow"
import {
  backoffDelay,
  isJobDiscard,
  JobAttemptFailed,
  type JobKind,
  JobRunFailed,
  JobTimeout
} from "@mediaserver/domain"
import { Cause, Duration, Effect, Exit, Option, Predicate, Schema } from "effect"
import { JobQueues } from "./JobQueues.js"
import { JobRuns } from "./JobRuns.js"

export type AnyJobKind = JobKind<string, Schema.Schema.AnyNoContext>

export interface JobContext {
  readonly runId: string
  readonly attempt: number
}

/** What a handler may fail with: any tagged error (classified by the kind and the domain's families). */
export interface JobHandlerError {
  readonly _tag: string
}

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

/** How often a running handler checks for a cancel; short handlers finish before the first check. */
const CANCEL_CHECK = Duration.seconds(1)

/** Succeeds once the run is cancelled; never otherwise (a failed check counts as not cancelled). */
const untilCancelled = (runs: JobRuns["Type"], runId: string) =>
  runs.isCancelled(runId).pipe(
    Effect.orElseSucceed(() => false),
    Effect.delay(CANCEL_CHECK),
    Effect.repeat({ until: (cancelled) => cancelled }),
    Effect.asVoid
  )

/** Attempt N as an Activity: once completed it is never run again, even when the body replays. */
const attemptActivity = <Name extends string, S extends Schema.Schema.AnyNoContext, R>(
  kind: JobKind<Name, S>,
  handler: JobHandler<Schema.Schema.Type<S>, R>,
  runId: string,
  payload: Schema.Schema.Type<S>,
  attempt: number
) =>
  Effect.gen(function* () {
    const runs = yield* JobRuns
    const queues = yield* JobQueues
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
    const run = Effect.flatMap(runs.markRunning(runId, attempt), (live) =>
      live ? Effect.raceFirst(handle, untilCancelled(runs, runId)) : Effect.void
    )
    return yield* Activity.make({
      name: "attempt",
      error: JobAttemptFailed,
      execute: queues.withSlot(kind.queue)(run).pipe(
        Effect.mapError(
          (error) =>
            new JobAttemptFailed({
              errorTag: error._tag,
              message: messageOf(error),
              discard: isJobDiscard(kind, error),
              retryAfterMs: retryAfterOf(error)
            })
        ),
        Effect.tapDefect((cause) => Effect.logError(`job ${kind.name} ${runId}: handler defect`, cause))
      )
    })
  }).pipe(Effect.provideService(Activity.CurrentAttempt, attempt))

/** Registers the kind's workflow with its handler: every runner must build this for every kind. */
export const jobWorkflowLayer = <Name extends string, S extends Schema.Schema.AnyNoContext, R>(
  kind: JobKind<Name, S>,
  handler: JobHandler<Schema.Schema.Type<S>, R>
) => {
  const keepUniqueKey = kind.unique?.period !== undefined
  const decode = Schema.decodeUnknown(kind.payload)
  return jobWorkflow(kind.name).toLayer(({ payload: encoded, runId }, executionId) =>
    Effect.gen(function* () {
      const runs = yield* JobRuns
      const fail = (state: "failed" | "discarded", message: string) =>
        Effect.zipRight(
          Effect.orDie(runs.finish(runId, state, message, keepUniqueKey)),
          new JobRunFailed({ runId, kind: kind.name, state, message })
        )
      const decoded = yield* Effect.either(decode(encoded))
      if (decoded._tag === "Left") return yield* fail("discarded", `payload does not decode: ${decoded.left.message}`)

      for (let attempt = 1; ; attempt++) {
        const exit = yield* Effect.exit(attemptActivity(kind, handler, runId, decoded.right, attempt))
        if (Exit.isSuccess(exit)) return yield* Effect.orDie(runs.finish(runId, "completed", null, keepUniqueKey))
        // Interruption is the engine suspending or the node stopping, not an outcome of the run.
        if (Cause.isInterruptedOnly(exit.cause)) return yield* Effect.interrupt
        const failure = Cause.failureOption(exit.cause)
        if (Option.isNone(failure)) return yield* fail("failed", defectMessage(exit.cause))
        const error = failure.value
        if (error.discard) return yield* fail("discarded", error.message)
        if (attempt >= kind.maxAttempts) {
          return yield* fail("failed", `attempt ${attempt} of ${kind.maxAttempts}: ${error.message}`)
        }
        yield* Effect.orDie(runs.markRetrying(runId, attempt, error.message))
        yield* Effect.logWarning(`job ${kind.name} ${runId}: attempt ${attempt} failed, retrying: ${error.message}`)
        // Past 60 s the sleep is a durable clock (survives a restart); shorter ones are an activity.
        yield* DurableClock.sleep({
          name: `backoff-${attempt}`,
          duration: backoffDelay(kind.backoff, attempt, jitter(executionId, attempt), error.retryAfterMs)
        })
      }
    })
  )
}
