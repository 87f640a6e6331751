/**
 * Registering a kind's handler. Every kind gets its workflow (every runner must know every workflow,
 * and runs enqueued as durable before a kind became single-step still finish on the engine); a
 * single-step kind is also claimed by this node's dispatcher, which runs one attempt per claim: success
 * completes the run, a Discard error or the last failed attempt ends it at once (telling the kind), any
 * other failure hands it back ready after its backoff. A cancelled run's handler is interrupted and the
 * row stays cancelled; a node stopping hands its runs back to run that attempt again.
 */
import type { JobKind } from "@mediaserver/domain"
import { Cause, type Context, Effect, Exit, Layer, Option, Schema } from "effect"
import { RequestPriority } from "../system/RequestPriority.js"
import {
  afterFailure,
  attemptHandler,
  defectMessage,
  endRun,
  type GiveUp,
  type JobHandler,
  retryDelay
} from "./JobAttempt.js"
import type { JobCancels } from "./JobCancels.js"
import { JobDispatch } from "./JobDispatch.js"
import { type ClaimedRun, JobLeases } from "./JobLeases.js"
import { JobRuns } from "./JobRuns.js"
import { jobWorkflowLayer } from "./JobWorkflow.js"

const singleStepLayer = <Name extends string, S extends Schema.Schema.AnyNoContext, R, G>(
  kind: JobKind<Name, S>,
  handler: JobHandler<Schema.Schema.Type<S>, R>,
  onGiveUp: GiveUp<Schema.Schema.Type<S>, G> | undefined
) =>
  Layer.effectDiscard(Effect.gen(function* () {
    const dispatch = yield* JobDispatch
    const leases = yield* JobLeases
    const runs = yield* JobRuns
    const priority = yield* RequestPriority
    // The handler's services, captured once: a claimed run runs in a fiber of the dispatcher, and gets
    // this context as it is (replacing, not merging: a merge copies every service of the node per run).
    const context = yield* Effect.context<R | G | JobRuns | JobCancels>()
    const decode = Schema.decodeUnknown(kind.payload)

    const run = ({ attempt, id, payload }: ClaimedRun, handlerDone: Effect.Effect<void>) =>
      Effect.gen(function* () {
        const decoded = yield* Effect.either(decode(payload))
        if (decoded._tag === "Left") {
          yield* endRun(id, kind.name, "discarded", `payload does not decode: ${decoded.left.message}`)
          return Option.none()
        }
        const giveUp = (state: "failed" | "discarded", message: string) =>
          Effect.zipRight(onGiveUp === undefined ? Effect.void : onGiveUp(decoded.right, message), endRun(id, kind.name, state, message))
        const exit = yield* Effect.exit(
          Effect.zipRight(priority.yieldToRequests, attemptHandler(kind, handler, id, decoded.right, attempt))
        ).pipe(Effect.zipLeft(handlerDone))
        if (Exit.isSuccess(exit)) {
          yield* Effect.orDie(runs.finish(id, "completed", null))
          return Option.none()
        }
        const failure = Cause.failureOption(exit.cause)
        if (Option.isNone(failure)) {
          yield* giveUp("failed", defectMessage(exit.cause))
          return Option.none()
        }
        const next = afterFailure(kind, attempt, failure.value)
        if (next._tag === "GiveUp") {
          yield* giveUp(next.state, next.message)
          return Option.none()
        }
        const delay = retryDelay(kind, id, attempt, failure.value.retryAfterMs)
        yield* Effect.logWarning(`job ${kind.name} ${id}: attempt ${attempt} failed, retrying: ${failure.value.message}`)
        return (yield* Effect.orDie(leases.retryAfter(id, attempt, failure.value.message, delay))) ? Option.some(delay) : Option.none()
      }).pipe(
        // Stopping mid-attempt (the node shuts down): the attempt did not end, so it runs again elsewhere.
        Effect.onInterrupt(() => Effect.ignore(leases.handBack(id, attempt))),
        Effect.mapInputContext((_: Context.Context<never>) => context)
      )
    yield* dispatch.register(kind.name, { queue: kind.queue, run })
  }))

/** Registers the kind's handler (and what it does once its run gives up): every runner builds this for every kind. */
export const jobHandlerLayer = <Name extends string, S extends Schema.Schema.AnyNoContext, R, G = never>(
  kind: JobKind<Name, S>,
  handler: JobHandler<Schema.Schema.Type<S>, R>,
  onGiveUp?: GiveUp<Schema.Schema.Type<S>, G>
) =>
  kind.steps === "single"
    ? Layer.merge(jobWorkflowLayer(kind, handler, onGiveUp), singleStepLayer(kind, handler, onGiveUp))
    : jobWorkflowLayer(kind, handler, onGiveUp)
