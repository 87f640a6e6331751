/**
 * Waiting for something to happen without fixed sleeps: re-run a check until it holds or a deadline
 * passes (real clock: use with `it.live` / `it.scopedLive`).
 */
import { Data, Duration, Effect } from "effect"

export class PollTimeout extends Data.TaggedError("PollTimeout")<{ readonly message: string }> {}

export interface PollOptions {
  /** What was awaited, for the failure message. */
  readonly what: string
  readonly timeout: Duration.DurationInput
  /** Pause between checks; default 50 ms. */
  readonly interval?: Duration.DurationInput
}

const show = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/** Runs `check` until `predicate` holds on its result; fails with `PollTimeout` (showing the last result). */
export const eventually = <A, E, R>(
  check: Effect.Effect<A, E, R>,
  predicate: (a: A) => boolean,
  options: PollOptions
): Effect.Effect<A, E | PollTimeout, R> =>
  Effect.gen(function*() {
    const started = Date.now()
    const deadline = started + Duration.toMillis(options.timeout)
    for (;;) {
      const value = yield* check
      if (predicate(value)) return value
      if (Date.now() >= deadline) {
        return yield* new PollTimeout({
          message: `timed out after ${Date.now() - started} ms waiting for ${options.what}; last: ${show(value)}`
        })
      }
      yield* Effect.sleep(options.interval ?? Duration.millis(50))
    }
  })
