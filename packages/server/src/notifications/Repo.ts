/** SQL of notification agents, their coalescing state, the events held for digests and the dispatch cursor. */
import { SqlClient } from "@effect/sql"
import {
  type Conflict,
  type DatabaseError,
  DomainEvent,
  DomainEventType,
  MessageTemplate,
  NotificationAgentId,
  NotificationAgentKind
} from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { decodeRows, firstRow, jsonb, optionalRow, wrapSql, wrapSqlUnique } from "../db/Sql.js"

export const AgentRow = Schema.Struct({
  id: NotificationAgentId,
  name: Schema.String,
  kind: NotificationAgentKind,
  enabled: Schema.Boolean,
  events: Schema.Array(DomainEventType),
  templates: Schema.Array(MessageTemplate),
  /** Sealed (SecretBox), as is the secret; "" when none. */
  url: Schema.String,
  url_origin: Schema.NullOr(Schema.String),
  secret: Schema.String,
  topic: Schema.NullOr(Schema.String),
  priority: Schema.NullOr(Schema.Number),
  recipients: Schema.Array(Schema.String),
  to_users: Schema.Boolean,
  window_started_at: Schema.NullOr(Schema.DateFromSelf),
  window_count: Schema.Number,
  digest_seq: Schema.NullOr(Schema.Number)
})
export type AgentRow = typeof AgentRow.Type

export interface AgentFields {
  readonly name: string
  readonly enabled: boolean
  readonly events: ReadonlyArray<DomainEventType>
  readonly templates: ReadonlyArray<MessageTemplate>
  readonly url: string
  readonly urlOrigin: string | null
  readonly secret: string
  readonly topic: string | null
  readonly priority: number | null
  readonly recipients: ReadonlyArray<string>
  readonly toUsers: boolean
}


/** An event held for an agent's digest. */
export interface Held {
  readonly seq: number
  readonly event: DomainEvent
}

const HeldRow = Schema.Struct({ seq: Schema.Number, event: DomainEvent })
const decodeAgents = decodeRows(AgentRow)
const decodeHeld = decodeRows(HeldRow)
const encodeEvent = Schema.encodeSync(DomainEvent)
const UNIQUE_NAME = { notification_agents_name: "name" }
const COLUMNS = "id, name, kind, enabled, events, templates, url, url_origin, secret, topic, priority, recipients, to_users, window_started_at, window_count, digest_seq::float8 AS digest_seq"

