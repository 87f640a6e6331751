/**
 * The event bus. `publish` writes the event to the outbox through the ambient connection, so inside a
 * transaction it is part of it: a rollback leaves nothing to send. A relay on every node claims
 * committed rows (one relay at a time, under an advisory lock, so `seq` follows commit order), numbers
 * them and sends them to every node: over Redis pub/sub when REDIS_URL is set, in-process otherwise.
 * The relay runs after each commit that published (see db/AfterCommit) and on a short poll for events
 * written in transactions it was not told about. Subscribers never slow publishers (a sliding buffer
 * drops the oldest for one that falls behind; the outbox serves resumes). Every relayed event is also
 * a structured log line.
 */
import { SqlClient } from "@effect/sql"
import { type DatabaseError, DomainEvent, EventEnvelope } from "@mediaserver/domain"
import { Context, Duration, Effect, Layer, Option, PubSub, Queue, Schema, type Scope, Stream } from "effect"
import type { Redis } from "ioredis"
import { AppConfig } from "../config/AppConfig.js"
import { afterCommit } from "../db/AfterCommit.js"
import { wrapSql } from "../db/Sql.js"
import { RedisConnection, redisTry } from "../redis/Redis.js"

const BUFFER = 4096
const CLAIM_BATCH = 500
const POLL = Duration.millis(250)
/** Serialises relays across nodes (the key is arbitrary but fixed). */
const RELAY_LOCK = 0x6576656e74

const encodeEvent = Schema.encodeSync(DomainEvent)
const EnvelopeJson = Schema.parseJson(EventEnvelope)
const encodeEnvelope = Schema.encodeSync(EnvelopeJson)
const decodeEnvelope = Schema.decodeUnknownOption(EnvelopeJson)
const decodeEvent = Schema.decodeUnknownOption(DomainEvent)

interface OutboxRow {
  readonly seq: number
  readonly atMs: number
  readonly payload: unknown
}

export interface EventsShape {
  readonly publish: (event: DomainEvent) => Effect.Effect<void>
  /** Many events in one statement (a scan's new items), in their order. */
  readonly publishAll: (events: ReadonlyArray<DomainEvent>) => Effect.Effect<void>
  /** Live events of every node, as relayed (envelopes carry the resume id). */
  readonly live: Effect.Effect<Stream.Stream<EventEnvelope>, never, Scope.Scope>
  /** Live events only (tests and in-process listeners). */
  readonly subscribe: Effect.Effect<Stream.Stream<DomainEvent>, never, Scope.Scope>
  /** Relayed events after `seq` still in the outbox (oldest first, at most `limit`). */
  readonly since: (seq: number, limit: number) => Effect.Effect<ReadonlyArray<EventEnvelope>, DatabaseError>
  /** Runs a relay pass now (tests, shutdown). */
  readonly relayNow: Effect.Effect<void>
}

const toEnvelopes = (rows: ReadonlyArray<OutboxRow>): ReadonlyArray<EventEnvelope> =>
  rows.flatMap((row) =>
    Option.match(decodeEvent(row.payload), {
      onNone: () => [],
      onSome: (event) => [new EventEnvelope({ seq: row.seq, at: new Date(row.atMs).toISOString(), event })]
    }))

