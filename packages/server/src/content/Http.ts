/** REST handlers of the browsing groups: each is the RPC operation of the same name. */
import { HttpApiBuilder } from "@effect/platform"
import { MediaApi } from "@mediaserver/domain"
import { Effect, Layer } from "effect"
import { makeBrowseOperations } from "./Operations.js"

const MoviesHttp = HttpApiBuilder.group(MediaApi, "movies", (handlers) =>
  Effect.map(makeBrowseOperations, (op) =>
    handlers
      .handle("list", ({ urlParams }) => op.MoviesList(urlParams))
      .handle("search", ({ urlParams }) => op.MoviesSearch(urlParams))
      .handle("recentlyAdded", ({ urlParams }) => op.MoviesRecentlyAdded(urlParams))
      .handle("topRated", ({ urlParams }) => op.MoviesTopRated(urlParams))
      .handle("continueWatching", ({ urlParams }) => op.MoviesContinueWatching(urlParams))
      .handle("watchHistory", ({ urlParams }) => op.MoviesWatchHistory(urlParams))
      .handle("stats", () => op.MoviesStats())
      .handle("favorites", ({ urlParams }) => op.MoviesFavorites(urlParams))
      .handle("mark", ({ path }) => op.MoviesMark(path))
      .handle("rate", ({ path, payload }) => op.MoviesSetRating({ ...path, rating: payload.rating }))
      .handle("unrate", ({ path }) => Effect.asVoid(op.MoviesSetRating({ ...path, rating: null })))
      .handle("favorite", ({ path, payload }) => op.MoviesSetFavorite({ ...path, favorite: payload.favorite }))
      .handle("get", ({ path }) => op.MoviesGet(path))
      .handle("files", ({ path }) => op.MoviesFiles(path))
      .handle("cast", ({ path }) => op.MoviesCast(path))
      .handle("crew", ({ path }) => op.MoviesCrew(path))
      .handle("genres", ({ path }) => op.MoviesGenres(path))
      .handle("collection", ({ path }) => op.MoviesCollection(path))
      .handle("similar", ({ path, urlParams }) => op.MoviesSimilar({ ...path, ...urlParams }))
      .handle("progress", ({ path }) => op.MoviesProgress(path))
      .handle("setProgress", ({ path, payload }) => op.MoviesSetProgress({ ...path, progress: payload }))
      .handle("setProgressPost", ({ path, payload }) => op.MoviesSetProgress({ ...path, progress: payload }))
      .handle("deleteProgress", ({ path }) => Effect.asVoid(op.MoviesDeleteProgress(path)))
      .handle("watched", ({ path, payload }) => op.MoviesSetWatched({ ...path, watched: payload.watched }))
  ))

const CollectionsHttp = HttpApiBuilder.group(MediaApi, "collections", (handlers) =>
  Effect.map(makeBrowseOperations, (op) =>
    handlers
      .handle("get", ({ path }) => op.CollectionsGet(path))
      .handle("movies", ({ path, urlParams }) => op.CollectionsMovies({ ...path, ...urlParams }))
  ))

const PeopleHttp = HttpApiBuilder.group(MediaApi, "people", (handlers) =>
  Effect.map(makeBrowseOperations, (op) => handlers.handle("get", ({ path }) => op.PeopleGet(path))))

const TvShowsHttp = HttpApiBuilder.group(MediaApi, "tvshows", (handlers) =>
  Effect.map(makeBrowseOperations, (op) =>
    handlers
      .handle("list", ({ urlParams }) => op.TvShowsList(urlParams))
      .handle("search", ({ urlParams }) => op.TvShowsSearch(urlParams))
      .handle("recentlyAdded", ({ urlParams }) => op.TvShowsRecentlyAdded(urlParams))
      .handle("continueWatching", ({ urlParams }) => op.TvShowsContinueWatching(urlParams))
      .handle("nextUp", ({ urlParams }) => op.TvShowsNextUp(urlParams))
      .handle("stats", () => op.TvShowsStats())
      .handle("favorites", ({ urlParams }) => op.TvShowsFavorites(urlParams))
      .handle("mark", ({ path }) => op.TvShowsMark(path))
      .handle("rate", ({ path, payload }) => op.TvShowsSetRating({ ...path, rating: payload.rating }))
      .handle("unrate", ({ path }) => Effect.asVoid(op.TvShowsSetRating({ ...path, rating: null })))
      .handle("favorite", ({ path, payload }) => op.TvShowsSetFavorite({ ...path, favorite: payload.favorite }))
      .handle("recentEpisodes", ({ urlParams }) => op.TvShowsRecentEpisodes(urlParams))
      .handle("upcomingEpisodes", ({ urlParams }) => op.TvShowsUpcomingEpisodes(urlParams))
      .handle("bulkWatched", ({ payload }) => op.TvShowsBulkWatched(payload))
      .handle("get", ({ path }) => op.TvShowsGet(path))
      .handle("seasons", ({ path }) => op.TvShowsSeasons(path))
      .handle("episodes", ({ path }) => op.TvShowsEpisodes(path))
      .handle("cast", ({ path }) => op.TvShowsCast(path))
      .handle("crew", ({ path }) => op.TvShowsCrew(path))
      .handle("genres", ({ path }) => op.TvShowsGenres(path))
      .handle("networks", ({ path }) => op.TvShowsNetworks(path))
      .handle("watchStats", ({ path }) => op.TvShowsWatchStats(path))
      .handle("nextEpisode", ({ path }) => op.TvShowsNextEpisode(path))
      .handle("season", ({ path }) => op.TvShowsSeason(path))
      .handle("seasonEpisodes", ({ path }) => op.TvShowsSeasonEpisodes(path))
      .handle("episode", ({ path }) => op.TvShowsEpisode(path))
      .handle("episodeFiles", ({ path }) => op.TvShowsEpisodeFiles(path))
      .handle("episodeProgress", ({ path }) => op.TvShowsEpisodeProgress(path))
      .handle("setEpisodeProgress", ({ path, payload }) => op.TvShowsSetEpisodeProgress({ ...path, progress: payload }))
      .handle("deleteEpisodeProgress", ({ path }) => Effect.asVoid(op.TvShowsDeleteEpisodeProgress(path)))
      .handle("episodeWatched", ({ path, payload }) => op.TvShowsSetEpisodeWatched({ ...path, watched: payload.watched }))
  ))

const GenresHttp = HttpApiBuilder.group(MediaApi, "genres", (handlers) =>
  Effect.map(makeBrowseOperations, (op) => handlers.handle("list", ({ urlParams }) => op.GenresList(urlParams))))

export const BrowseHttpLive = Layer.mergeAll(MoviesHttp, CollectionsHttp, PeopleHttp, TvShowsHttp, GenresHttp)
