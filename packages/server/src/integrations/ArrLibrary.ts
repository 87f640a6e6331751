/**
 * What the *arr sync and webhooks read and change in our library: items by external id, files by
 * path, path renames, files marked missing (never deleted), and the links that carry the app's ids,
 * quality and release group. New files are not written here: they go through the library's
 * match-file job (the one matcher).
 */
import { SqlClient } from "@effect/sql"
import { type ArrInstanceId, type DatabaseError, LibraryId, type PathMapping } from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { CacheAside } from "../cache/index.js"
import { ARR_ITEM_IDS_NAMESPACE } from "../content/ContentCache.js"
import { decodeRows, jsonb, optionalRow, wrapSql } from "../db/Sql.js"

/** The app's path as this server sees it: the longest matching mapping's prefix replaced. */
export const mapPath = (mappings: ReadonlyArray<PathMapping>, path: string): string => {
  const trimmed = (p: string) => p.replace(/\/+$/, "")
  const best = mappings
    .filter((m) => path === trimmed(m.from) || path.startsWith(`${trimmed(m.from)}/`))
    .sort((a, b) => b.from.length - a.from.length)[0]
  return best === undefined ? path : `${trimmed(best.to)}${path.slice(trimmed(best.from).length)}`
}

export interface ItemIds {
  readonly tmdbId?: number | undefined
  readonly imdbId?: string | undefined
  readonly tvdbId?: number | undefined
}

/** A library's items and files, loaded once per sync (one query each, not one per title). */
export interface LibraryIndex {
  readonly byId: (ids: ItemIds) => string | undefined
  readonly byPath: (path: string) => { readonly fileId: string; readonly itemId: string | null } | undefined
}

export interface LinkRow {
  readonly instance_id: ArrInstanceId
  readonly kind: "movie" | "series" | "file"
  readonly arr_id: number
  readonly movie_id: string | null
  readonly series_id: string | null
  readonly media_file_id: string | null
  readonly path: string | null
  readonly quality: string | null
  readonly release_group: string | null
}

const IdRow = Schema.Struct({ id: Schema.String, tmdb_id: Schema.NullOr(Schema.String), imdb_id: Schema.NullOr(Schema.String), tvdb_id: Schema.NullOr(Schema.String) })
const FileRow = Schema.Struct({ id: Schema.String, path: Schema.String, item_id: Schema.NullOr(Schema.String) })
const LibraryRow = Schema.Struct({ id: LibraryId })
const decodeItemIds = decodeRows(Schema.Struct({ id: Schema.String }))

export class ArrLibrary extends Context.Tag("@mediaserver/integrations/ArrLibrary")<
  ArrLibrary,
  {
    /** The instance's library, else the library one of whose roots holds `path`. */
    readonly libraryFor: (libraryId: LibraryId | null, path: string) => Effect.Effect<Option.Option<LibraryId>, DatabaseError>
    readonly index: (libraryId: LibraryId, kind: "movie" | "series") => Effect.Effect<LibraryIndex, DatabaseError>
    readonly itemById: (libraryId: LibraryId, kind: "movie" | "series", ids: ItemIds) => Effect.Effect<Option.Option<string>, DatabaseError>
    readonly renameFile: (libraryId: LibraryId, from: string, to: string) => Effect.Effect<number, DatabaseError>
    readonly markMissing: (libraryId: LibraryId, path: string) => Effect.Effect<number, DatabaseError>
    readonly markMissingUnder: (libraryId: LibraryId, folder: string) => Effect.Effect<number, DatabaseError>
    readonly upsertLinks: (rows: ReadonlyArray<LinkRow>) => Effect.Effect<void, DatabaseError>
    readonly markRemoved: (instanceId: ArrInstanceId, kind: "movie" | "series" | "file", arrId: number) => Effect.Effect<void, DatabaseError>
    /** Links not seen since the sync began are marked removed (the app no longer has them); how many. */
    readonly markUnseen: (instanceId: ArrInstanceId, syncId: string) => Effect.Effect<number, DatabaseError>
  }