export class Events extends Context.Tag("@mediaserver/events/Events")<Events, EventsShape>() {
  static readonly layer = Layer.scoped(
    Events,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const redis = yield* RedisConnection
      const config = yield* AppConfig
      const channel = `${config.cacheKeyPrefix}events`
      const hub = yield* Effect.acquireRelease(PubSub.sliding<EventEnvelope>(BUFFER), PubSub.shutdown)
      const wake = yield* Queue.sliding<void>(1)

      const deliverLocally = (envelope: EventEnvelope) => PubSub.publish(hub, envelope)

      if (Option.isSome(redis)) yield* subscribeRedis(redis.value, channel, deliverLocally)

      const send = (envelope: EventEnvelope): Effect.Effect<void> =>
        Option.match(redis, {
          onNone: () => Effect.asVoid(deliverLocally(envelope)),
          // Redis unreachable: this node's clients still get it; the others resume from the outbox.
          onSome: (client) =>
            redisTry("PUBLISH", () => client.publish(channel, encodeEnvelope(envelope))).pipe(
              Effect.asVoid,
              Effect.catchAll((e) => Effect.zipRight(Effect.logDebug(`events: ${e.message}; delivered on this node only`), Effect.asVoid(deliverLocally(envelope))))
            )
        })

      const claim = sql.withTransaction(Effect.gen(function* () {
        yield* sql`SELECT pg_advisory_xact_lock(${RELAY_LOCK})`
        return yield* sql<OutboxRow>`
          WITH next AS (SELECT id FROM event_outbox WHERE seq IS NULL ORDER BY id LIMIT ${CLAIM_BATCH} FOR UPDATE SKIP LOCKED)
          UPDATE event_outbox o SET seq = nextval('event_seq'), relayed_at = now()
          FROM next WHERE o.id = next.id
          RETURNING o.seq::float8 AS seq, (extract(epoch FROM o.created_at) * 1000)::float8 AS "atMs", o.payload
        `
      })).pipe(wrapSql("events.claim"))

      const relayOnce: Effect.Effect<number> = claim.pipe(
        Effect.flatMap((rows) => {
          const envelopes = toEnvelopes([...rows].sort((a, b) => a.seq - b.seq))
          return Effect.as(
            Effect.forEach(envelopes, (envelope) =>
              Effect.zipRight(
                Effect.logInfo(`event ${envelope.event._tag}`).pipe(
                  Effect.annotateLogs({ event: JSON.stringify(encodeEvent(envelope.event)), seq: envelope.seq })
                ),
                send(envelope)
              ), { discard: true }),
            rows.length
          )
        }),
        Effect.catchAll((e) => Effect.as(Effect.logWarning(`events relay: ${e.message}`), 0))
      )
      // Drain while full batches come back.
      const relay: Effect.Effect<void> = Effect.flatMap(relayOnce, (n) => (n >= CLAIM_BATCH ? relay : Effect.void))

      yield* Effect.forkScoped(Effect.forever(
        Effect.zipRight(Effect.race(Queue.take(wake), Effect.sleep(POLL)), relay)
      ))

      const publishAll = (events: ReadonlyArray<DomainEvent>): Effect.Effect<void> =>
        events.length === 0 ? Effect.void : sql`
          INSERT INTO event_outbox (type, payload)
          SELECT e->>'_tag', e FROM jsonb_array_elements(${JSON.stringify(events.map((event) => encodeEvent(event)))}::jsonb) WITH ORDINALITY AS t(e, n)
          ORDER BY n`.pipe(
          wrapSql("events.publishAll"),
          Effect.zipRight(afterCommit(Effect.asVoid(Queue.offer(wake, undefined)))),
          Effect.catchAll((e) => Effect.logError(`events ${[...new Set(events.map((event) => event._tag))].join(", ")} not recorded: ${e.message}`))
        )
      const publish = (event: DomainEvent): Effect.Effect<void> => publishAll([event])

      const live = Effect.map(PubSub.subscribe(hub), Stream.fromQueue)

      const since = (seq: number, limit: number) =>
        sql<OutboxRow>`
          SELECT seq::float8 AS seq, (extract(epoch FROM created_at) * 1000)::float8 AS "atMs", payload
          FROM event_outbox WHERE seq > ${seq} ORDER BY seq LIMIT ${limit}
        `.pipe(Effect.map(toEnvelopes), wrapSql("events.since"))

      return {
        publish,
        publishAll,
        live,
        subscribe: Effect.map(live, Stream.map((envelope) => envelope.event)),
        since,
        relayNow: relay
      }
    })
  )
}

/** A dedicated SUBSCRIBE connection (resubscribed on every reconnect) feeding this node's hub. */
const subscribeRedis = (client: Redis, channel: string, deliver: (envelope: EventEnvelope) => Effect.Effect<boolean>) =>
  Effect.gen(function* () {
    const subscriber = yield* Effect.acquireRelease(
      Effect.sync(() => client.duplicate({ autoResubscribe: false })),
      (sub) => Effect.promise(() => sub.quit().catch(() => sub.disconnect()))
    )
    subscriber.on("error", () => {})
    const ready = yield* Effect.makeLatch(false)
    subscriber.on("ready", () => {
      subscriber.subscribe(channel).then(() => Effect.runSync(ready.open), () => {})
    })
    subscriber.on("message", (_channel: string, raw: string) =>
      Option.map(decodeEnvelope(raw), (envelope) => Effect.runSync(deliver(envelope))))
    // Start-up waits (briefly) until this node hears the others, so a client connected at once misses nothing.
    yield* ready.await.pipe(Effect.timeout(Duration.seconds(3)), Effect.ignore)
  })
