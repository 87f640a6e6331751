/**
 * Metadata writes on library items: movies, series, seasons and episodes, with their genres,
 * studios/networks and collections. A field named in `locked_fields` (an admin's edit) is kept: the
 * check is in the UPDATE itself, so an edit racing a refresh is never lost.
 */
import { PgClient } from "@effect/sql-pg"
import {
  type DatabaseError,
  EpisodeId,
  type MatchCandidate,
  type MetadataEpisode,
  type MetadataMovie,
  type MetadataSeason,
  type MetadataSeries,
  MovieId,
  type NamedRef,
  SeasonId,
  SeriesId,
  type MetadataState
} from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { randomUUID } from "node:crypto"
import { decodeRows, firstRow, jsonb, optionalRow as first, wrapSql } from "../db/Sql.js"

const Item = Schema.Struct({
  id: Schema.String,
  library_id: Schema.String,
  title: Schema.String,
  year: Schema.NullOr(Schema.Number),
  tmdb_id: Schema.NullOr(Schema.String),
  imdb_id: Schema.NullOr(Schema.String),
  metadata_state: Schema.String,
  language: Schema.String,
  country: Schema.String
})
export type Item = typeof Item.Type
const decodeItems = decodeRows(Item)

const SeasonItem = Schema.Struct({
  id: Schema.String,
  series_id: Schema.String,
  season_number: Schema.Number,
  series_tmdb_id: Schema.NullOr(Schema.String),
  library_id: Schema.String,
  language: Schema.String
})
export type SeasonItem = typeof SeasonItem.Type
const decodeSeasons = decodeRows(SeasonItem)

const EpisodeItem = Schema.Struct({
  ...SeasonItem.fields,
  season_id: Schema.String,
  episode_number: Schema.NullOr(Schema.Number)
})
export type EpisodeItem = typeof EpisodeItem.Type
const decodeEpisodes = decodeRows(EpisodeItem)

const Id = Schema.Struct({ id: Schema.String })
const decodeIds = decodeRows(Id)
/** Ids of one table, branded (they go into job payloads). */
const idsOf = <A extends string>(id: Schema.Schema<A, string>) => {
  const decode = decodeRows(Schema.Struct({ id }))
  return (rows: ReadonlyArray<unknown>) => Effect.map(decode(rows), (decoded) => decoded.map((r) => r.id))
}
const movieIds = idsOf(MovieId)
const seriesIds = idsOf(SeriesId)
const seasonIds = idsOf(SeasonId)
const episodeIds = idsOf(EpisodeId)

export type ItemKind = "movie" | "series"
export type ImageOwner = ItemKind | "season" | "episode"
const Paths = Schema.Struct({ path: Schema.NullOr(Schema.String) })
const decodePaths = decodeRows(Paths)

const asInt = (n: number | null) => (n === null ? null : Math.round(n))

/** The certification of the library's country, else the US one, else any. */
export const certificationFor = (certifications: MetadataMovie["certifications"], country: string): string | null =>
  (certifications.find((c) => c.country === country) ?? certifications.find((c) => c.country === "US") ?? certifications[0])?.rating ?? null

