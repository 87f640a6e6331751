/**
 * Browsing over REST: movies, collections, series (seasons, episodes) and genres, each answer
 * filtered by the caller's library access (content of a library the caller cannot see is 404).
 */
import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import {
  BulkWatchedRequest,
  CastMember,
  CollectionDetails,
  PersonDetails,
  Company,
  ContentKind,
  ContinueEpisode,
  ContinueMovie,
  CrewMember,
  Episode,
  EpisodeDetails,
  EpisodePage,
  FavoriteRequest,
  Genre,
  GenreCount,
  HistoryPage,
  LimitUrlQuery,
  ListUrlQuery,
  MediaFileInfo,
  MovieDetails,
  MoviePage,
  MovieStats,
  MovieSummary,
  NextEpisode,
  ProgressRequest,
  RatingRequest,
  Season,
  SeriesDetails,
  SeriesPage,
  SeriesWatchStats,
  TvStats,
  UserMark,
  WatchedRequest
} from "./content.js"
import { CollectionId, EpisodeId, MovieId, PersonId, SeasonId, SeriesId, WatchProgress } from "./contentIds.js"
import { HttpForbidden, HttpNotFound, HttpUnavailable } from "./errors.js"
import { Authentication } from "./identity.js"

const movie = Schema.Struct({ movieId: MovieId })
const series = Schema.Struct({ seriesId: SeriesId })
const season = Schema.Struct({ seasonId: SeasonId })
const episode = Schema.Struct({ episodeId: EpisodeId })
const collection = Schema.Struct({ collectionId: CollectionId })
const SearchUrlQuery = Schema.Struct({ ...LimitUrlQuery.fields, q: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)) })
const DatedUrlQuery = Schema.Struct({
  ...LimitUrlQuery.fields,
  days: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 365)))
})

export class MoviesApi extends HttpApiGroup.make("movies")
  .add(HttpApiEndpoint.get("list", "/movies").setUrlParams(ListUrlQuery).addSuccess(MoviePage))
  .add(HttpApiEndpoint.get("search", "/movies/search").setUrlParams(SearchUrlQuery).addSuccess(MoviePage))
  .add(HttpApiEndpoint.get("recentlyAdded", "/movies/recently-added").setUrlParams(LimitUrlQuery).addSuccess(MoviePage))
  .add(HttpApiEndpoint.get("topRated", "/movies/top-rated").setUrlParams(LimitUrlQuery).addSuccess(MoviePage))
  .add(
    HttpApiEndpoint.get("continueWatching", "/movies/continue-watching")
      .setUrlParams(LimitUrlQuery)
      .addSuccess(Schema.Array(ContinueMovie))
  )
  .add(HttpApiEndpoint.get("watchHistory", "/movies/watch-history").setUrlParams(LimitUrlQuery).addSuccess(HistoryPage))
  .add(HttpApiEndpoint.get("stats", "/movies/stats").addSuccess(MovieStats))
  .add(HttpApiEndpoint.get("favorites", "/movies/favorites").setUrlParams(LimitUrlQuery).addSuccess(MoviePage))
  .add(HttpApiEndpoint.get("get", "/movies/:movieId").setPath(movie).addSuccess(MovieDetails))
  .add(HttpApiEndpoint.get("files", "/movies/:movieId/files").setPath(movie).addSuccess(Schema.Array(MediaFileInfo)))
  .add(HttpApiEndpoint.get("cast", "/movies/:movieId/cast").setPath(movie).addSuccess(Schema.Array(CastMember)))
  .add(HttpApiEndpoint.get("crew", "/movies/:movieId/crew").setPath(movie).addSuccess(Schema.Array(CrewMember)))
  .add(HttpApiEndpoint.get("genres", "/movies/:movieId/genres").setPath(movie).addSuccess(Schema.Array(Genre)))
  .add(HttpApiEndpoint.get("collection", "/movies/:movieId/collection").setPath(movie).addSuccess(CollectionDetails))
  .add(
    HttpApiEndpoint.get("similar", "/movies/:movieId/similar")
      .setPath(movie)
      .setUrlParams(LimitUrlQuery)
      .addSuccess(Schema.Array(MovieSummary))
  )
  .add(HttpApiEndpoint.get("progress", "/movies/:movieId/progress").setPath(movie).addSuccess(WatchProgress))
  .add(
    HttpApiEndpoint.post("setProgress", "/movies/:movieId/progress")
      .setPath(movie)
      .setPayload(ProgressRequest)
      .addSuccess(WatchProgress)
  )
  .add(HttpApiEndpoint.del("deleteProgress", "/movies/:movieId/progress").setPath(movie).addSuccess(WatchProgress))
  .add(
    HttpApiEndpoint.post("watched", "/movies/:movieId/watched")
      .setPath(movie)
      .setPayload(WatchedRequest)
      .addSuccess(WatchProgress)
  )
  .add(HttpApiEndpoint.get("mark", "/movies/:movieId/mark").setPath(movie).addSuccess(UserMark))
  .add(HttpApiEndpoint.put("rate", "/movies/:movieId/rating").setPath(movie).setPayload(RatingRequest).addSuccess(UserMark))
  .add(HttpApiEndpoint.del("unrate", "/movies/:movieId/rating").setPath(movie).addSuccess(UserMark))
  .add(HttpApiEndpoint.put("favorite", "/movies/:movieId/favorite").setPath(movie).setPayload(FavoriteRequest).addSuccess(UserMark))
  .middleware(Authentication)
  .addError(HttpNotFound)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

