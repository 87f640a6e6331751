/**
 * Requests first, on the embedded database. There the database runs inside the process that answers
 * requests, one statement at a time, so a scan writing a thousand rows or a probe batch saving two
 * hundred holds every page behind it (measured: list pages at 10-18x their idle latency during a scan).
 * Background loops call `yieldToRequests` between steps, which waits while requests are in flight (at
 * most `maxWait`, so background work still advances under constant traffic), and size their steps with
 * `batchSize`. On Postgres the database is elsewhere and both are no-ops.
 */
import { Context, Duration, Effect, Layer } from "effect"
import { AppConfig, isEmbedded } from "../config/AppConfig.js"

export interface RequestPriorityShape {
  /** Runs a request's handling, counting it as in flight. */
  readonly serving: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** Background: waits until no request is in flight, or `maxWait` passed. */
  readonly yieldToRequests: Effect.Effect<void>
  /** Background: the rows of one step, given what suits a database on its own machine. */
  readonly batchSize: (standalone: number) => number
}

/** Postgres (and tests that build parts of the server): requests and background do not share a database thread. */
const independent: RequestPriorityShape = {
  serving: (effect) => effect,
  yieldToRequests: Effect.void,
  batchSize: (standalone) => standalone
}

// A step of this many rows costs the embedded database a few milliseconds, not hundreds.
const EMBEDDED_BATCH = 50

export const makeRequestsFirst = (maxWait: Duration.DurationInput) =>
  Effect.gen(function* () {
    const idle = yield* Effect.makeLatch(true)
    let inFlight = 0
    const enter = Effect.suspend(() => (++inFlight === 1 ? idle.close : Effect.void))
    const leave = Effect.suspend(() => (--inFlight === 0 ? idle.open : Effect.void))
    const shape: RequestPriorityShape = {
      serving: (effect) => Effect.acquireUseRelease(enter, () => effect, () => leave),
      yieldToRequests: idle.await.pipe(Effect.timeoutOption(maxWait), Effect.asVoid),
      batchSize: (standalone) => Math.min(standalone, EMBEDDED_BATCH)
    }
    return shape
  })

export class RequestPriority extends Context.Reference<RequestPriority>()("@mediaserver/system/RequestPriority", {
  defaultValue: (): RequestPriorityShape => independent
}) {
  /** Requests first on the embedded database; independent on Postgres. */
  static readonly layer = Layer.effect(
    RequestPriority,
    Effect.flatMap(AppConfig, (config) =>
      isEmbedded(config) ? makeRequestsFirst(Duration.millis(200)) : Effect.succeed(independent))
  )
}