>() {
  static readonly layer = Layer.scoped(
    ArrLibrary,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      // Webhooks ask for one title at a time, a burst of them for the same few: one targeted query each,
      // cached (any content change drops the namespace: a scan or refresh may give an item its ids).
      const itemIds = yield* CacheAside.make({
        namespace: ARR_ITEM_IDS_NAMESPACE,
        schema: Schema.String,
        ttl: { l1: "1 minute", l2: "10 minutes" },
        notFoundTtl: "2 seconds",
        key: (k: { readonly libraryId: LibraryId; readonly kind: "movie" | "series"; readonly ids: ItemIds }) =>
          JSON.stringify([k.libraryId, k.kind, k.ids.tmdbId ?? null, k.ids.imdbId ?? null, k.ids.tvdbId ?? null])
      })
      const decodeIds = decodeRows(IdRow)
      const decodeFiles = decodeRows(FileRow)
      const decodeLibraries = decodeRows(LibraryRow)
      const idsQuery = (libraryId: LibraryId, kind: "movie" | "series") =>
        kind === "movie"
          ? sql`SELECT id, tmdb_id, imdb_id, NULL::text AS tvdb_id FROM movies WHERE library_id = ${libraryId}`
          : sql`SELECT id, tmdb_id, imdb_id, tvdb_id FROM series WHERE library_id = ${libraryId}`
      const filesQuery = (libraryId: LibraryId, kind: "movie" | "series") =>
        kind === "movie"
          ? sql`SELECT id, path, movie_id::text AS item_id FROM media_files WHERE library_id = ${libraryId}`
          : sql`
              SELECT f.id, f.path, min(e.series_id::text) AS item_id FROM media_files f
              LEFT JOIN media_file_episodes fe ON fe.media_file_id = f.id LEFT JOIN episodes e ON e.id = fe.episode_id
              WHERE f.library_id = ${libraryId} GROUP BY f.id, f.path`
      const byIds = (rows: ReadonlyArray<typeof IdRow.Type>) => {
        const maps = { tmdb: new Map<string, string>(), imdb: new Map<string, string>(), tvdb: new Map<string, string>() }
        for (const row of rows) {
          if (row.tmdb_id !== null) maps.tmdb.set(row.tmdb_id, row.id)
          if (row.imdb_id !== null) maps.imdb.set(row.imdb_id, row.id)
          if (row.tvdb_id !== null) maps.tvdb.set(row.tvdb_id, row.id)
        }
        // TMDb first, then IMDb, then TVDb.
        return (ids: ItemIds) =>
          (ids.tmdbId === undefined ? undefined : maps.tmdb.get(String(ids.tmdbId))) ??
            (ids.imdbId === undefined ? undefined : maps.imdb.get(ids.imdbId)) ??
            (ids.tvdbId === undefined ? undefined : maps.tvdb.get(String(ids.tvdbId)))
      }
      return {
        libraryFor: (libraryId, path) =>
          libraryId !== null
            ? Effect.succeed(Option.some(libraryId))
            : sql`
                SELECT id FROM libraries l WHERE EXISTS (
                  SELECT 1 FROM jsonb_array_elements_text(l.paths) root WHERE ${path} LIKE rtrim(root, '/') || '/%')
                LIMIT 1`.pipe(Effect.flatMap(decodeLibraries), Effect.map((rows) => Option.map(optionalRow(rows), (r) => r.id)), wrapSql("arr.libraryFor")),
        index: (libraryId, kind) =>
          Effect.all([Effect.flatMap(idsQuery(libraryId, kind), decodeIds), Effect.flatMap(filesQuery(libraryId, kind), decodeFiles)]).pipe(
            Effect.map(([items, files]) => {
              const paths = new Map(files.map((f) => [f.path, { fileId: f.id, itemId: f.item_id }]))
              return { byId: byIds(items), byPath: (path: string) => paths.get(path) }
            }),
            wrapSql("arr.index")
          ),
        itemById: (libraryId, kind, ids) => {
          const tmdb = ids.tmdbId === undefined ? null : String(ids.tmdbId)
          const imdb = ids.imdbId ?? null
          const tvdb = kind === "series" && ids.tvdbId !== undefined ? String(ids.tvdbId) : null
          // TMDb first, then IMDb, then TVDb, as in the sync's index.
          const lookup = sql`
            SELECT id FROM ${sql(kind === "movie" ? "movies" : "series")}
            WHERE library_id = ${libraryId} AND (tmdb_id = ${tmdb} OR imdb_id = ${imdb} ${kind === "series" ? sql`OR tvdb_id = ${tvdb}` : sql``})
            ORDER BY CASE WHEN tmdb_id = ${tmdb} THEN 0 WHEN imdb_id = ${imdb} THEN 1 ELSE 2 END, id LIMIT 1
          `.pipe(Effect.flatMap(decodeItemIds), Effect.map((rows) => Option.map(optionalRow(rows), (r) => r.id)), wrapSql("arr.itemById"))
          return tmdb === null && imdb === null && tvdb === null ? Effect.succeed(Option.none()) : itemIds.getOption({ libraryId, kind, ids }, lookup)
        },
        renameFile: (libraryId, from, to) =>
          sql`UPDATE media_files SET path = ${to}, updated_at = now() WHERE library_id = ${libraryId} AND path = ${from} RETURNING id`.pipe(
            Effect.map((rows) => rows.length), wrapSql("arr.renameFile")),
        markMissing: (libraryId, path) =>
          sql`
            UPDATE media_files SET state = 'missing', missing_since = coalesce(missing_since, now()), updated_at = now()
            WHERE library_id = ${libraryId} AND path = ${path} RETURNING id`.pipe(Effect.map((rows) => rows.length), wrapSql("arr.markMissing")),
        markMissingUnder: (libraryId, folder) =>
          sql`
            UPDATE media_files SET state = 'missing', missing_since = coalesce(missing_since, now()), updated_at = now()
            WHERE library_id = ${libraryId} AND starts_with(path, ${`${folder.replace(/\/+$/, "")}/`}) RETURNING id`.pipe(
            Effect.map((rows) => rows.length), wrapSql("arr.markMissingUnder")),
        // Items or files deleted meanwhile (a scan removed them) leave the link without them, not a failed batch.
        upsertLinks: (rows) =>
          rows.length === 0
            ? Effect.void
            : sql`
                INSERT INTO arr_links (instance_id, kind, arr_id, movie_id, series_id, media_file_id, path, quality, release_group)
                SELECT r.instance_id, r.kind, r.arr_id, m.id, s.id, f.id, r.path, r.quality, r.release_group
                FROM jsonb_to_recordset(${jsonb(rows)}::jsonb) AS r(instance_id uuid, kind text, arr_id int, movie_id uuid,
                  series_id uuid, media_file_id uuid, path text, quality text, release_group text)
                LEFT JOIN movies m ON m.id = r.movie_id LEFT JOIN series s ON s.id = r.series_id
                LEFT JOIN media_files f ON f.id = r.media_file_id
                ON CONFLICT (instance_id, kind, arr_id) DO UPDATE SET movie_id = EXCLUDED.movie_id, series_id = EXCLUDED.series_id,
                  media_file_id = EXCLUDED.media_file_id, path = EXCLUDED.path, quality = EXCLUDED.quality,
                  release_group = EXCLUDED.release_group, seen_at = now(), removed_at = NULL`.pipe(Effect.asVoid, wrapSql("arr.upsertLinks")),
        markRemoved: (instanceId, kind, arrId) =>
          sql`UPDATE arr_links SET removed_at = coalesce(removed_at, now()) WHERE instance_id = ${instanceId} AND kind = ${kind} AND arr_id = ${arrId}`.pipe(
            Effect.asVoid, wrapSql("arr.markRemoved")),
        markUnseen: (instanceId, syncId) =>
          sql`
            UPDATE arr_links SET removed_at = now()
            WHERE instance_id = ${instanceId} AND removed_at IS NULL AND seen_at < (SELECT started_at FROM arr_syncs WHERE id = ${syncId})
            RETURNING arr_id`.pipe(Effect.map((rows) => rows.length), wrapSql("arr.markUnseen"))
      }
    })
  )
}
