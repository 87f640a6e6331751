/**
 * What a user's watch state says across the catalogue: continue watching, history, stats, the next
 * episode of a series. Answers are cached per user (and access set), tagged `watch:<user>`, so a
 * progress write on any node drops exactly that user's answers everywhere (UserProgress).
 */
import { PgClient } from "@effect/sql-pg"
import {
  ContinueEpisode,
  ContinueMovie,
  type DatabaseError,
  Episode,
  HistoryPage,
  HistoryEntry,
  MovieStats,
  NextEpisode,
  type NotFound,
  type Principal,
  type SeriesId,
  SeriesWatchStats,
  TvStats
} from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { CacheAside } from "../cache/index.js"
import { type Accessible, LibraryAccess } from "../library/LibraryAccess.js"
import * as J from "./ContentJson.js"
import { accessFilter } from "./Listing.js"
import { accessKey, countedPage, decodeJson, first, type Paging, pagingOf } from "./Query.js"
import { Series } from "./Series.js"
import { watchTag, UserProgress } from "./UserProgress.js"

const progress = `json_build_object(
  'item', CASE WHEN w.movie_id IS NOT NULL THEN json_build_object('_tag', 'movie', 'id', w.movie_id)
               ELSE json_build_object('_tag', 'episode', 'id', w.episode_id) END,
  'positionSeconds', w.position_seconds, 'durationSeconds', w.duration_seconds,
  'percent', CASE WHEN w.duration_seconds > 0 THEN least(100, w.position_seconds / w.duration_seconds * 100) ELSE 0 END,
  'watched', w.watched, 'playCount', w.play_count,
  'lastWatchedAt', iso_utc(w.last_watched_at), 'updatedAt', iso_utc(w.updated_at))`

const historyEntry = `json_build_object(
  'kind', CASE WHEN h.movie_id IS NOT NULL THEN 'movie' ELSE 'episode' END,
  'movie', CASE WHEN h.movie_id IS NOT NULL THEN ${J.movieSummary} END,
  'episode', CASE WHEN h.episode_id IS NOT NULL THEN ${J.episode} END,
  'watchedAt', iso_utc(h.watched_at))`

export type HistoryKind = "movie" | "episode" | "all"

/** Every per-user answer is keyed by user and access set, plus what narrows it. */
interface WatchKey {
  readonly user: string
  readonly access: string
  readonly limit?: number
  readonly offset?: number
  readonly kind?: HistoryKind
  readonly series?: string
}

export class Watching extends Context.Tag("@mediaserver/content/Watching")<
  Watching,
  {
    readonly continueMovies: (user: Principal, paging: Paging) => Effect.Effect<ReadonlyArray<ContinueMovie>, DatabaseError>
    readonly continueEpisodes: (user: Principal, paging: Paging) => Effect.Effect<ReadonlyArray<ContinueEpisode>, DatabaseError>
    readonly history: (user: Principal, kind: HistoryKind, paging: Paging) => Effect.Effect<HistoryPage, DatabaseError>
    readonly movieStats: (user: Principal) => Effect.Effect<MovieStats, DatabaseError>
    readonly tvStats: (user: Principal) => Effect.Effect<TvStats, DatabaseError>
    readonly seriesStats: (user: Principal, id: SeriesId) => Effect.Effect<SeriesWatchStats, NotFound | DatabaseError>
    /** The first unwatched episode after the furthest watched one (specials excluded). */
    readonly nextEpisode: (user: Principal, id: SeriesId) => Effect.Effect<NextEpisode, NotFound | DatabaseError>
    /** nextEpisode of every series watched lately that has no episode in progress (that one is "continue watching"). */
    readonly nextUp: (user: Principal, paging: Paging) => Effect.Effect<ReadonlyArray<Episode>, DatabaseError>
  }
