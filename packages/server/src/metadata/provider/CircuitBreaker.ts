/**
 * A circuit breaker per provider: after `threshold` consecutive failures (timeouts, connection
 * errors, 5xx) calls fail at once for `cooldown`, sparing a provider that is down and our job slots.
 * After the cooldown calls go through again (half open): one success closes it, one failure reopens it.
 */
import { ProviderUnavailable } from "@mediaserver/domain"
import { Duration, Effect, Ref } from "effect"

export interface CircuitSnapshot {
  readonly state: "closed" | "open" | "half_open"
  readonly lastError: string | null
}

interface State {
  readonly failures: number
  readonly openedAt: number | null
  readonly lastError: string | null
}

export interface CircuitBreaker {
  /** Fails with ProviderUnavailable (retry after the rest of the cooldown) while open. */
  readonly guard: Effect.Effect<void, ProviderUnavailable>
  readonly success: Effect.Effect<void>
  readonly failure: (message: string) => Effect.Effect<void>
  readonly snapshot: Effect.Effect<CircuitSnapshot>
}

export const makeCircuitBreaker = (provider: string, threshold: number, cooldown: Duration.Duration) =>
  Effect.map(Ref.make<State>({ failures: 0, openedAt: null, lastError: null }), (ref): CircuitBreaker => {
    const cooldownMs = Duration.toMillis(cooldown)
    const remaining = (state: State) => (state.openedAt === null ? 0 : state.openedAt + cooldownMs - Date.now())
    return {
      guard: Effect.flatMap(Ref.get(ref), (state) => {
        const wait = remaining(state)
        return wait > 0
          ? Effect.fail(new ProviderUnavailable({
            provider,
            message: `${provider} is failing (${state.lastError ?? "unknown error"}); circuit open`,
            retryAfterMs: wait
          }))
          : Effect.void
      }),
      success: Ref.set(ref, { failures: 0, openedAt: null, lastError: null }),
      failure: (message) =>
        Ref.update(ref, (state) => {
          const failures = state.failures + 1
          return { failures, lastError: message, openedAt: failures >= threshold ? Date.now() : state.openedAt }
        }),
      snapshot: Effect.map(Ref.get(ref), (state) => ({
        state: state.openedAt === null ? "closed" : remaining(state) > 0 ? "open" : "half_open",
        lastError: state.lastError
      }))
    }
  })