export class CollectionsApi extends HttpApiGroup.make("collections")
  .add(HttpApiEndpoint.get("get", "/collections/:collectionId").setPath(collection).addSuccess(CollectionDetails))
  .add(
    HttpApiEndpoint.get("movies", "/collections/:collectionId/movies")
      .setPath(collection)
      .setUrlParams(LimitUrlQuery)
      .addSuccess(MoviePage)
  )
  .middleware(Authentication)
  .addError(HttpNotFound)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

/** People of the caller's titles (cast and crew pages). */
export class PeopleApi extends HttpApiGroup.make("people")
  .add(HttpApiEndpoint.get("get", "/people/:personId").setPath(Schema.Struct({ personId: PersonId })).addSuccess(PersonDetails))
  .middleware(Authentication)
  .addError(HttpNotFound)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

export class TvShowsApi extends HttpApiGroup.make("tvshows")
  .add(HttpApiEndpoint.get("list", "/tvshows").setUrlParams(ListUrlQuery).addSuccess(SeriesPage))
  .add(HttpApiEndpoint.get("search", "/tvshows/search").setUrlParams(SearchUrlQuery).addSuccess(SeriesPage))
  .add(HttpApiEndpoint.get("recentlyAdded", "/tvshows/recently-added").setUrlParams(LimitUrlQuery).addSuccess(SeriesPage))
  .add(
    HttpApiEndpoint.get("continueWatching", "/tvshows/continue-watching")
      .setUrlParams(LimitUrlQuery)
      .addSuccess(Schema.Array(ContinueEpisode))
  )
  .add(HttpApiEndpoint.get("nextUp", "/tvshows/next-up").setUrlParams(LimitUrlQuery).addSuccess(Schema.Array(Episode)))
  .add(HttpApiEndpoint.get("stats", "/tvshows/stats").addSuccess(TvStats))
  .add(HttpApiEndpoint.get("favorites", "/tvshows/favorites").setUrlParams(LimitUrlQuery).addSuccess(SeriesPage))
  .add(HttpApiEndpoint.get("recentEpisodes", "/tvshows/episodes/recent").setUrlParams(DatedUrlQuery).addSuccess(EpisodePage))
  .add(
    HttpApiEndpoint.get("upcomingEpisodes", "/tvshows/episodes/upcoming").setUrlParams(DatedUrlQuery).addSuccess(EpisodePage)
  )
  .add(
    HttpApiEndpoint.post("bulkWatched", "/tvshows/episodes/bulk-watched")
      .setPayload(BulkWatchedRequest)
      .addSuccess(Schema.Array(WatchProgress))
  )
  .add(HttpApiEndpoint.get("get", "/tvshows/:seriesId").setPath(series).addSuccess(SeriesDetails))
  .add(HttpApiEndpoint.get("seasons", "/tvshows/:seriesId/seasons").setPath(series).addSuccess(Schema.Array(Season)))
  .add(HttpApiEndpoint.get("episodes", "/tvshows/:seriesId/episodes").setPath(series).addSuccess(Schema.Array(Episode)))
  .add(HttpApiEndpoint.get("cast", "/tvshows/:seriesId/cast").setPath(series).addSuccess(Schema.Array(CastMember)))
  .add(HttpApiEndpoint.get("crew", "/tvshows/:seriesId/crew").setPath(series).addSuccess(Schema.Array(CrewMember)))
  .add(HttpApiEndpoint.get("genres", "/tvshows/:seriesId/genres").setPath(series).addSuccess(Schema.Array(Genre)))
  .add(HttpApiEndpoint.get("networks", "/tvshows/:seriesId/networks").setPath(series).addSuccess(Schema.Array(Company)))
  .add(HttpApiEndpoint.get("watchStats", "/tvshows/:seriesId/watch-stats").setPath(series).addSuccess(SeriesWatchStats))
  .add(HttpApiEndpoint.get("nextEpisode", "/tvshows/:seriesId/next-episode").setPath(series).addSuccess(NextEpisode))
  .add(HttpApiEndpoint.get("mark", "/tvshows/:seriesId/mark").setPath(series).addSuccess(UserMark))
  .add(HttpApiEndpoint.put("rate", "/tvshows/:seriesId/rating").setPath(series).setPayload(RatingRequest).addSuccess(UserMark))
  .add(HttpApiEndpoint.del("unrate", "/tvshows/:seriesId/rating").setPath(series).addSuccess(UserMark))
  .add(HttpApiEndpoint.put("favorite", "/tvshows/:seriesId/favorite").setPath(series).setPayload(FavoriteRequest).addSuccess(UserMark))
  .add(HttpApiEndpoint.get("season", "/tvshows/seasons/:seasonId").setPath(season).addSuccess(Season))
  .add(
    HttpApiEndpoint.get("seasonEpisodes", "/tvshows/seasons/:seasonId/episodes").setPath(season).addSuccess(Schema.Array(Episode))
  )
  .add(HttpApiEndpoint.get("episode", "/tvshows/episodes/:episodeId").setPath(episode).addSuccess(EpisodeDetails))
  .add(
    HttpApiEndpoint.get("episodeFiles", "/tvshows/episodes/:episodeId/files").setPath(episode).addSuccess(Schema.Array(MediaFileInfo))
  )
  .add(HttpApiEndpoint.get("episodeProgress", "/tvshows/episodes/:episodeId/progress").setPath(episode).addSuccess(WatchProgress))
  .add(
    HttpApiEndpoint.put("setEpisodeProgress", "/tvshows/episodes/:episodeId/progress")
      .setPath(episode)
      .setPayload(ProgressRequest)
      .addSuccess(WatchProgress)
  )
  .add(
    HttpApiEndpoint.del("deleteEpisodeProgress", "/tvshows/episodes/:episodeId/progress").setPath(episode).addSuccess(WatchProgress)
  )
  .add(
    HttpApiEndpoint.post("episodeWatched", "/tvshows/episodes/:episodeId/watched")
      .setPath(episode)
      .setPayload(WatchedRequest)
      .addSuccess(WatchProgress)
  )
  .middleware(Authentication)
  .addError(HttpNotFound)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

export class GenresApi extends HttpApiGroup.make("genres")
  .add(
    HttpApiEndpoint.get("list", "/genres")
      .setUrlParams(Schema.Struct({ type: Schema.optional(ContentKind) }))
      .addSuccess(Schema.Array(GenreCount))
  )
  .middleware(Authentication)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