>() {
  static readonly layer = Layer.scoped(
    Watching,
    Effect.gen(function* () {
      const sql = yield* PgClient.PgClient
      const access = yield* LibraryAccess
      const series = yield* Series
      const threshold = (yield* UserProgress).thresholdPercent
      const cache = <A, I>(namespace: string, schema: Schema.Schema<A, I>) =>
        CacheAside.make({
          namespace,
          schema,
          ttl: { l1: "30 seconds", l2: "10 minutes" },
          key: (k: WatchKey) => JSON.stringify(k),
          tags: (k) => [watchTag(k.user)]
        })
      const continueMoviesCache = yield* cache("watch-continue-movies", Schema.Array(ContinueMovie))
      const continueEpisodesCache = yield* cache("watch-continue-episodes", Schema.Array(ContinueEpisode))
      const historyCache = yield* cache("watch-history", HistoryPage)
      const movieStatsCache = yield* cache("watch-movie-stats", MovieStats)
      const tvStatsCache = yield* cache("watch-tv-stats", TvStats)
      const seriesStatsCache = yield* cache("watch-series-stats", SeriesWatchStats)
      const nextCache = yield* cache("watch-next", NextEpisode)
      const nextUpCache = yield* cache("watch-next-up", Schema.Array(Episode))

      const inProgress = sql.literal(
        `w.position_seconds > 0 AND (w.duration_seconds IS NULL OR w.position_seconds < w.duration_seconds * ${threshold} / 100.0)`
      )
      const withAccess = <A, E>(user: Principal, f: (accessible: Accessible, key: WatchKey) => Effect.Effect<A, E>) =>
        Effect.flatMap(access.accessible(user), (accessible) => f(accessible, { user: user.userId, access: accessKey(accessible) }))

      // Items with a resume position short of the threshold, most recently played first.
      const continuing = <A, I>(
        cached: CacheAside.CacheAside<WatchKey, ReadonlyArray<A>>,
        item: { readonly name: string; readonly shape: string; readonly join: string; readonly library: string },
        schema: Schema.Schema<A, I>
      ) =>
      (user: Principal, paging: Paging) =>
        withAccess(user, (accessible, key) => {
          const { limit, offset } = pagingOf(paging)
          return cached.get(
            { ...key, limit, offset },
            sql`SELECT json_build_object(${item.name}::text, ${sql.literal(item.shape)}, 'progress', ${sql.literal(progress)}) AS j
                FROM watch_state w ${sql.literal(item.join)}
                WHERE w.user_id = ${user.userId} AND ${accessFilter(sql, item.library, accessible)} AND ${inProgress}
                ORDER BY w.updated_at DESC LIMIT ${limit} OFFSET ${offset}`.pipe(decodeJson(schema, `watching.continue.${item.name}`))
          )
        })
      const continueMovies = continuing(
        continueMoviesCache,
        { name: "movie", shape: J.movieSummary, join: "JOIN movies m ON m.id = w.movie_id", library: "m.library_id" },
        ContinueMovie
      )
      const continueEpisodes = continuing(
        continueEpisodesCache,
        {
          name: "episode",
          shape: J.episode,
          join: "JOIN episodes e ON e.id = w.episode_id JOIN series s ON s.id = e.series_id",
          library: "s.library_id"
        },
        ContinueEpisode
      )

      const history = (user: Principal, kind: HistoryKind, paging: Paging) =>
        withAccess(user, (accessible, key) =>
          historyCache.get(
            { ...key, kind, ...pagingOf(paging) },
            countedPage(sql, {
              shape: historyEntry,
              from: `watch_history h LEFT JOIN movies m ON m.id = h.movie_id
                LEFT JOIN episodes e ON e.id = h.episode_id LEFT JOIN series s ON s.id = e.series_id`,
              where: sql.and([
                sql`h.user_id = ${user.userId}`,
                accessFilter(sql, "coalesce(m.library_id, s.library_id)", accessible),
                ...(kind === "movie" ? [sql`h.movie_id IS NOT NULL`] : kind === "episode" ? [sql`h.episode_id IS NOT NULL`] : [])
              ]),
              order: "h.watched_at DESC, h.id",
              schema: HistoryEntry,
              paging,
              operation: "watching.history"
            }).pipe(Effect.map((page) => new HistoryPage(page)))
          ))

      const movieStats = (user: Principal) =>
        withAccess(user, (accessible, key) =>
          movieStatsCache.get(
            key,
            sql`SELECT json_build_object(
                  'total', count(*), 'watched', count(*) FILTER (WHERE w.watched),
                  'inProgress', count(*) FILTER (WHERE ${inProgress}),
                  'totalRuntimeMinutes', coalesce(sum(m.runtime_minutes), 0),
                  'watchedRuntimeMinutes', coalesce(sum(m.runtime_minutes) FILTER (WHERE w.watched), 0),
                  'plays', coalesce(sum(w.play_count), 0)) AS j
                FROM movies m LEFT JOIN watch_state w ON w.movie_id = m.id AND w.user_id = ${user.userId}
                WHERE ${accessFilter(sql, "m.library_id", accessible)}`.pipe(
              decodeJson(MovieStats, "watching.movieStats"),
              Effect.map((rows) => rows[0] ?? new MovieStats({ total: 0, watched: 0, inProgress: 0, totalRuntimeMinutes: 0, watchedRuntimeMinutes: 0, plays: 0 }))
            )
          ))

      const tvStats = (user: Principal) =>
        withAccess(user, (accessible, key) =>
          tvStatsCache.get(
            key,
            sql`WITH eps AS (
                  SELECT e.series_id, coalesce(w.watched, false) AS watched, coalesce(w.play_count, 0) AS plays,
                    coalesce(${inProgress}, false) AS in_progress
                  FROM episodes e JOIN series s ON s.id = e.series_id
                  LEFT JOIN watch_state w ON w.episode_id = e.id AND w.user_id = ${user.userId}
                  WHERE ${accessFilter(sql, "s.library_id", accessible)} AND e.season_number > 0
                ),
                per AS (SELECT series_id, bool_and(watched) AS done FROM eps GROUP BY series_id)
                SELECT json_build_object(
                  'series', (SELECT count(*) FROM series s WHERE ${accessFilter(sql, "s.library_id", accessible)}),
                  'episodes', (SELECT count(*) FROM eps),
                  'watchedEpisodes', (SELECT count(*) FROM eps WHERE watched),
                  'inProgress', (SELECT count(*) FROM eps WHERE in_progress),
                  'completedSeries', (SELECT count(*) FROM per WHERE done),
                  'plays', (SELECT coalesce(sum(plays), 0) FROM eps)) AS j`.pipe(
              decodeJson(TvStats, "watching.tvStats"),
              Effect.map((rows) => rows[0] ?? new TvStats({ series: 0, episodes: 0, watchedEpisodes: 0, inProgress: 0, completedSeries: 0, plays: 0 }))
            )
          ))

      const seriesStats = (user: Principal, id: SeriesId) =>
        Effect.zipRight(
          series.get(user, id),
          withAccess(user, (_, key) =>
            seriesStatsCache.get(
              { ...key, series: id },
              sql`SELECT json_build_object(
                    'seriesId', ${id}::uuid, 'episodes', count(*), 'watchedEpisodes', count(*) FILTER (WHERE w.watched),
                    'percent', CASE WHEN count(*) = 0 THEN 0 ELSE round(100.0 * count(*) FILTER (WHERE w.watched) / count(*), 1) END,
                    'inProgress', count(*) FILTER (WHERE ${inProgress}),
                    'lastWatchedAt', iso_utc(max(w.last_watched_at))) AS j
                  FROM episodes e LEFT JOIN watch_state w ON w.episode_id = e.id AND w.user_id = ${user.userId}
                  WHERE e.series_id = ${id} AND e.season_number > 0`.pipe(
                decodeJson(SeriesWatchStats, "watching.seriesStats"),
                Effect.flatMap((rows) => Effect.fromNullable(rows[0])),
                Effect.orElseSucceed(() => new SeriesWatchStats({ seriesId: id, episodes: 0, watchedEpisodes: 0, percent: 0, inProgress: 0, lastWatchedAt: null }))
              )
            ))
        )

      const nextEpisode = (user: Principal, id: SeriesId) =>
        Effect.zipRight(
          series.get(user, id),
          withAccess(user, (_, key) =>
            nextCache.get(
              { ...key, series: id },
              sql`WITH furthest AS (
                    SELECT e.season_number, coalesce(e.episode_number, 0) AS n FROM watch_state w
                    JOIN episodes e ON e.id = w.episode_id
                    WHERE w.user_id = ${user.userId} AND w.series_id = ${id} AND w.watched AND e.season_number > 0
                    ORDER BY e.season_number DESC, n DESC LIMIT 1
                  )
                  SELECT ${sql.literal(J.episode)} AS j FROM episodes e JOIN series s ON s.id = e.series_id
                  WHERE e.series_id = ${id} AND e.season_number > 0
                    AND (NOT EXISTS (SELECT 1 FROM furthest)
                      OR (e.season_number, coalesce(e.episode_number, 0)) > (SELECT season_number, n FROM furthest))
                    AND NOT EXISTS (SELECT 1 FROM watch_state w WHERE w.user_id = ${user.userId} AND w.episode_id = e.id AND w.watched)
                  ORDER BY e.season_number, e.episode_number NULLS LAST, e.air_date NULLS LAST LIMIT 1`.pipe(
                decodeJson(Episode, "watching.nextEpisode"),
                Effect.map((rows) => new NextEpisode({ episode: Option.getOrNull(first(rows)) }))
              )
            ))
        )

      const nextUp = (user: Principal, paging: Paging) =>
        withAccess(user, (accessible, key) => {
          const { limit, offset } = pagingOf(paging)
          return nextUpCache.get(
            { ...key, limit, offset },
            sql`WITH furthest AS (
                  SELECT DISTINCT ON (e.series_id) e.series_id, e.season_number, coalesce(e.episode_number, 0) AS n
                  FROM watch_state w JOIN episodes e ON e.id = w.episode_id
                  WHERE w.user_id = ${user.userId} AND w.watched AND e.season_number > 0
                  ORDER BY e.series_id, e.season_number DESC, n DESC
                ), lately AS (
                  SELECT w.series_id, max(w.updated_at) AS at FROM watch_state w
                  WHERE w.user_id = ${user.userId} AND w.series_id IS NOT NULL GROUP BY w.series_id
                )
                SELECT nx.j FROM furthest f
                JOIN series s ON s.id = f.series_id
                JOIN lately l ON l.series_id = f.series_id
                JOIN LATERAL (
                  SELECT ${sql.literal(J.episode)} AS j FROM episodes e
                  WHERE e.series_id = f.series_id AND e.season_number > 0
                    AND (e.season_number, coalesce(e.episode_number, 0)) > (f.season_number, f.n)
                    AND NOT EXISTS (SELECT 1 FROM watch_state w WHERE w.user_id = ${user.userId} AND w.episode_id = e.id AND w.watched)
                  ORDER BY e.season_number, e.episode_number NULLS LAST, e.air_date NULLS LAST LIMIT 1
                ) nx ON true
                WHERE ${accessFilter(sql, "s.library_id", accessible)}
                  AND NOT EXISTS (SELECT 1 FROM watch_state w WHERE w.user_id = ${user.userId} AND w.series_id = f.series_id AND ${inProgress})
                ORDER BY l.at DESC, s.id LIMIT ${limit} OFFSET ${offset}`.pipe(decodeJson(Episode, "watching.nextUp"))
          )
        })

      return { continueMovies, continueEpisodes, history, movieStats, tvStats, seriesStats, nextEpisode, nextUp }
    })
  )
}
