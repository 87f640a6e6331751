/** SQL of the *arr integrations: instances, recorded webhook events, links to our items, syncs, wanted titles. */
import { SqlClient } from "@effect/sql"
import {
  ArrApp,
  ArrInstanceId,
  ArrSyncCounts,
  type Conflict,
  type DatabaseError,
  LibraryId,
  PathMapping
} from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { decodeRows, firstRow, jsonb, optionalRow, wrapSql, wrapSqlUnique } from "../db/Sql.js"

export const InstanceRow = Schema.Struct({
  id: ArrInstanceId,
  app: ArrApp,
  name: Schema.String,
  url: Schema.String,
  /** Sealed (SecretBox), as is the webhook secret. */
  api_key: Schema.String,
  webhook_secret: Schema.String,
  enabled: Schema.Boolean,
  is_default: Schema.Boolean,
  library_id: Schema.NullOr(LibraryId),
  path_mappings: Schema.Array(PathMapping)
})
export type InstanceRow = typeof InstanceRow.Type

export const EventRow = Schema.Struct({
  id: Schema.String,
  instance_id: ArrInstanceId,
  event_type: Schema.String,
  body: Schema.Unknown,
  state: Schema.String
})
export type EventRow = typeof EventRow.Type

export const SyncRow = Schema.Struct({
  id: Schema.String,
  instance_id: ArrInstanceId,
  state: Schema.Literal("queued", "running", "completed", "failed"),
  done: Schema.Number,
  total: Schema.Number,
  counts: Schema.NullOr(ArrSyncCounts),
  errors: Schema.Array(Schema.String),
  started_at: Schema.NullOr(Schema.DateFromSelf),
  finished_at: Schema.NullOr(Schema.DateFromSelf)
})
export type SyncRow = typeof SyncRow.Type

export const WantedRow = Schema.Struct({
  instance_id: ArrInstanceId,
  app: ArrApp,
  arr_id: Schema.Number,
  title: Schema.String,
  year: Schema.NullOr(Schema.Number),
  tmdb_id: Schema.NullOr(Schema.Number),
  tvdb_id: Schema.NullOr(Schema.Number),
  imdb_id: Schema.NullOr(Schema.String),
  added_at: Schema.DateFromSelf
})
export type WantedRow = typeof WantedRow.Type

export interface InstanceFields {
  readonly name: string
  readonly url: string
  readonly apiKey: string
  readonly webhookSecret: string
  readonly enabled: boolean
  readonly isDefault: boolean
  readonly libraryId: LibraryId | null
  readonly pathMappings: ReadonlyArray<PathMapping>
}

export interface Wanted {
  readonly arrId: number
  readonly title: string
  readonly year: number | null
  readonly tmdbId: number | null
  readonly tvdbId: number | null
  readonly imdbId: string | null
}

const decodeInstances = decodeRows(InstanceRow)
const decodeEvents = decodeRows(EventRow)
const decodeSyncs = decodeRows(SyncRow)
const decodeWanted = decodeRows(WantedRow)
const UNIQUE_NAME = { arr_instances_name: "name" }

