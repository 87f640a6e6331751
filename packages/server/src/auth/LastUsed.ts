/**
 * Batched "last seen / last used" tracking: authentication records a timestamp in memory and a fiber
 * writes them all in one UPDATE per interval (and once more on shutdown), instead of one write per
 * request. Bounded: past `max` pending ids, new ones wait for the next flush (it is best effort).
 */
import { Duration, Effect, Schedule, type Scope } from "effect"

export interface LastUsed {
  readonly record: (id: string, at: Date) => void
  /** The newest pending timestamp of `id`, if not yet written. */
  readonly pending: (id: string) => Date | undefined
}

export const makeLastUsed = <E>(options: {
  readonly interval: Duration.DurationInput
  readonly max: number
  readonly write: (entries: ReadonlyArray<readonly [string, Date]>) => Effect.Effect<void, E>
}): Effect.Effect<LastUsed, never, Scope.Scope> =>
  Effect.gen(function* () {
    let batch = new Map<string, Date>()
    const flush = Effect.suspend(() => {
      if (batch.size === 0) return Effect.void
      const entries = [...batch.entries()]
      batch = new Map()
      return options.write(entries).pipe(
        Effect.catchAllCause((cause) => Effect.logWarning("could not write last-used timestamps", cause))
      )
    })
    yield* Effect.forkScoped(Effect.repeat(flush, Schedule.spaced(options.interval)))
    yield* Effect.addFinalizer(() => flush.pipe(Effect.timeout(Duration.seconds(2)), Effect.ignore))
    return {
      record: (id, at) => {
        if (batch.size < options.max || batch.has(id)) batch.set(id, at)
      },
      pending: (id) => batch.get(id)
    }
  })