export class ItemsRepo extends Context.Tag("@mediaserver/metadata/ItemsRepo")<
  ItemsRepo,
  {
    readonly movie: (id: string) => Effect.Effect<Option.Option<Item>, DatabaseError>
    readonly series: (id: string) => Effect.Effect<Option.Option<Item>, DatabaseError>
    readonly season: (id: string) => Effect.Effect<Option.Option<SeasonItem>, DatabaseError>
    readonly episode: (id: string) => Effect.Effect<Option.Option<EpisodeItem>, DatabaseError>
    /**
     * A library's movies and series still waiting for metadata, and the new numbered episodes of series
     * already filled (a later scan found them; their series is not refreshed again).
     */
    readonly pending: (libraryId: string) => Effect.Effect<{
      readonly movies: ReadonlyArray<MovieId>
      readonly series: ReadonlyArray<SeriesId>
      readonly episodes: ReadonlyArray<EpisodeId>
    }, DatabaseError>
    readonly seasonsOf: (seriesId: string) => Effect.Effect<ReadonlyArray<SeasonId>, DatabaseError>
    readonly setMatch: (kind: ItemKind, id: string, tmdbId: string) => Effect.Effect<void, DatabaseError>
    readonly setState: (kind: ItemKind, id: string, state: MetadataState, candidates: ReadonlyArray<MatchCandidate> | null) => Effect.Effect<void, DatabaseError>
    readonly writeMovie: (item: Item, movie: MetadataMovie, collectionId: string | null) => Effect.Effect<void, DatabaseError>
    readonly writeSeries: (item: Item, series: MetadataSeries) => Effect.Effect<void, DatabaseError>
    readonly writeSeason: (seasonId: string, season: MetadataSeason) => Effect.Effect<void, DatabaseError>
    /** Fills the season's episodes by number; the ids of those written, by episode number. */
    readonly writeEpisodes: (seasonId: string, episodes: ReadonlyArray<MetadataEpisode>) => Effect.Effect<ReadonlyMap<number, string>, DatabaseError>
    readonly upsertCollection: (collection: NonNullable<MetadataMovie["collection"]>) => Effect.Effect<string, DatabaseError>
    /** Image paths an item shows (posters, backdrops, logos, stills), for downloading. */
    readonly imagePaths: (kind: ImageOwner, id: string) => Effect.Effect<ReadonlyArray<string>, DatabaseError>
    readonly episodesOf: (seasonId: string) => Effect.Effect<ReadonlyArray<string>, DatabaseError>
    readonly linkGenres: (kind: ItemKind, id: string, genres: ReadonlyArray<NamedRef>) => Effect.Effect<void, DatabaseError>
    readonly linkCompanies: (kind: ItemKind, id: string, companies: ReadonlyArray<NamedRef>) => Effect.Effect<void, DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    ItemsRepo,
    Effect.gen(function* () {
      const sql = yield* PgClient.PgClient
      const item = (table: "movies" | "series") => (id: string) =>
        sql`
          SELECT i.id, i.library_id, i.title, i.year, i.tmdb_id, i.imdb_id, i.metadata_state, l.language, l.country
          FROM ${sql(table)} i JOIN libraries l ON l.id = i.library_id WHERE i.id = ${id}
        `.pipe(Effect.flatMap(decodeItems), Effect.map(first), wrapSql(`metadata.${table}`))
      const table = (kind: ItemKind) => sql(kind === "movie" ? "movies" : "series")

      const locked = (field: string, column: string, value: unknown) =>
        sql`${sql(column)} = CASE WHEN ${field} = ANY(locked_fields) THEN ${sql(column)} ELSE ${value} END`

      // Fields both movies and series have (the editable ones honour locks).
      const titled = (item: Item, m: MetadataMovie | MetadataSeries) => [
        locked("title", "title", m.title),
        sql`sort_title = CASE WHEN 'sortTitle' = ANY(locked_fields) OR 'title' = ANY(locked_fields) THEN sort_title ELSE lower(${m.title}) END`,
        locked("originalTitle", "original_title", m.originalTitle),
        sql`alternative_titles = ARRAY(SELECT jsonb_array_elements_text(${jsonb(m.alternativeTitles)}::jsonb))`,
        locked("overview", "overview", m.overview),
        locked("tagline", "tagline", m.tagline),
        locked("certification", "certification", certificationFor(m.certifications, item.country)),
        sql`original_language = ${m.originalLanguage}`,
        sql`rating = ${m.rating}`,
        sql`ratings = ${jsonb(m.ratings)}::jsonb`,
        sql`awards = ${m.awards}`,
        sql`vote_count = ${asInt(m.voteCount)}`,
        sql`popularity = ${m.popularity}`,
        sql`status = ${m.status}`,
        sql`homepage = ${m.homepage}`,
        sql`poster_path = ${m.posterPath}`,
        sql`backdrop_path = ${m.backdropPath}`,
        sql`logo_path = ${m.logoPath}`,
        sql`tmdb_id = ${m.id}`,
        sql`imdb_id = coalesce(${m.externalIds.imdb}, imdb_id)`,
        sql`match_candidates = NULL`,
        sql`metadata_state = 'ready'`,
        sql`metadata_updated_at = now()`,
        sql`updated_at = now()`
      ]

      const link = (kind: ItemKind, id: string, refs: ReadonlyArray<NamedRef>, what: "genres" | "companies") =>
        Effect.gen(function* () {
          const links = sql(what === "genres" ? (kind === "movie" ? "movie_genres" : "series_genres") : kind === "movie" ? "movie_studios" : "series_networks")
          const owner = sql(kind === "movie" ? "movie_id" : "series_id")
          yield* sql`DELETE FROM ${links} WHERE ${owner} = ${id}`
          if (refs.length === 0) return
          // Sorted: concurrent refreshes lock shared genres and companies in one order (no deadlock).
          const rows = jsonb(refs.map((r, position) => ({
            id: randomUUID(), tmdb_id: Number(r.id), name: r.name, logo_path: r.logoPath, origin_country: r.originCountry, position
          })).sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase())))
          if (what === "genres") {
            const genres = yield* sql`
              INSERT INTO genres (id, name, tmdb_id)
              SELECT x.id, x.name, x.tmdb_id FROM jsonb_to_recordset(${rows}::jsonb) AS x(id uuid, name text, tmdb_id int)
              ON CONFLICT ((lower(name))) DO UPDATE SET tmdb_id = coalesce(genres.tmdb_id, EXCLUDED.tmdb_id)
              RETURNING id
            `.pipe(Effect.flatMap(decodeIds))
            yield* sql`INSERT INTO ${links} (${owner}, genre_id) SELECT ${id}, x.id FROM jsonb_to_recordset(${jsonb(genres)}::jsonb) AS x(id uuid) ON CONFLICT DO NOTHING`
            return
          }
          const companyKind = kind === "movie" ? "studio" : "network"
          yield* sql`
            INSERT INTO companies (id, kind, tmdb_id, name, logo_path, origin_country)
            SELECT x.id, ${companyKind}, x.tmdb_id, x.name, x.logo_path, x.origin_country
            FROM jsonb_to_recordset(${rows}::jsonb) AS x(id uuid, tmdb_id int, name text, logo_path text, origin_country text)
            ON CONFLICT (kind, tmdb_id) WHERE tmdb_id IS NOT NULL
            DO UPDATE SET name = EXCLUDED.name, logo_path = EXCLUDED.logo_path, origin_country = EXCLUDED.origin_country
          `
          yield* sql`
            INSERT INTO ${links} (${owner}, company_id, position)
            SELECT ${id}, c.id, x.position FROM jsonb_to_recordset(${rows}::jsonb) AS x(tmdb_id int, position int)
            JOIN companies c ON c.kind = ${companyKind} AND c.tmdb_id = x.tmdb_id
            ON CONFLICT DO NOTHING
          `
        }).pipe(wrapSql(`metadata.link.${what}`))

      return {
        movie: item("movies"),
        series: item("series"),
        season: (id) =>
          sql`
            SELECT s.id, s.series_id, s.season_number, sr.tmdb_id AS series_tmdb_id, sr.library_id, l.language
            FROM seasons s JOIN series sr ON sr.id = s.series_id JOIN libraries l ON l.id = sr.library_id WHERE s.id = ${id}
          `.pipe(Effect.flatMap(decodeSeasons), Effect.map(first), wrapSql("metadata.season")),
        episode: (id) =>
          sql`
            SELECT e.id, e.series_id, e.season_id, e.season_number, e.episode_number, sr.tmdb_id AS series_tmdb_id, sr.library_id, l.language
            FROM episodes e JOIN series sr ON sr.id = e.series_id JOIN libraries l ON l.id = sr.library_id WHERE e.id = ${id}
          `.pipe(Effect.flatMap(decodeEpisodes), Effect.map(first), wrapSql("metadata.episode")),
        pending: (libraryId) =>
          Effect.all({
            movies: sql`SELECT id FROM movies WHERE library_id = ${libraryId} AND metadata_state = 'pending' ORDER BY added_at`.pipe(Effect.flatMap(movieIds)),
            series: sql`SELECT id FROM series WHERE library_id = ${libraryId} AND metadata_state = 'pending' ORDER BY added_at`.pipe(Effect.flatMap(seriesIds)),
            episodes: sql`
              SELECT e.id FROM episodes e JOIN series s ON s.id = e.series_id
              WHERE s.library_id = ${libraryId} AND s.metadata_state = 'ready' AND e.metadata_state = 'pending' AND e.episode_number IS NOT NULL
              ORDER BY e.added_at
            `.pipe(Effect.flatMap(episodeIds))
          }).pipe(wrapSql("metadata.pending")),
        seasonsOf: (seriesId) =>
          sql`SELECT id FROM seasons WHERE series_id = ${seriesId} ORDER BY season_number`.pipe(
            Effect.flatMap(seasonIds), wrapSql("metadata.seasonsOf")),
        setMatch: (kind, id, tmdbId) =>
          sql`UPDATE ${table(kind)} SET tmdb_id = ${tmdbId}, match_candidates = NULL, metadata_state = 'pending', updated_at = now() WHERE id = ${id}`.pipe(
            Effect.asVoid, wrapSql("metadata.setMatch")),
        setState: (kind, id, state, candidates) =>
          sql`
            UPDATE ${table(kind)} SET metadata_state = ${state}, match_candidates = ${candidates === null ? null : jsonb(candidates)}::jsonb,
              metadata_updated_at = now() WHERE id = ${id}
          `.pipe(Effect.asVoid, wrapSql("metadata.setState")),
        writeMovie: (item, m, collectionId) =>
          sql`
            UPDATE movies SET ${sql.csv(titled(item, m))},
              release_date = ${m.releaseDate}::date, runtime_minutes = ${asInt(m.runtimeMinutes)},
              budget = ${asInt(m.budget)}, revenue = ${asInt(m.revenue)}, collection_id = ${collectionId},
              year = coalesce(year, extract(year FROM ${m.releaseDate}::date)::int)
            WHERE id = ${item.id}
          `.pipe(Effect.asVoid, wrapSql("metadata.writeMovie")),
        writeSeries: (item, s) =>
          sql`
            UPDATE series SET ${sql.csv(titled(item, s))},
              first_air_date = ${s.firstAirDate}::date, last_air_date = ${s.lastAirDate}::date,
              episode_runtime_minutes = ${asInt(s.episodeRuntimeMinutes)}, tvdb_id = coalesce(${s.externalIds.tvdb}, tvdb_id),
              year = coalesce(year, extract(year FROM ${s.firstAirDate}::date)::int)
            WHERE id = ${item.id}
          `.pipe(Effect.asVoid, wrapSql("metadata.writeSeries")),
        writeSeason: (seasonId, s) =>
          sql`
            UPDATE seasons SET tmdb_id = ${s.id}, ${locked("title", "name", s.name)}, ${locked("overview", "overview", s.overview)},
              air_date = ${s.airDate}::date, poster_path = ${s.posterPath}
            WHERE id = ${seasonId}
          `.pipe(Effect.asVoid, wrapSql("metadata.writeSeason")),
        writeEpisodes: (seasonId, episodes) =>
          sql`
            UPDATE episodes e SET tmdb_id = x.tmdb_id,
              title = CASE WHEN 'title' = ANY(e.locked_fields) THEN e.title ELSE coalesce(x.title, e.title) END,
              overview = CASE WHEN 'overview' = ANY(e.locked_fields) THEN e.overview ELSE x.overview END,
              air_date = coalesce(x.air_date, e.air_date), runtime_minutes = x.runtime_minutes, rating = x.rating,
              vote_count = x.vote_count, still_path = x.still_path, metadata_state = 'ready'
            FROM jsonb_to_recordset(${jsonb(episodes.map((e) => ({
              tmdb_id: e.id, episode_number: e.episodeNumber, title: e.title, overview: e.overview, air_date: e.airDate,
              runtime_minutes: asInt(e.runtimeMinutes), rating: e.rating, vote_count: asInt(e.voteCount), still_path: e.stillPath
            })))}::jsonb) AS x(tmdb_id text, episode_number int, title text, overview text, air_date date, runtime_minutes int,
              rating double precision, vote_count int, still_path text)
            WHERE e.season_id = ${seasonId} AND e.episode_number = x.episode_number
            RETURNING e.id, e.episode_number
          `.pipe(
            Effect.flatMap(decodeRows(Schema.Struct({ id: Schema.String, episode_number: Schema.Number }))),
            Effect.map((rows) => new Map(rows.map((r) => [r.episode_number, r.id]))),
            wrapSql("metadata.writeEpisodes")
          ),
        upsertCollection: (c) =>
          sql`
            INSERT INTO collections (id, tmdb_id, name, poster_path, backdrop_path)
            VALUES (${randomUUID()}, ${c.id}, ${c.name}, ${c.posterPath}, ${c.backdropPath})
            ON CONFLICT (tmdb_id) DO UPDATE SET name = EXCLUDED.name, poster_path = EXCLUDED.poster_path,
              backdrop_path = EXCLUDED.backdrop_path, updated_at = now()
            RETURNING id
          `.pipe(
            Effect.flatMap(decodeIds),
            Effect.flatMap(firstRow("metadata.upsertCollection")),
            Effect.map((r) => r.id),
            wrapSql("metadata.upsertCollection")
          ),
        imagePaths: (kind, id) => {
          const query = kind === "movie"
            ? sql`SELECT unnest(ARRAY[m.poster_path, m.backdrop_path, m.logo_path, c.poster_path, c.backdrop_path]) AS path
                FROM movies m LEFT JOIN collections c ON c.id = m.collection_id WHERE m.id = ${id}`
            : kind === "series"
            ? sql`SELECT unnest(ARRAY[poster_path, backdrop_path, logo_path]) AS path FROM series WHERE id = ${id}`
            : kind === "season"
            ? sql`SELECT poster_path AS path FROM seasons WHERE id = ${id} UNION ALL SELECT still_path FROM episodes WHERE season_id = ${id}`
            : sql`SELECT still_path AS path FROM episodes WHERE id = ${id}`
          return query.pipe(
            Effect.flatMap(decodePaths),
            Effect.map((rows) => rows.flatMap((r) => (r.path === null ? [] : [r.path]))),
            wrapSql("metadata.imagePaths")
          )
        },
        episodesOf: (seasonId) =>
          sql`SELECT id FROM episodes WHERE season_id = ${seasonId}`.pipe(
            Effect.flatMap(decodeIds), Effect.map((rows) => rows.map((r) => r.id)), wrapSql("metadata.episodesOf")),
        linkGenres: (kind, id, genres) => link(kind, id, genres, "genres"),
        linkCompanies: (kind, id, companies) => link(kind, id, companies, "companies")
      }
    })
  )
}
