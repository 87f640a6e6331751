/** SQL of the `libraries` table. */
import { PgClient } from "@effect/sql-pg"
import {
  type Conflict,
  type DatabaseError,
  Library,
  LibraryId,
  LibraryKind,
  ScanSettings,
  WatchState
} from "@mediaserver/domain"
import { Context, DateTime, Effect, Layer, Option, Schema } from "effect"
import { decodeRows, firstRow, jsonb, wrapSql, wrapSqlUnique } from "../db/Sql.js"

const LibraryRow = Schema.Struct({
  id: LibraryId,
  name: Schema.String,
  kind: LibraryKind,
  paths: Schema.Array(Schema.String),
  scan: ScanSettings,
  language: Schema.String,
  country: Schema.String,
  watch_state: WatchState,
  watch_error: Schema.NullOr(Schema.String),
  last_scan_at: Schema.NullOr(Schema.DateFromSelf),
  created_at: Schema.DateFromSelf
})
type LibraryRow = typeof LibraryRow.Type

const toLibrary = (row: LibraryRow): Library =>
  new Library({
    id: row.id,
    name: row.name,
    kind: row.kind,
    paths: row.paths,
    scan: row.scan,
    language: row.language,
    country: row.country,
    watchState: row.watch_state,
    watchError: row.watch_error,
    lastScanAt: row.last_scan_at === null ? null : DateTime.unsafeFromDate(row.last_scan_at),
    createdAt: DateTime.unsafeFromDate(row.created_at)
  })

const decodeLibraries = decodeRows(LibraryRow)
const encodeSettings = Schema.encodeSync(ScanSettings)
const UNIQUE = { libraries_name_lower: "name" }

export interface LibraryFields {
  readonly name: string
  readonly paths: ReadonlyArray<string>
  readonly scan: ScanSettings
  readonly language: string
  readonly country: string
}

export class LibrariesRepo extends Context.Tag("@mediaserver/library/LibrariesRepo")<
  LibrariesRepo,
  {
    readonly insert: (id: LibraryId, kind: LibraryKind, fields: LibraryFields) => Effect.Effect<Library, DatabaseError | Conflict>
    readonly update: (id: LibraryId, fields: LibraryFields) => Effect.Effect<Option.Option<Library>, DatabaseError | Conflict>
    readonly delete: (id: LibraryId) => Effect.Effect<boolean, DatabaseError>
    readonly findById: (id: LibraryId) => Effect.Effect<Option.Option<Library>, DatabaseError>
    readonly list: Effect.Effect<ReadonlyArray<Library>, DatabaseError>
    readonly setWatchState: (id: LibraryId, state: WatchState, error: string | null) => Effect.Effect<void, DatabaseError>
    readonly markScanned: (id: LibraryId) => Effect.Effect<void, DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    LibrariesRepo,
    Effect.gen(function* () {
      const sql = yield* PgClient.PgClient
      return {
        insert: (id, kind, f) =>
          sql`
            INSERT INTO libraries (id, name, kind, paths, scan, language, country)
            VALUES (${id}, ${f.name}, ${kind}, ${jsonb(f.paths)}::jsonb, ${jsonb(encodeSettings(f.scan))}::jsonb, ${f.language}, ${f.country})
            RETURNING *
          `.pipe(
            Effect.flatMap(decodeLibraries),
            Effect.flatMap(firstRow("libraries.insert")),
            Effect.map(toLibrary),
            wrapSqlUnique("libraries.insert", UNIQUE)
          ),
        update: (id, f) =>
          sql`
            UPDATE libraries SET name = ${f.name}, paths = ${jsonb(f.paths)}::jsonb, scan = ${jsonb(encodeSettings(f.scan))}::jsonb,
              language = ${f.language}, country = ${f.country}, updated_at = now(),
              -- Saving a library retries a failed watcher.
              watch_state = CASE WHEN watch_state = 'failed' THEN 'off' ELSE watch_state END,
              watch_error = CASE WHEN watch_state = 'failed' THEN NULL ELSE watch_error END
            WHERE id = ${id} RETURNING *
          `.pipe(
            Effect.flatMap(decodeLibraries),
            Effect.map((found) => Option.map(Option.fromNullable(found[0]), toLibrary)),
            wrapSqlUnique("libraries.update", UNIQUE)
          ),
        delete: (id) =>
          sql`DELETE FROM libraries WHERE id = ${id} RETURNING id`.pipe(
            Effect.map((deleted) => deleted.length > 0),
            wrapSql("libraries.delete")
          ),
        findById: (id) =>
          sql`SELECT * FROM libraries WHERE id = ${id}`.pipe(
            Effect.flatMap(decodeLibraries),
            Effect.map((found) => Option.map(Option.fromNullable(found[0]), toLibrary)),
            wrapSql("libraries.findById")
          ),
        list: sql`SELECT * FROM libraries ORDER BY lower(name)`.pipe(
          Effect.flatMap(decodeLibraries),
          Effect.map((found) => found.map(toLibrary)),
          wrapSql("libraries.list")
        ),
        setWatchState: (id, state, error) =>
          sql`UPDATE libraries SET watch_state = ${state}, watch_error = ${error} WHERE id = ${id}`.pipe(
            Effect.asVoid,
            wrapSql("libraries.setWatchState")
          ),
        markScanned: (id) =>
          sql`UPDATE libraries SET last_scan_at = now() WHERE id = ${id}`.pipe(Effect.asVoid, wrapSql("libraries.markScanned"))
      }
    })
  )
}
