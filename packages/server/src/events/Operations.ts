/**
 * The live event stream once (named as in EventsRpcs): any signed-in caller, filtered to what they may
 * see and their browser preferences take (read when the stream starts). With `lastEventId` the events relayed since (still in the outbox) come first, then live ones;
 * the live subscription starts before the backlog is read, so nothing falls between the two.
 */
import { CurrentUser, type EventEnvelope, EventsRpcs } from "@mediaserver/domain"
import { Effect, Stream } from "effect"
import { canRead, unavailable, withPolicy } from "../access/Policy.js"
import { LibraryAccess } from "../library/LibraryAccess.js"
import { Events } from "./Events.js"
import { EventPreferences } from "./Preferences.js"
import { eventVisibleTo } from "./Visibility.js"

/** A client away for longer than this many events starts over from live ones. */
const RESUME_LIMIT = 5_000

export const makeEventsOperations = Effect.gen(function* () {
  const events = yield* Events
  const visible = eventVisibleTo(yield* LibraryAccess)
  const preferences = yield* EventPreferences
  /**
   * The caller's stream, with everything about the caller read once here: the stream itself needs no
   * context, so a transport runs it without providing one per event (which costs a context diff per
   * element, for every client).
   */
  const subscribe = (lastEventId: number | undefined) =>
    withPolicy(canRead)(Effect.gen(function* () {
      const user = yield* CurrentUser
      const wanted = new Set<string>((yield* preferences.get(user.userId).pipe(Effect.mapError(unavailable))).browser)
      const live = yield* events.live
      const backlog = lastEventId === undefined
        ? []
        : yield* events.since(lastEventId, RESUME_LIMIT).pipe(Effect.mapError(unavailable))
      const after = backlog.at(-1)?.seq ?? lastEventId ?? -1
      return Stream.concat(Stream.fromIterable(backlog), Stream.filter(live, (envelope) => envelope.seq > after)).pipe(
        Stream.filterEffect((envelope: EventEnvelope) =>
          wanted.has(envelope.event._tag) ? visible(user, envelope.event) : Effect.succeed(false))
      )
    }))
  return {
    subscribe,
    rpc: EventsRpcs.of({
      EventsSubscribe: ({ lastEventId }) => Stream.unwrapScoped(subscribe(lastEventId))
    })
  }
})
