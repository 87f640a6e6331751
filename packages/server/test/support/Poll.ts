import { Data, Duration, Effect, Schedule } from "effect"

export class PollTimeout extends Data.TaggedError("PollTimeout")<{ readonly message: string; readonly last: unknown }> {}

/**
 * Runs `effect` every `interval` until `done(value)` holds, failing with the last value seen after
 * `timeout`. Tests wait for work this way, never with a fixed sleep.
 */
export const pollUntil = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  done: (value: A) => boolean,
  options: { readonly timeout?: Duration.DurationInput; readonly interval?: Duration.DurationInput; readonly what?: string } = {}
): Effect.Effect<A, E | PollTimeout, R> =>
  Effect.suspend(() => {
    let last: A | undefined
    return effect.pipe(
      Effect.tap((value) => Effect.sync(() => (last = value))),
      Effect.repeat({
        schedule: Schedule.spaced(options.interval ?? Duration.millis(100)),
        until: done
      }),
      Effect.zipRight(Effect.suspend(() => (last === undefined ? effect : Effect.succeed(last)))),
      Effect.timeoutFail({
        duration: options.timeout ?? Duration.seconds(10),
        onTimeout: () =>
          new PollTimeout({ message: `timed out waiting for ${options.what ?? "a condition"}`, last })
      })
    )
  })