export class ArrRepo extends Context.Tag("@mediaserver/integrations/ArrRepo")<
  ArrRepo,
  {
    readonly list: Effect.Effect<ReadonlyArray<InstanceRow>, DatabaseError>
    readonly find: (id: ArrInstanceId) => Effect.Effect<Option.Option<InstanceRow>, DatabaseError>
    readonly findDefault: (app: ArrApp) => Effect.Effect<Option.Option<InstanceRow>, DatabaseError>
    readonly insert: (id: ArrInstanceId, app: ArrApp, fields: InstanceFields) => Effect.Effect<InstanceRow, DatabaseError | Conflict>
    readonly update: (id: ArrInstanceId, app: ArrApp, fields: InstanceFields) => Effect.Effect<InstanceRow, DatabaseError | Conflict>
    readonly delete: (id: ArrInstanceId) => Effect.Effect<boolean, DatabaseError>
    /** Records an event once: false when one with this identity was recorded before. */
    readonly recordEvent: (id: string, instanceId: ArrInstanceId, eventType: string, body: unknown, state: "queued" | "ignored") => Effect.Effect<boolean, DatabaseError>
    readonly event: (id: string) => Effect.Effect<Option.Option<EventRow>, DatabaseError>
    /** Marks a queued event processed; false when it was not queued any more (processed before). */
    readonly finishEvent: (id: string, state: "done" | "failed", error: string | null) => Effect.Effect<boolean, DatabaseError>
    readonly addWanted: (instanceId: ArrInstanceId, wanted: Wanted) => Effect.Effect<void, DatabaseError>
    readonly wanted: Effect.Effect<ReadonlyArray<WantedRow>, DatabaseError>
    readonly startSync: (id: string, instanceId: ArrInstanceId) => Effect.Effect<void, DatabaseError>
    readonly syncProgress: (id: string, done: number, total: number) => Effect.Effect<void, DatabaseError>
    readonly finishSync: (id: string, state: "completed" | "failed", counts: ArrSyncCounts | null, errors: ReadonlyArray<string>) => Effect.Effect<void, DatabaseError>
    readonly lastSync: (instanceId: ArrInstanceId) => Effect.Effect<Option.Option<SyncRow>, DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    ArrRepo,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const one = (operation: string) => (rows: ReadonlyArray<unknown>) =>
        Effect.flatMap(decodeInstances(rows), firstRow(operation))
      // Setting a default first clears the app's previous one (at most one default per app).
      const clearDefault = (app: ArrApp, isDefault: boolean) =>
        isDefault ? Effect.asVoid(sql`UPDATE arr_instances SET is_default = false WHERE app = ${app} AND is_default`) : Effect.void
      return {
        list: sql`SELECT * FROM arr_instances ORDER BY app, name`.pipe(Effect.flatMap(decodeInstances), wrapSql("arr.list")),
        find: (id) =>
          sql`SELECT * FROM arr_instances WHERE id = ${id}`.pipe(Effect.flatMap(decodeInstances), Effect.map(optionalRow), wrapSql("arr.find")),
        // The marked default, else the app's only or first enabled instance.
        findDefault: (app) =>
          sql`SELECT * FROM arr_instances WHERE app = ${app} ORDER BY is_default DESC, enabled DESC, created_at LIMIT 1`.pipe(
            Effect.flatMap(decodeInstances), Effect.map(optionalRow), wrapSql("arr.findDefault")),
        insert: (id, app, f) =>
          Effect.zipRight(
            clearDefault(app, f.isDefault),
            sql`
              INSERT INTO arr_instances (id, app, name, url, api_key, webhook_secret, enabled, is_default, library_id, path_mappings)
              VALUES (${id}, ${app}, ${f.name}, ${f.url}, ${f.apiKey}, ${f.webhookSecret}, ${f.enabled}, ${f.isDefault}, ${f.libraryId},
                ${jsonb(f.pathMappings)}::jsonb)
              RETURNING *`.pipe(Effect.flatMap(one("arr.insert")))
          ).pipe(sql.withTransaction, wrapSqlUnique("arr.insert", UNIQUE_NAME)),
        update: (id, app, f) =>
          Effect.zipRight(
            clearDefault(app, f.isDefault),
            sql`
              UPDATE arr_instances SET name = ${f.name}, url = ${f.url}, api_key = ${f.apiKey}, webhook_secret = ${f.webhookSecret},
                enabled = ${f.enabled}, is_default = ${f.isDefault}, library_id = ${f.libraryId},
                path_mappings = ${jsonb(f.pathMappings)}::jsonb, updated_at = now()
              WHERE id = ${id} RETURNING *`.pipe(Effect.flatMap(one("arr.update")))
          ).pipe(sql.withTransaction, wrapSqlUnique("arr.update", UNIQUE_NAME)),
        delete: (id) =>
          sql`DELETE FROM arr_instances WHERE id = ${id} RETURNING id`.pipe(Effect.map((rows) => rows.length > 0), wrapSql("arr.delete")),
        recordEvent: (id, instanceId, eventType, body, state) =>
          sql`
            INSERT INTO arr_webhook_events (id, instance_id, event_type, body, state)
            VALUES (${id}, ${instanceId}, ${eventType}, ${jsonb(body)}::jsonb, ${state})
            ON CONFLICT (id) DO NOTHING RETURNING id`.pipe(Effect.map((rows) => rows.length > 0), wrapSql("arr.recordEvent")),
        event: (id) =>
          sql`SELECT id, instance_id, event_type, body, state FROM arr_webhook_events WHERE id = ${id}`.pipe(
            Effect.flatMap(decodeEvents), Effect.map(optionalRow), wrapSql("arr.event")),
        finishEvent: (id, state, error) =>
          sql`
            UPDATE arr_webhook_events SET state = ${state}, error = ${error}, effects = effects + 1, processed_at = now()
            WHERE id = ${id} AND state = 'queued' RETURNING id`.pipe(Effect.map((rows) => rows.length > 0), wrapSql("arr.finishEvent")),
        addWanted: (instanceId, w) =>
          sql`
            INSERT INTO arr_wanted (instance_id, arr_id, title, year, tmdb_id, tvdb_id, imdb_id)
            VALUES (${instanceId}, ${w.arrId}, ${w.title}, ${w.year}, ${w.tmdbId}, ${w.tvdbId}, ${w.imdbId})
            ON CONFLICT (instance_id, arr_id) DO UPDATE SET title = EXCLUDED.title, year = EXCLUDED.year,
              tmdb_id = EXCLUDED.tmdb_id, tvdb_id = EXCLUDED.tvdb_id, imdb_id = EXCLUDED.imdb_id`.pipe(Effect.asVoid, wrapSql("arr.addWanted")),
        wanted: sql`
          SELECT w.*, i.app FROM arr_wanted w JOIN arr_instances i ON i.id = w.instance_id ORDER BY w.added_at DESC LIMIT 500`.pipe(
          Effect.flatMap(decodeWanted), wrapSql("arr.wanted")),
        startSync: (id, instanceId) =>
          sql`
            INSERT INTO arr_syncs (id, instance_id, state, started_at) VALUES (${id}, ${instanceId}, 'running', now())
            ON CONFLICT (id) DO UPDATE SET state = 'running', done = 0, total = 0, started_at = now(), finished_at = NULL`.pipe(
            Effect.asVoid, wrapSql("arr.startSync")),
        syncProgress: (id, done, total) =>
          sql`UPDATE arr_syncs SET done = ${done}, total = ${total} WHERE id = ${id}`.pipe(Effect.asVoid, wrapSql("arr.syncProgress")),
        finishSync: (id, state, counts, errors) =>
          sql`
            UPDATE arr_syncs SET state = ${state}, counts = ${counts === null ? null : jsonb(counts)}::jsonb,
              errors = ${jsonb(errors.slice(0, 50))}::jsonb, finished_at = now(), done = CASE WHEN ${state} = 'completed' THEN total ELSE done END
            WHERE id = ${id}`.pipe(Effect.asVoid, wrapSql("arr.finishSync")),
        lastSync: (instanceId) =>
          sql`SELECT * FROM arr_syncs WHERE instance_id = ${instanceId} ORDER BY started_at DESC NULLS LAST LIMIT 1`.pipe(
            Effect.flatMap(decodeSyncs), Effect.map(optionalRow), wrapSql("arr.lastSync"))
      }
    })
  )
}
