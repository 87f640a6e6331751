/**
 * Series, seasons and episodes as users browse them. A series' details (with its seasons) and its
 * episode list are cached per series, tagged `series:<id>`; an episode's details (guest stars, crew,
 * files) and the season -> series lookup are cached per id and dropped with every content change
 * (ContentCache), since their keys cannot name their series.
 */
import { PgClient } from "@effect/sql-pg"
import {
  type BadRequest,
  type DatabaseError,
  Episode,
  EpisodeDetails,
  type EpisodeId,
  EpisodePage,
  type ListQuery,
  type NotFound,
  type Principal,
  type Season,
  type SeasonId,
  SeriesDetails,
  SeriesId,
  SeriesPage,
  SeriesSummary
} from "@mediaserver/domain"
import { Array as Arr, Context, Effect, Layer, Option, Schema } from "effect"
import { CacheAside } from "../cache/index.js"
import { decodeRows, wrapSql } from "../db/Sql.js"
import { LibraryAccess } from "../library/LibraryAccess.js"
import { seriesTag } from "./ContentCache.js"
import * as J from "./ContentJson.js"
import { accessFilter, makeLister } from "./Listing.js"
import { accessKey, countedPage, decodeJson, first, notFound, type Paging, pagingOf, visibleTo } from "./Query.js"

const seriesDetails = `(${J.seriesSummary})::jsonb || jsonb_build_object(
  'originalTitle', s.original_title, 'originalLanguage', s.original_language, 'overview', s.overview,
  'tagline', s.tagline, 'lastAirDate', s.last_air_date::text, 'episodeRuntimeMinutes', s.episode_runtime_minutes,
  'voteCount', s.vote_count, 'tmdbId', s.tmdb_id, 'imdbId', s.imdb_id, 'tvdbId', s.tvdb_id, 'logoPath', s.logo_path,
  'genres', ${J.genresOf("series_genres", "series_id", "s.id")},
  'networks', ${J.list(J.company, "FROM series_networks j JOIN companies co ON co.id = j.company_id WHERE j.series_id = s.id", "j.position")},
  'cast', ${J.castOf("series_id", "s.id")},
  'crew', ${J.crewOf("series_id", "s.id")},
  'seasons', ${J.list(J.season, "FROM seasons se WHERE se.series_id = s.id", "se.season_number")})`

const episodeDetails = `(${J.episode})::jsonb || jsonb_build_object(
  'libraryId', s.library_id,
  'guestStars', ${J.castOf("episode_id", "e.id", "guest")},
  'crew', ${J.crewOf("episode_id", "e.id")},
  'files', ${J.list(J.mediaFile, "FROM media_file_episodes x JOIN media_files f ON f.id = x.media_file_id WHERE x.episode_id = e.id", "f.path")})`

const EPISODE_ORDER = "e.season_number, e.episode_number NULLS LAST, e.air_date NULLS LAST, e.episode_key"

const SeasonRef = Schema.Struct({ series_id: SeriesId })

export type Dated = "recent" | "upcoming"

export class Series extends Context.Tag("@mediaserver/content/Series")<
  Series,
  {
    readonly list: (user: Principal, query: ListQuery) => Effect.Effect<SeriesPage, BadRequest | DatabaseError>
    readonly get: (user: Principal, id: SeriesId) => Effect.Effect<SeriesDetails, NotFound | DatabaseError>
    readonly episodes: (user: Principal, id: SeriesId) => Effect.Effect<ReadonlyArray<Episode>, NotFound | DatabaseError>
    readonly season: (user: Principal, id: SeasonId) => Effect.Effect<Season, NotFound | DatabaseError>
    readonly seasonEpisodes: (user: Principal, id: SeasonId) => Effect.Effect<ReadonlyArray<Episode>, NotFound | DatabaseError>
    readonly episode: (user: Principal, id: EpisodeId) => Effect.Effect<EpisodeDetails, NotFound | DatabaseError>
    /** Episodes aired in the last `days` (newest first) or airing in the next `days` (soonest first). */
    readonly dated: (user: Principal, which: Dated, days: number, paging: Paging) => Effect.Effect<EpisodePage, DatabaseError>
  }
