/**
 * One attempt of a run and what follows a failed one, shared by both ways runs execute (claimed
 * single-step runs and durable workflows): the kind's timeout, the cancel watch, the error families
 * (Discard ends the run at once, Retryable retries with backoff up to the kind's max attempts), and the
 * end of a run that gives up (the kind's hook, the discard event).
 */
import {
  backoffDelay,
  type Classified,
  isDiscard,
  JobAttemptFailed,
  JobDiscarded,
  type JobKind,
  JobTimeout
} from "@mediaserver/domain"
import { Cause, Duration, Effect, Option, Predicate, type Schema } from "effect"
import { Events } from "../events/Events.js"
import { JobCancels } from "./JobCancels.js"
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
 * What a kind does once its run has given up (discarded, out of attempts, a defect or a timeout on
 * the last attempt): the one place a handler learns the run is over, e.g. to close what it opened.
 */
export type GiveUp<A, R> = (payload: A, message: string) => Effect.Effect<void, never, R>

const messageOf = (error: JobHandlerError): string =>
  Predicate.hasProperty(error, "message") && typeof error.message === "string"
    ? `${error._tag}: ${error.message}`
    : error._tag

const retryAfterOf = (error: JobHandlerError): number | undefined =>
  Predicate.hasProperty(error, "retryAfterMs") && typeof error.retryAfterMs === "number"
    ? error.retryAfterMs
    : undefined

/** What is kept of a failed attempt (the engine stores it, so it must survive serialisation). */
export const attemptFailed = (error: JobHandlerError) =>
  new JobAttemptFailed({
    errorTag: error._tag,
    message: messageOf(error),
    discard: isDiscard(error),
    retryAfterMs: retryAfterOf(error)
  })

export const defectMessage = (cause: Cause.Cause<unknown>): string => {
  const defect = Cause.squash(cause)
  return `defect: ${defect instanceof Error ? `${defect.name}: ${defect.message}` : String(defect)}`
}

/** Deterministic jitter in [0, 1) per run and attempt, so a replayed body computes the same delay. */
const jitter = (id: string, attempt: number): number => {
  let hash = 2166136261
  for (const char of `${id}/${attempt}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619)
  return (hash >>> 0) / 2 ** 32
}

/** The wait before attempt `attempt + 1` (`id` seeds the jitter). */
export const retryDelay = (kind: AnyJobKind, id: string, attempt: number, retryAfterMs: number | undefined) =>
  backoffDelay(kind.backoff, attempt, jitter(id, attempt), retryAfterMs)

/** After a failed attempt: the run gives up (discarded at once, or failed out of attempts), or it retries. */
export type AfterFailure =
  | { readonly _tag: "GiveUp"; readonly state: "failed" | "discarded"; readonly message: string }
  | { readonly _tag: "Retry" }

export const afterFailure = (kind: AnyJobKind, attempt: number, error: JobAttemptFailed): AfterFailure =>
  error.discard
    ? { _tag: "GiveUp", state: "discarded", message: error.message }
    : attempt >= kind.maxAttempts
    ? { _tag: "GiveUp", state: "failed", message: `attempt ${attempt} of ${kind.maxAttempts}: ${error.message}` }
    : { _tag: "Retry" }

/**
 * The handler under the kind's timeout, interrupted when its run is cancelled (then it ends as a no-op
 * success: the row's guards keep the run cancelled). A timeout is a retryable failure.
 */
export const attemptHandler = <Name extends string, S extends Schema.Schema.AnyNoContext, R>(
  kind: JobKind<Name, S>,
  handler: JobHandler<Schema.Schema.Type<S>, R>,
  runId: string,
  payload: Schema.Schema.Type<S>,
  attempt: number
): Effect.Effect<void, JobAttemptFailed, R | JobCancels> =>
  Effect.gen(function* () {
    const cancels = yield* JobCancels
    const timedOut = () =>
      new JobTimeout({
        kind: kind.name,
        timeoutMs: Duration.toMillis(kind.timeout),
        message: `attempt ${attempt} timed out after ${Duration.format(kind.timeout)}`
      })
    const handle = Effect.timeoutFail(handler(payload, { runId, attempt }), { duration: kind.timeout, onTimeout: timedOut })
    return yield* Effect.raceFirst(handle, cancels.cancelled(runId)).pipe(
      Effect.mapError(attemptFailed),
      Effect.tapDefect((cause) => Effect.logError(`job ${kind.name} ${runId}: handler defect`, cause))
    )
  })

/** A discarded run is an event admins see live and notification agents may relay (when the node has the bus). */
const announceDiscard = (runId: string, kind: string, error: string) =>
  Effect.flatMap(Effect.serviceOption(Events), (events) =>
    Option.match(events, {
      onNone: () => Effect.void,
      onSome: (bus) => bus.publish(new JobDiscarded({ runId, kind, error }))
    }))

/** Records a run that gave up (a discarded one is announced too). */
export const endRun = (runId: string, kind: string, state: "failed" | "discarded", message: string) =>
  Effect.flatMap(JobRuns, (runs) => Effect.orDie(runs.finish(runId, state, message))).pipe(
    Effect.zipRight(state === "discarded" ? announceDiscard(runId, kind, message) : Effect.void)
  )
