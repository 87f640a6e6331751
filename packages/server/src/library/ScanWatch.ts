/**
 * Watching a library's latest scan. Concurrent watchers of one library share one poll: an entry per
 * library, alive while someone watches, holds the last answer; each watcher gets it at once and then
 * every new one. A watcher count no longer multiplies the queries.
 */
import type { LibraryId, LibraryScan } from "@mediaserver/domain"
import { type Duration, Effect, Exit, identity, Option, RcMap, Schedule, type Scope, Stream, SubscriptionRef } from "effect"

type Answer<E> = Option.Option<Exit.Exit<LibraryScan, E>>

const running = <E>(exit: Exit.Exit<LibraryScan, E>) => Exit.isSuccess(exit) && exit.value.status === "running"

/** `watch(libraryId)`: the latest scan now and at each poll while it runs; ends when it no longer runs. */
export const makeScanWatch = <E>(
  latest: (libraryId: LibraryId) => Effect.Effect<LibraryScan, E>,
  interval: Duration.DurationInput
): Effect.Effect<(libraryId: LibraryId) => Stream.Stream<LibraryScan, E>, never, Scope.Scope> =>
  Effect.gen(function* () {
    const scope = yield* Effect.scope
    const polls: RcMap.RcMap<LibraryId, SubscriptionRef.SubscriptionRef<Answer<E>>> = yield* RcMap.make({
      lookup: (libraryId: LibraryId) =>
        Effect.gen(function* () {
          const answer = yield* SubscriptionRef.make<Answer<E>>(Option.none())
          const poll = Effect.exit(latest(libraryId)).pipe(
            Effect.tap((exit) => SubscriptionRef.set(answer, Option.some(exit))),
            Effect.repeat({ schedule: Schedule.spaced(interval), while: running })
          )
          // Past the end (a finished scan or an error) later watchers get a new entry: a new scan may
          // start. Invalidated from outside the entry, whose scope this fiber belongs to.
          yield* Effect.forkScoped(Effect.zipRight(poll, Effect.forkIn(RcMap.invalidate(polls, libraryId), scope)))
          return answer
        })
    })
    return (libraryId) =>
      Stream.unwrapScoped(Effect.map(RcMap.get(polls, libraryId), (answer) => answer.changes)).pipe(
        Stream.filterMap(identity),
        Stream.mapEffect(identity),
        Stream.takeUntil((scan) => scan.status !== "running")
      )
  })
