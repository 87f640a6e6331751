/**
 * Events leave only after the transaction that made them true commits: one published inside a
 * transaction that rolls back is never relayed (nor kept), while the one next to it that commits is;
 * an event published inside a committed transaction carries the next `seq` and is served on resume.
 * In-process delivery (no REDIS_URL), on Postgres. Relayed events past EVENTS_RETENTION are cleaned up.
 */
import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { AuthLogin, type DomainEvent, UserCreated, UserId } from "@mediaserver/domain"
import { AppConfig } from "@mediaserver/server/config"
import { migrate } from "@mediaserver/server/db"
import { Events, EventsStandalone, pruneEventOutbox } from "@mediaserver/server/events"
import { databaseLayer } from "@mediaserver/testkit/DatabaseLayer"
import { eventually } from "@mediaserver/testkit/Poll"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"
import { ConfigProvider, Duration, Effect, Exit, Layer, Redacted, Stream } from "effect"
import { randomUUID } from "node:crypto"

const user = (name: string) => new UserCreated({ userId: UserId.make(randomUUID()), username: name })

describe("event outbox", () => {
  it.scopedLive("a rolled-back event is never sent; a committed one is, once, in order", () =>
    Effect.gen(function* () {
      const db = yield* freshDatabase("outbox")
      const url = Redacted.value(db.url)
      const config = Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["DATABASE_URL", url], ["EVENTS_RETENTION", "1 millis"]])))
      const layer = EventsStandalone.pipe(
        Layer.provideMerge(databaseLayer(url)),
        Layer.provideMerge(AppConfig.layer),
        Layer.provide(config)
      )
      const context = yield* Layer.build(layer)
      const run = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.provide(effect, context)
      yield* run(migrate)

      const received: Array<DomainEvent> = []
      const live = yield* run(Effect.flatMap(Events, (events) => events.live))
      yield* Effect.forkScoped(Stream.runForEach(live, (envelope) => Effect.sync(() => received.push(envelope.event))))

      const rolledBack = yield* run(Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const events = yield* Events
        return yield* Effect.exit(sql.withTransaction(Effect.zipRight(events.publish(user("ghost")), Effect.fail("boom" as const))))
      }))
      expect(Exit.isFailure(rolledBack)).toBe(true)
      yield* run(Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const events = yield* Events
        yield* sql.withTransaction(events.publish(user("kept")))
        yield* events.publish(new AuthLogin({ userId: UserId.make(randomUUID()), username: "kept", ip: null }))
      }))

      yield* eventually(Effect.sync(() => received.length), (n) => n >= 2, { what: "the committed events", timeout: Duration.seconds(10) })
      // A relay pass more cannot bring the rolled-back one: it was never written.
      yield* run(Effect.flatMap(Events, (events) => events.relayNow))
      expect(received.map((e) => e._tag)).toEqual(["user.created", "auth.login"])
      expect(received.some((e) => e._tag === "user.created" && e.username === "ghost")).toBe(false)
      const rows = yield* run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ readonly type: string }>`SELECT type FROM event_outbox ORDER BY seq`))
      expect(rows.map((r) => r.type)).toEqual(["user.created", "auth.login"])

      // Resume from the first: the second only.
      const since = yield* run(Effect.flatMap(Events, (events) => Effect.flatMap(events.since(0, 10), (all) => events.since(all[0]?.seq ?? 0, 10))))
      expect(since.map((e) => e.event._tag)).toEqual(["auth.login"])

      // Past the resume window the cleanup deletes relayed events.
      expect(yield* run(pruneEventOutbox)).toBe(2)
      expect(yield* run(Effect.flatMap(Events, (events) => events.since(0, 10)))).toEqual([])
    }), { timeout: 60_000 })
})
