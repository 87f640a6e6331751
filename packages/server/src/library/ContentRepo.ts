/**
 * What a scan writes: media files and the movies, series, seasons and episodes they belong to. Every
 * write takes a whole batch as one JSON parameter (`jsonb_to_recordset`), so a scan costs a handful of
 * statements per few hundred files, not several per file.
 */
import { PgClient } from "@effect/sql-pg"
import type { DatabaseError, LibraryId } from "@mediaserver/domain"
import { Context, Effect, Layer, Schema } from "effect"
import { randomUUID } from "node:crypto"
import { decodeRows, jsonb, wrapSql } from "../db/Sql.js"
import type { ProviderIds } from "./ParsedPath.js"

export interface KnownFile {
  readonly id: string
  readonly path: string
  readonly size: number
  readonly mtimeMs: number
  readonly missing: boolean
  readonly matched: boolean
}

/** A movie as a scan found it; its id is the existing row's, or a new one. */
export interface MovieFields {
  readonly matchKey: string
  readonly title: string
  readonly year: number | null
  readonly ids: ProviderIds
  readonly edition: string | null
}

/** A series as a scan found it. */
export interface SeriesFields {
  readonly matchKey: string
  readonly title: string
  readonly year: number | null
  readonly ids: ProviderIds
}

/** An absolute episode number's season and episode. */
export interface AbsolutePlace {
  readonly season: number
  readonly episode: number
}
const decodeAbsolute = decodeRows(Schema.Struct({
  series_id: Schema.String, absolute_number: Schema.Number, season_number: Schema.Number, episode_number: Schema.Number
}))

export interface SeasonUpsert {
  readonly id: string
  readonly seriesId: string
  readonly seasonNumber: number
}

export interface EpisodeUpsert {
  readonly id: string
  readonly seriesId: string
  readonly seasonId: string
  readonly seasonNumber: number
  readonly episodeKey: string
  readonly episodeNumber: number | null
  readonly absoluteNumber: number | null
  readonly airDate: string | null
  readonly title: string | null
}

export interface FileUpsert {
  readonly id: string
  readonly path: string
  readonly size: number
  readonly mtimeMs: number
  readonly matched: boolean
  readonly matchError: string | null
  readonly movieId: string | null
  readonly part: number | null
  readonly version: string | null
}

/** Ids by match key (or by path for files), and how many rows were new (and which keys). */
export interface Upserted {
  readonly ids: ReadonlyMap<string, string>
  readonly inserted: number
  readonly insertedKeys: ReadonlySet<string>
}

const KnownRow = Schema.Struct({
  id: Schema.String,
  path: Schema.String,
  size_bytes: Schema.Number,
  mtime_ms: Schema.Number,
  missing: Schema.Boolean,
  matched: Schema.Boolean
})
const decodeKnown = decodeRows(KnownRow)
const KeyRow = Schema.Struct({ id: Schema.String, key: Schema.String, inserted: Schema.Boolean })
const decodeKeys = decodeRows(KeyRow)

const toUpserted = (rows: ReadonlyArray<typeof KeyRow.Type>): Upserted => ({
  ids: new Map(rows.map((row) => [row.key, row.id])),
  inserted: rows.filter((row) => row.inserted).length,
  insertedKeys: new Set(rows.filter((row) => row.inserted).map((row) => row.key))
})

export interface CleanedUp {
  readonly files: number
  readonly items: number
}

