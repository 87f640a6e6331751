/**
 * Every browsing operation once, as the RPC handlers (named as in BrowseRpcs); the REST handlers
 * call the same functions. Policies: reading needs the read scope, writing watch state the write
 * scope; which items a caller may see is decided by the services (404 for the rest).
 */
import {
  BrowseRpcs,
  DatabaseError,
  type EpisodeId,
  type MovieId,
  type Principal,
  type ProgressRequest,
  type WatchItem
} from "@mediaserver/domain"
import { Effect } from "effect"
import { asCaller, canRead, canWrite } from "../access/Policy.js"
import { Genres } from "./Genres.js"
import { Movies } from "./Movies.js"
import { People } from "./People.js"
import { Series } from "./Series.js"
import { UserMarks } from "./UserMarks.js"
import { Watching } from "./Watching.js"
import { UserProgress } from "./UserProgress.js"

const DEFAULT_DAYS = 7

export const makeBrowseOperations = Effect.gen(function* () {
  const movies = yield* Movies
  const series = yield* Series
  const people = yield* People
  const watching = yield* Watching
  const genres = yield* Genres
  const watch = yield* UserProgress
  const marks = yield* UserMarks
  const read = asCaller(canRead)
  const write = asCaller(canWrite)

  const movie = (id: MovieId) => (user: Principal) => movies.get(user, id)
  const episode = (id: EpisodeId) => (user: Principal) => series.episode(user, id)
  const movieItem = (id: MovieId): WatchItem => ({ _tag: "movie", id })
  const episodeItem = (id: EpisodeId): WatchItem => ({ _tag: "episode", id })
  // Without a duration from the client, the file's (probed) duration decides the percentage.
  const fileDuration = (files: ReadonlyArray<{ readonly durationSeconds: number | null }>) =>
    files.find((f) => f.durationSeconds !== null)?.durationSeconds ?? null
  const progress = (user: Principal, item: WatchItem, files: ReadonlyArray<{ readonly durationSeconds: number | null }>, request: ProgressRequest) =>
    watch.setProgress(user.userId, item, request.positionSeconds, request.durationSeconds ?? fileDuration(files))
  const firstOf = <A>(all: ReadonlyArray<A>) =>
    all[0] === undefined ? Effect.fail(new DatabaseError({ operation: "watchState.setWatched", message: "no row returned" })) : Effect.succeed(all[0])

  return BrowseRpcs.of({
    MoviesList: (query) => read((u) => movies.list(u, query)),
    MoviesSearch: ({ q, ...paging }) => read((u) => movies.list(u, { q, ...paging })),
    MoviesRecentlyAdded: (paging) => read((u) => movies.list(u, { ...paging, sort: "added", order: "desc" })),
    MoviesTopRated: (paging) => read((u) => movies.list(u, { ...paging, sort: "rating", order: "desc", minRating: 0 })),
    MoviesContinueWatching: (paging) => read((u) => watching.continueMovies(u, paging)),
    MoviesWatchHistory: (paging) => read((u) => watching.history(u, "movie", paging)),
    MoviesStats: () => read((u) => watching.movieStats(u)),
    MoviesGet: ({ movieId }) => read(movie(movieId)),
    MoviesFiles: ({ movieId }) => read((u) => Effect.map(movies.get(u, movieId), (m) => m.files)),
    MoviesCast: ({ movieId }) => read((u) => Effect.map(movies.get(u, movieId), (m) => m.cast)),
    MoviesCrew: ({ movieId }) => read((u) => Effect.map(movies.get(u, movieId), (m) => m.crew)),
    MoviesGenres: ({ movieId }) => read((u) => Effect.map(movies.get(u, movieId), (m) => m.genres)),
    MoviesCollection: ({ movieId }) => read((u) => movies.collectionOf(u, movieId)),
    MoviesSimilar: ({ movieId, ...paging }) => read((u) => movies.similar(u, movieId, paging)),
    MoviesProgress: ({ movieId }) =>
      read((u) => Effect.zipRight(movies.get(u, movieId), watch.get(u.userId, movieItem(movieId)))),
    MoviesSetProgress: ({ movieId, progress: request }) =>
      write((u) => Effect.flatMap(movies.get(u, movieId), (m) => progress(u, movieItem(movieId), m.files, request))),
    MoviesDeleteProgress: ({ movieId }) =>
      write((u) => Effect.zipRight(movies.get(u, movieId), watch.clearProgress(u.userId, movieItem(movieId)))),
    MoviesSetWatched: ({ movieId, watched }) =>
      write((u) =>
        Effect.zipRight(movies.get(u, movieId), watch.setWatched(u.userId, [movieItem(movieId)], watched)).pipe(Effect.flatMap(firstOf))
      ),
    MoviesFavorites: (paging) => read((u) => marks.favoriteMovies(u, paging)),
    MoviesMark: ({ movieId }) => read((u) => Effect.zipRight(movies.get(u, movieId), marks.get(u.userId, "movie", movieId))),
    MoviesSetRating: ({ movieId, rating }) =>
      write((u) => Effect.zipRight(movies.get(u, movieId), marks.setRating(u.userId, "movie", movieId, rating))),
    MoviesSetFavorite: ({ movieId, favorite }) =>
      write((u) => Effect.zipRight(movies.get(u, movieId), marks.setFavorite(u.userId, "movie", movieId, favorite))),
    CollectionsGet: ({ collectionId }) => read((u) => movies.collection(u, collectionId)),
    CollectionsMovies: ({ collectionId, ...paging }) => read((u) => movies.collectionMovies(u, collectionId, paging)),
    PeopleGet: ({ personId }) => read((u) => people.get(u, personId)),
    TvShowsList: (query) => read((u) => series.list(u, query)),
    TvShowsSearch: ({ q, ...paging }) => read((u) => series.list(u, { q, ...paging })),
    TvShowsRecentlyAdded: (paging) => read((u) => series.list(u, { ...paging, sort: "added", order: "desc" })),
    TvShowsContinueWatching: (paging) => read((u) => watching.continueEpisodes(u, paging)),
    TvShowsNextUp: (paging) => read((u) => watching.nextUp(u, paging)),
    TvShowsStats: () => read((u) => watching.tvStats(u)),
    TvShowsRecentEpisodes: ({ days, ...paging }) => read((u) => series.dated(u, "recent", days ?? DEFAULT_DAYS, paging)),
    TvShowsUpcomingEpisodes: ({ days, ...paging }) => read((u) => series.dated(u, "upcoming", days ?? DEFAULT_DAYS, paging)),
    TvShowsBulkWatched: ({ episodeIds, watched }) =>
      write((u) =>
        Effect.zipRight(
          Effect.forEach(episodeIds, (id) => series.episode(u, id), { concurrency: 8, discard: true }),
          watch.setWatched(u.userId, episodeIds.map(episodeItem), watched)
        )
      ),
    TvShowsGet: ({ seriesId }) => read((u) => series.get(u, seriesId)),
    TvShowsSeasons: ({ seriesId }) => read((u) => Effect.map(series.get(u, seriesId), (s) => s.seasons)),
    TvShowsEpisodes: ({ seriesId }) => read((u) => series.episodes(u, seriesId)),
    TvShowsCast: ({ seriesId }) => read((u) => Effect.map(series.get(u, seriesId), (s) => s.cast)),
    TvShowsCrew: ({ seriesId }) => read((u) => Effect.map(series.get(u, seriesId), (s) => s.crew)),
    TvShowsGenres: ({ seriesId }) => read((u) => Effect.map(series.get(u, seriesId), (s) => s.genres)),
    TvShowsNetworks: ({ seriesId }) => read((u) => Effect.map(series.get(u, seriesId), (s) => s.networks)),
    TvShowsWatchStats: ({ seriesId }) => read((u) => watching.seriesStats(u, seriesId)),
    TvShowsNextEpisode: ({ seriesId }) => read((u) => watching.nextEpisode(u, seriesId)),
    TvShowsFavorites: (paging) => read((u) => marks.favoriteSeries(u, paging)),
    TvShowsMark: ({ seriesId }) => read((u) => Effect.zipRight(series.get(u, seriesId), marks.get(u.userId, "series", seriesId))),
    TvShowsSetRating: ({ rating, seriesId }) =>
      write((u) => Effect.zipRight(series.get(u, seriesId), marks.setRating(u.userId, "series", seriesId, rating))),
    TvShowsSetFavorite: ({ favorite, seriesId }) =>
      write((u) => Effect.zipRight(series.get(u, seriesId), marks.setFavorite(u.userId, "series", seriesId, favorite))),
    TvShowsSeason: ({ seasonId }) => read((u) => series.season(u, seasonId)),
    TvShowsSeasonEpisodes: ({ seasonId }) => read((u) => series.seasonEpisodes(u, seasonId)),
    TvShowsEpisode: ({ episodeId }) => read(episode(episodeId)),
    TvShowsEpisodeFiles: ({ episodeId }) => read((u) => Effect.map(series.episode(u, episodeId), (e) => e.files)),
    TvShowsEpisodeProgress: ({ episodeId }) =>
      read((u) => Effect.zipRight(series.episode(u, episodeId), watch.get(u.userId, episodeItem(episodeId)))),
    TvShowsSetEpisodeProgress: ({ episodeId, progress: request }) =>
      write((u) => Effect.flatMap(series.episode(u, episodeId), (e) => progress(u, episodeItem(episodeId), e.files, request))),
    TvShowsDeleteEpisodeProgress: ({ episodeId }) =>
      write((u) => Effect.zipRight(series.episode(u, episodeId), watch.clearProgress(u.userId, episodeItem(episodeId)))),
    TvShowsSetEpisodeWatched: ({ episodeId, watched }) =>
      write((u) =>
        Effect.zipRight(series.episode(u, episodeId), watch.setWatched(u.userId, [episodeItem(episodeId)], watched)).pipe(
          Effect.flatMap(firstOf)
        )
      ),
    GenresList: ({ type }) => read((u) => genres.list(u, type))
  })
})
