/**
 * The node's event bus: publishers do not wait for subscribers (a sliding buffer drops the oldest for a
 * subscriber that falls behind). Every event is also a structured log line.
 */
import type { DomainEvent } from "@mediaserver/domain"
import { Context, Effect, Layer, PubSub, type Scope, Stream } from "effect"

const BUFFER = 1024

export class Events extends Context.Tag("@mediaserver/events/Events")<
  Events,
  {
    readonly publish: (event: DomainEvent) => Effect.Effect<void>
    readonly subscribe: Effect.Effect<Stream.Stream<DomainEvent>, never, Scope.Scope>
  }
>() {
  static readonly layer = Layer.scoped(
    Events,
    Effect.gen(function* () {
      const hub = yield* Effect.acquireRelease(PubSub.sliding<DomainEvent>(BUFFER), PubSub.shutdown)
      return {
        publish: (event) =>
          Effect.zipRight(
            Effect.logInfo(`event ${event._tag}`).pipe(Effect.annotateLogs({ event: JSON.stringify(event) })),
            PubSub.publish(hub, event)
          ),
        subscribe: Effect.map(PubSub.subscribe(hub), Stream.fromQueue)
      }
    })
  )
}