export class ContentRepo extends Context.Tag("@mediaserver/library/ContentRepo")<
  ContentRepo,
  {
    readonly knownFiles: (libraryId: LibraryId) => Effect.Effect<ReadonlyArray<KnownFile>, DatabaseError>
    /** Keys: match keys. */
    readonly upsertMovies: (libraryId: LibraryId, movies: ReadonlyArray<MovieFields>) => Effect.Effect<Upserted, DatabaseError>
    /** Keys: match keys. */
    readonly upsertSeries: (libraryId: LibraryId, series: ReadonlyArray<SeriesFields>) => Effect.Effect<Upserted, DatabaseError>
    /** Keys: `<seriesId>/<seasonNumber>`. */
    readonly upsertSeasons: (seasons: ReadonlyArray<SeasonUpsert>) => Effect.Effect<Upserted, DatabaseError>
    /** Keys: `<seasonId>/<episodeKey>`. */
    readonly upsertEpisodes: (episodes: ReadonlyArray<EpisodeUpsert>) => Effect.Effect<Upserted, DatabaseError>
    /** Keys: paths. A file seen again is present again; a changed one loses its probe. */
    readonly upsertFiles: (libraryId: LibraryId, files: ReadonlyArray<FileUpsert>) => Effect.Effect<Upserted, DatabaseError>
    /** Replaces the episode links of the given files. */
    readonly linkEpisodes: (links: ReadonlyArray<{ readonly fileId: string; readonly episodeId: string }>, fileIds: ReadonlyArray<string>) => Effect.Effect<void, DatabaseError>
    readonly markMissing: (fileIds: ReadonlyArray<string>) => Effect.Effect<void, DatabaseError>
    /** Where the series' absolute episode numbers fall (season, episode), as their refresh found (migration 0086). */
    readonly absoluteNumbers: (seriesIds: ReadonlyArray<string>) => Effect.Effect<ReadonlyMap<string, ReadonlyMap<number, AbsolutePlace>>, DatabaseError>
    /** Deletes files missing for longer than the grace period, then content left without files. */
    readonly cleanUp: (libraryId: LibraryId, graceSeconds: number) => Effect.Effect<CleanedUp, DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    ContentRepo,
    Effect.gen(function* () {
      const sql = yield* PgClient.PgClient
      return {
        knownFiles: (libraryId) =>
          // float8: exact for sizes and mtimes below 2^53, and numbers decode faster than bigint strings.
          sql`
            SELECT id, path, size_bytes::float8 AS size_bytes, mtime_ms::float8 AS mtime_ms,
              state = 'missing' AS missing, match_state = 'matched' AS matched
            FROM media_files WHERE library_id = ${libraryId}
          `.pipe(
            Effect.flatMap(decodeKnown),
            Effect.map((rows) =>
              rows.map((row) => ({
                id: row.id,
                path: row.path,
                size: row.size_bytes,
                mtimeMs: row.mtime_ms,
                missing: row.missing,
                matched: row.matched
              }))
            ),
            wrapSql("content.knownFiles")
          ),
        upsertMovies: (libraryId, movies) =>
          movies.length === 0 ? Effect.succeed(empty) : sql`
            INSERT INTO movies (id, library_id, match_key, title, sort_title, year, tmdb_id, imdb_id, edition)
            SELECT x.id, ${libraryId}, x.match_key, x.title, lower(x.title), x.year, x.tmdb_id, x.imdb_id, x.edition
            FROM jsonb_to_recordset(${jsonb(movies.map((m) => ({
              id: randomUUID(), match_key: m.matchKey, title: m.title, year: m.year, tmdb_id: m.ids.tmdb ?? null,
              imdb_id: m.ids.imdb ?? null, edition: m.edition
            })))}::jsonb) AS x(id uuid, match_key text, title text, year int, tmdb_id text, imdb_id text, edition text)
            ON CONFLICT (library_id, match_key) DO UPDATE SET
              title = EXCLUDED.title, sort_title = EXCLUDED.sort_title, year = EXCLUDED.year,
              tmdb_id = coalesce(EXCLUDED.tmdb_id, movies.tmdb_id), imdb_id = coalesce(EXCLUDED.imdb_id, movies.imdb_id),
              edition = EXCLUDED.edition, updated_at = now()
            RETURNING id, match_key AS key, (xmax = 0) AS inserted
          `.pipe(Effect.flatMap(decodeKeys), Effect.map(toUpserted), wrapSql("content.upsertMovies")),
        upsertSeries: (libraryId, series) =>
          series.length === 0 ? Effect.succeed(empty) : sql`
            INSERT INTO series (id, library_id, match_key, title, sort_title, year, tmdb_id, imdb_id, tvdb_id)
            SELECT x.id, ${libraryId}, x.match_key, x.title, lower(x.title), x.year, x.tmdb_id, x.imdb_id, x.tvdb_id
            FROM jsonb_to_recordset(${jsonb(series.map((s) => ({
              id: randomUUID(), match_key: s.matchKey, title: s.title, year: s.year, tmdb_id: s.ids.tmdb ?? null,
              imdb_id: s.ids.imdb ?? null, tvdb_id: s.ids.tvdb ?? null
            })))}::jsonb) AS x(id uuid, match_key text, title text, year int, tmdb_id text, imdb_id text, tvdb_id text)
            ON CONFLICT (library_id, match_key) DO UPDATE SET
              title = EXCLUDED.title, sort_title = EXCLUDED.sort_title, year = coalesce(EXCLUDED.year, series.year),
              tmdb_id = coalesce(EXCLUDED.tmdb_id, series.tmdb_id), imdb_id = coalesce(EXCLUDED.imdb_id, series.imdb_id),
              tvdb_id = coalesce(EXCLUDED.tvdb_id, series.tvdb_id), updated_at = now()
            RETURNING id, match_key AS key, (xmax = 0) AS inserted
          `.pipe(Effect.flatMap(decodeKeys), Effect.map(toUpserted), wrapSql("content.upsertSeries")),
        upsertSeasons: (seasons) =>
          seasons.length === 0 ? Effect.succeed(empty) : sql`
            INSERT INTO seasons (id, series_id, season_number)
            SELECT x.id, x.series_id, x.season_number
            FROM jsonb_to_recordset(${jsonb(seasons.map((s) => ({ id: s.id, series_id: s.seriesId, season_number: s.seasonNumber })))}::jsonb)
              AS x(id uuid, series_id uuid, season_number int)
            ON CONFLICT (series_id, season_number) DO UPDATE SET season_number = EXCLUDED.season_number
            RETURNING id, series_id || '/' || season_number AS key, (xmax = 0) AS inserted
          `.pipe(Effect.flatMap(decodeKeys), Effect.map(toUpserted), wrapSql("content.upsertSeasons")),
        upsertEpisodes: (episodes) =>
          episodes.length === 0 ? Effect.succeed(empty) : sql`
            INSERT INTO episodes (id, series_id, season_id, season_number, episode_key, episode_number, absolute_number, air_date, title)
            SELECT x.id, x.series_id, x.season_id, x.season_number, x.episode_key, x.episode_number, x.absolute_number, x.air_date, x.title
            FROM jsonb_to_recordset(${jsonb(episodes.map((e) => ({
              id: e.id, series_id: e.seriesId, season_id: e.seasonId, season_number: e.seasonNumber, episode_key: e.episodeKey,
              episode_number: e.episodeNumber, absolute_number: e.absoluteNumber, air_date: e.airDate, title: e.title
            })))}::jsonb) AS x(id uuid, series_id uuid, season_id uuid, season_number int, episode_key text, episode_number int,
                      absolute_number int, air_date date, title text)
            ON CONFLICT (season_id, episode_key) DO UPDATE SET
              absolute_number = coalesce(EXCLUDED.absolute_number, episodes.absolute_number),
              title = coalesce(episodes.title, EXCLUDED.title)
            RETURNING id, season_id || '/' || episode_key AS key, (xmax = 0) AS inserted
          `.pipe(Effect.flatMap(decodeKeys), Effect.map(toUpserted), wrapSql("content.upsertEpisodes")),
        upsertFiles: (libraryId, files) =>
          files.length === 0 ? Effect.succeed(empty) : sql`
            INSERT INTO media_files (id, library_id, path, size_bytes, mtime_ms, match_state, match_error, movie_id, part, version)
            SELECT x.id, ${libraryId}, x.path, x.size_bytes, x.mtime_ms, x.match_state, x.match_error, x.movie_id, x.part, x.version
            FROM jsonb_to_recordset(${jsonb(files.map((f) => ({
              id: f.id, path: f.path, size_bytes: f.size, mtime_ms: f.mtimeMs, match_state: f.matched ? "matched" : "unmatched",
              match_error: f.matchError, movie_id: f.movieId, part: f.part, version: f.version
            })))}::jsonb) AS x(id uuid, path text, size_bytes bigint, mtime_ms bigint, match_state text, match_error text,
                      movie_id uuid, part int, version text)
            ON CONFLICT (library_id, path) DO UPDATE SET
              size_bytes = EXCLUDED.size_bytes, mtime_ms = EXCLUDED.mtime_ms, state = 'present', missing_since = NULL,
              match_state = EXCLUDED.match_state, match_error = EXCLUDED.match_error, movie_id = EXCLUDED.movie_id,
              part = EXCLUDED.part, version = EXCLUDED.version, updated_at = now()
            RETURNING id, path AS key, (xmax = 0) AS inserted
          `.pipe(Effect.flatMap(decodeKeys), Effect.map(toUpserted), wrapSql("content.upsertFiles")),
        linkEpisodes: (links, fileIds) =>
          Effect.gen(function* () {
            if (fileIds.length > 0) {
              yield* sql`
                DELETE FROM media_file_episodes
                WHERE media_file_id IN (SELECT jsonb_array_elements_text(${jsonb(fileIds)}::jsonb)::uuid)
              `
            }
            if (links.length > 0) {
              yield* sql`
                INSERT INTO media_file_episodes (media_file_id, episode_id)
                SELECT x.file_id, x.episode_id
                FROM jsonb_to_recordset(${jsonb(links.map((l) => ({ file_id: l.fileId, episode_id: l.episodeId })))}::jsonb)
                  AS x(file_id uuid, episode_id uuid)
                ON CONFLICT DO NOTHING
              `
            }
          }).pipe(wrapSql("content.linkEpisodes")),
        absoluteNumbers: (seriesIds) =>
          seriesIds.length === 0 ? Effect.succeed(new Map()) : sql`
            SELECT series_id, absolute_number, season_number, episode_number FROM series_absolute_numbers
            WHERE series_id IN (SELECT jsonb_array_elements_text(${jsonb(seriesIds)}::jsonb)::uuid)
          `.pipe(
            Effect.flatMap(decodeAbsolute),
            Effect.map((rows) => {
              const bySeries = new Map<string, Map<number, AbsolutePlace>>()
              for (const r of rows) {
                const places = bySeries.get(r.series_id) ?? new Map<number, AbsolutePlace>()
                bySeries.set(r.series_id, places.set(r.absolute_number, { season: r.season_number, episode: r.episode_number }))
              }
              return bySeries
            }),
            wrapSql("content.absoluteNumbers")
          ),
        markMissing: (fileIds) =>
          fileIds.length === 0 ? Effect.void : sql`
            UPDATE media_files SET state = 'missing', missing_since = now(), updated_at = now()
            WHERE id IN (SELECT jsonb_array_elements_text(${jsonb(fileIds)}::jsonb)::uuid) AND state = 'present'
          `.pipe(Effect.asVoid, wrapSql("content.markMissing")),
        cleanUp: (libraryId, graceSeconds) =>
          Effect.gen(function* () {
            const files = yield* sql`
              DELETE FROM media_files WHERE library_id = ${libraryId} AND state = 'missing'
                AND missing_since < now() - make_interval(secs => ${graceSeconds})
              RETURNING id
            `
            const movies = yield* sql`
              DELETE FROM movies m WHERE m.library_id = ${libraryId}
                AND NOT EXISTS (SELECT 1 FROM media_files f WHERE f.movie_id = m.id) RETURNING id
            `
            const episodes = yield* sql`
              DELETE FROM episodes e USING series s WHERE e.series_id = s.id AND s.library_id = ${libraryId}
                AND NOT EXISTS (SELECT 1 FROM media_file_episodes l WHERE l.episode_id = e.id) RETURNING e.id
            `
            yield* sql`
              DELETE FROM seasons se USING series s WHERE se.series_id = s.id AND s.library_id = ${libraryId}
                AND NOT EXISTS (SELECT 1 FROM episodes e WHERE e.season_id = se.id)
            `
            const series = yield* sql`
              DELETE FROM series s WHERE s.library_id = ${libraryId}
                AND NOT EXISTS (SELECT 1 FROM seasons se WHERE se.series_id = s.id) RETURNING id
            `
            return { files: files.length, items: movies.length + episodes.length + series.length }
          }).pipe(wrapSql("content.cleanUp"))
      }
    })
  )
}

const empty: Upserted = { ids: new Map(), inserted: 0, insertedKeys: new Set() }