>() {
  static readonly layer = Layer.scoped(
    Series,
    Effect.gen(function* () {
      const sql = yield* PgClient.PgClient
      const access = yield* LibraryAccess
      const details = yield* CacheAside.make({
        namespace: "content-series",
        schema: SeriesDetails,
        ttl: { l1: "1 minute", l2: "10 minutes" },
        tags: (id: SeriesId) => [seriesTag(id)]
      })
      const episodeLists = yield* CacheAside.make({
        namespace: "content-series-episodes",
        schema: Schema.Array(Episode),
        ttl: { l1: "1 minute", l2: "10 minutes" },
        tags: (id: SeriesId) => [seriesTag(id)]
      })
      const list = yield* makeLister({
        namespace: "content-series-lists",
        table: "series",
        shape: J.seriesSummary,
        schema: SeriesSummary,
        pageSchema: SeriesPage,
        toPage: (page) => new SeriesPage(page)
      })
      const seasonRefs = yield* CacheAside.make({
        namespace: "content-season-ref",
        schema: SeriesId,
        ttl: { l1: "10 minutes", l2: "1 hour" }
      })
      const episodeCache = yield* CacheAside.make({
        namespace: "content-episode",
        schema: EpisodeDetails,
        ttl: { l1: "1 minute", l2: "10 minutes" }
      })
      const datedCache = yield* CacheAside.make({
        namespace: "content-episodes-dated",
        schema: EpisodePage,
        ttl: { l1: "1 minute", l2: "5 minutes" },
        key: (k: { readonly access: string; readonly which: Dated; readonly days: number; readonly limit: number; readonly offset: number }) =>
          JSON.stringify(k)
      })

      const get = (user: Principal, id: SeriesId) =>
        details.getOption(
          id,
          sql`SELECT ${sql.literal(seriesDetails)} AS j FROM series s WHERE s.id = ${id}`.pipe(
            decodeJson(SeriesDetails, "series.get"),
            Effect.map(first)
          )
        ).pipe(
          Effect.flatMap(Option.match({
            onNone: () => Effect.fail(notFound("series", id)),
            onSome: visibleTo(access, user, "series", id)
          }))
        )

      const episodes = (user: Principal, id: SeriesId) =>
        Effect.zipRight(
          get(user, id),
          episodeLists.get(
            id,
            sql`SELECT ${sql.literal(J.episode)} AS j FROM episodes e JOIN series s ON s.id = e.series_id
                WHERE e.series_id = ${id} ORDER BY ${sql.literal(EPISODE_ORDER)}`.pipe(decodeJson(Episode, "series.episodes"))
          )
        )

      const seriesOfSeason = (id: SeasonId) =>
        seasonRefs.getOption(
          id,
          sql`SELECT series_id FROM seasons WHERE id = ${id}`.pipe(
            Effect.flatMap(decodeRows(SeasonRef)),
            Effect.map((rows) => Option.map(first(rows), (r) => r.series_id)),
            wrapSql("series.seasonRef")
          )
        ).pipe(Effect.flatMap(Option.match({ onNone: () => Effect.fail(notFound("season", id)), onSome: Effect.succeed })))

      const season = (user: Principal, id: SeasonId) =>
        seriesOfSeason(id).pipe(
          Effect.flatMap((seriesId) => get(user, seriesId)),
          Effect.flatMap((series) =>
            Option.match(Arr.findFirst(series.seasons, (s) => s.id === id), {
              onNone: () => Effect.fail(notFound("season", id)),
              onSome: Effect.succeed
            }))
        )

      const episode = (user: Principal, id: EpisodeId) =>
        episodeCache.getOption(
          id,
          sql`SELECT ${sql.literal(episodeDetails)} AS j FROM episodes e JOIN series s ON s.id = e.series_id WHERE e.id = ${id}`.pipe(
            decodeJson(EpisodeDetails, "series.episode"),
            Effect.map(first)
          )
        ).pipe(
          Effect.flatMap(Option.match({
            onNone: () => Effect.fail(notFound("episode", id)),
            onSome: visibleTo(access, user, "episode", id)
          }))
        )

      const dated = (user: Principal, which: Dated, days: number, paging: Paging) =>
        Effect.flatMap(access.accessible(user), (accessible) => {
          const window = which === "recent"
            ? sql`e.air_date BETWEEN current_date - ${days}::int AND current_date`
            : sql`e.air_date > current_date AND e.air_date <= current_date + ${days}::int`
          return datedCache.get(
            { access: accessKey(accessible), which, days, ...pagingOf(paging) },
            countedPage(sql, {
              shape: J.episode,
              from: "episodes e JOIN series s ON s.id = e.series_id",
              where: sql.and([accessFilter(sql, "s.library_id", accessible), window]),
              order: `e.air_date ${which === "recent" ? "DESC" : "ASC"}, s.sort_title, e.season_number, e.episode_number`,
              schema: Episode,
              paging,
              operation: "series.dated"
            }).pipe(Effect.map((page) => new EpisodePage(page)))
          )
        })

      return {
        list,
        get,
        episodes,
        season,
        seasonEpisodes: (user, id) =>
          Effect.flatMap(seriesOfSeason(id), (seriesId) =>
            Effect.map(episodes(user, seriesId), (all) => all.filter((e) => e.seasonId === id))),
        episode,
        dated
      }
    })
  )
}