export class NotificationRepo extends Context.Tag("@mediaserver/notifications/NotificationRepo")<
  NotificationRepo,
  {
    readonly list: Effect.Effect<ReadonlyArray<AgentRow>, DatabaseError>
    /** Enabled agents, locked for the dispatcher's transaction. */
    readonly lockEnabled: Effect.Effect<ReadonlyArray<AgentRow>, DatabaseError>
    readonly find: (id: NotificationAgentId) => Effect.Effect<Option.Option<AgentRow>, DatabaseError>
    readonly insert: (id: NotificationAgentId, kind: typeof NotificationAgentKind.Type, fields: AgentFields) => Effect.Effect<AgentRow, DatabaseError | Conflict>
    readonly update: (id: NotificationAgentId, fields: AgentFields) => Effect.Effect<AgentRow, DatabaseError | Conflict>
    readonly delete: (id: NotificationAgentId) => Effect.Effect<boolean, DatabaseError>
    readonly saveWindow: (id: NotificationAgentId, startedAt: Date, count: number, digestSeq: number | null) => Effect.Effect<void, DatabaseError>
    readonly hold: (id: NotificationAgentId, held: ReadonlyArray<Held>) => Effect.Effect<void, DatabaseError>
    /**
     * The events of the digest opened by `digestSeq`: on the first call, every held event not in a
     * digest yet joins it and the agent's digest closes (later events open a new one); later calls (a
     * retried send) read the same events.
     */
    readonly collectDigest: (id: NotificationAgentId, digestSeq: number) => Effect.Effect<ReadonlyArray<Held>, DatabaseError>
    readonly releaseDigest: (id: NotificationAgentId, digestSeq: number) => Effect.Effect<void, DatabaseError>
    /** How far the dispatcher has read the outbox (started at the newest event the first time). */
    readonly cursor: Effect.Effect<number, DatabaseError>
    readonly advance: (seq: number) => Effect.Effect<void, DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    NotificationRepo,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const columns = sql.literal(COLUMNS)
      const one = (operation: string) => (rows: ReadonlyArray<unknown>) => Effect.flatMap(decodeAgents(rows), firstRow(operation))
      return {
        list: sql`SELECT ${columns} FROM notification_agents ORDER BY name`.pipe(Effect.flatMap(decodeAgents), wrapSql("notify.list")),
        lockEnabled: sql`SELECT ${columns} FROM notification_agents WHERE enabled ORDER BY id FOR UPDATE`.pipe(
          Effect.flatMap(decodeAgents), wrapSql("notify.lockEnabled")),
        find: (id) =>
          sql`SELECT ${columns} FROM notification_agents WHERE id = ${id}`.pipe(
            Effect.flatMap(decodeAgents), Effect.map(optionalRow), wrapSql("notify.find")),
        insert: (id, kind, f) =>
          sql`
            INSERT INTO notification_agents (id, name, kind, enabled, events, templates, url, url_origin, secret, topic, priority, recipients, to_users)
            VALUES (${id}, ${f.name}, ${kind}, ${f.enabled}, ${jsonb(f.events)}::jsonb, ${jsonb(f.templates)}::jsonb, ${f.url}, ${f.urlOrigin},
              ${f.secret}, ${f.topic}, ${f.priority}, ${jsonb(f.recipients)}::jsonb, ${f.toUsers})
            RETURNING ${columns}`.pipe(Effect.flatMap(one("notify.insert")), wrapSqlUnique("notify.insert", UNIQUE_NAME)),
        update: (id, f) =>
          sql`
            UPDATE notification_agents SET name = ${f.name}, enabled = ${f.enabled}, events = ${jsonb(f.events)}::jsonb,
              templates = ${jsonb(f.templates)}::jsonb, url = ${f.url}, url_origin = ${f.urlOrigin}, secret = ${f.secret}, topic = ${f.topic},
              priority = ${f.priority}, recipients = ${jsonb(f.recipients)}::jsonb, to_users = ${f.toUsers}, updated_at = now()
            WHERE id = ${id} RETURNING ${columns}`.pipe(Effect.flatMap(one("notify.update")), wrapSqlUnique("notify.update", UNIQUE_NAME)),
        delete: (id) =>
          sql`DELETE FROM notification_agents WHERE id = ${id} RETURNING id`.pipe(Effect.map((rows) => rows.length > 0), wrapSql("notify.delete")),
        saveWindow: (id, startedAt, count, digestSeq) =>
          sql`
            UPDATE notification_agents SET window_started_at = ${startedAt}, window_count = ${count}, digest_seq = ${digestSeq}
            WHERE id = ${id}`.pipe(Effect.asVoid, wrapSql("notify.saveWindow")),
        hold: (id, held) =>
          held.length === 0 ? Effect.void : sql`
            INSERT INTO notification_held (agent_id, seq, event)
            SELECT ${id}, (h->>'seq')::bigint, h->'event' FROM jsonb_array_elements(${jsonb(held.map((h) => ({ seq: h.seq, event: encodeEvent(h.event) })))}::jsonb) h
            ON CONFLICT DO NOTHING`.pipe(Effect.asVoid, wrapSql("notify.hold")),
        collectDigest: (id, digestSeq) =>
          sql.withTransaction(Effect.gen(function* () {
            yield* sql`SELECT id FROM notification_agents WHERE id = ${id} FOR UPDATE`
            yield* sql`UPDATE notification_held SET digest_seq = ${digestSeq} WHERE agent_id = ${id} AND digest_seq IS NULL`
            yield* sql`UPDATE notification_agents SET digest_seq = NULL WHERE id = ${id} AND digest_seq = ${digestSeq}`
            return yield* sql`
              SELECT seq::float8 AS seq, event FROM notification_held WHERE agent_id = ${id} AND digest_seq = ${digestSeq} ORDER BY seq`.pipe(
              Effect.flatMap(decodeHeld))
          })).pipe(wrapSql("notify.collectDigest")),
        releaseDigest: (id, digestSeq) =>
          sql`DELETE FROM notification_held WHERE agent_id = ${id} AND digest_seq = ${digestSeq}`.pipe(Effect.asVoid, wrapSql("notify.releaseDigest")),
        cursor: Effect.gen(function* () {
          yield* sql`
            INSERT INTO notification_cursor (id, seq) SELECT 1, coalesce(max(seq), 0) FROM event_outbox
            ON CONFLICT (id) DO NOTHING`
          const rows = yield* sql<{ readonly seq: number }>`SELECT seq::float8 AS seq FROM notification_cursor WHERE id = 1`
          return rows[0]?.seq ?? 0
        }).pipe(wrapSql("notify.cursor")),
        advance: (seq) => sql`UPDATE notification_cursor SET seq = ${seq} WHERE id = 1`.pipe(Effect.asVoid, wrapSql("notify.advance"))
      }
    })
  )
}
