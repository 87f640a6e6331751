/**
 * Browsing over REST: movies, collections, series (seasons, episodes) and genres, each answer
 * filtered by the caller's library access (content of a library the caller cannot see is 404).
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
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
import { about, doc } from "./apiDocs.js"

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
  .annotateContext(about("Movies in the libraries the caller may see: lists, details, files, people, watch progress, ratings and favourites. A movie in a library the caller cannot see answers 404."))
  .add(
    HttpApiEndpoint.get("list", "/movies").setUrlParams(ListUrlQuery).addSuccess(MoviePage)
      .annotateContext(doc("List movies", "Movies of the caller's libraries, filtered (genre, years, rating, library, watched, text) and sorted; pages with `limit` and `offset`, or `cursor` (the `nextCursor` of the previous page) for stable deep paging."))
  )
  .add(
    HttpApiEndpoint.get("search", "/movies/search").setUrlParams(SearchUrlQuery).addSuccess(MoviePage)
      .annotateContext(doc("Search movies by title", "Movies whose title matches `q`, best first. For full-text search with filters and facets use `/search/movies`."))
  )
  .add(
    HttpApiEndpoint.get("recentlyAdded", "/movies/recently-added").setUrlParams(LimitUrlQuery).addSuccess(MoviePage)
      .annotateContext(doc("Recently added movies", "Movies by date added, newest first."))
  )
  .add(
    HttpApiEndpoint.get("topRated", "/movies/top-rated").setUrlParams(LimitUrlQuery).addSuccess(MoviePage)
      .annotateContext(doc("Top-rated movies", "Movies by rating, best first."))
  )
  .add(
    HttpApiEndpoint.get("continueWatching", "/movies/continue-watching")
      .setUrlParams(LimitUrlQuery)
      .addSuccess(Schema.Array(ContinueMovie))
      .annotateContext(doc("Continue watching movies", "Movies the caller started and has not finished, most recently watched first, with the resume position."))
  )
  .add(
    HttpApiEndpoint.get("watchHistory", "/movies/watch-history").setUrlParams(LimitUrlQuery).addSuccess(HistoryPage)
      .annotateContext(doc("Movie watch history", "Movies the caller watched, most recent first."))
  )
  .add(
    HttpApiEndpoint.get("stats", "/movies/stats").addSuccess(MovieStats)
      .annotateContext(doc("Movie statistics", "The caller's movies: total, watched and in progress, runtime (all and watched) and plays."))
  )
  .add(
    HttpApiEndpoint.get("favorites", "/movies/favorites").setUrlParams(LimitUrlQuery).addSuccess(MoviePage)
      .annotateContext(doc("Favourite movies", "Movies the caller marked as favourite."))
  )
  .add(
    HttpApiEndpoint.get("get", "/movies/:movieId").setPath(movie).addSuccess(MovieDetails)
      .annotateContext(doc("Get a movie", "A movie with its details: overview, genres, collection, ratings, artwork and the caller's progress."))
  )
  .add(
    HttpApiEndpoint.get("files", "/movies/:movieId/files").setPath(movie).addSuccess(Schema.Array(MediaFileInfo))
      .annotateContext(doc("List a movie's files", "The movie's media files with their probed streams (container, codecs, resolution, audio and subtitle tracks)."))
  )
  .add(
    HttpApiEndpoint.get("cast", "/movies/:movieId/cast").setPath(movie).addSuccess(Schema.Array(CastMember))
      .annotateContext(doc("Get a movie's cast", "The movie's cast in billing order, with their characters."))
  )
  .add(
    HttpApiEndpoint.get("crew", "/movies/:movieId/crew").setPath(movie).addSuccess(Schema.Array(CrewMember))
      .annotateContext(doc("Get a movie's crew", "The movie's crew with their department and job."))
  )
  .add(
    HttpApiEndpoint.get("genres", "/movies/:movieId/genres").setPath(movie).addSuccess(Schema.Array(Genre))
      .annotateContext(doc("Get a movie's genres", "The genres of the movie."))
  )
  .add(
    HttpApiEndpoint.get("collection", "/movies/:movieId/collection").setPath(movie).addSuccess(CollectionDetails)
      .annotateContext(doc("Get a movie's collection", "The collection (saga) the movie belongs to. 404 when it belongs to none."))
  )
  .add(
    HttpApiEndpoint.get("similar", "/movies/:movieId/similar")
      .setPath(movie)
      .setUrlParams(LimitUrlQuery)
      .addSuccess(Schema.Array(MovieSummary))
      .annotateContext(doc("Similar movies", "Movies of the caller's libraries that share genres and people with this one."))
  )
  .add(
    HttpApiEndpoint.get("progress", "/movies/:movieId/progress").setPath(movie).addSuccess(WatchProgress)
      .annotateContext(doc("Get movie progress", "The caller's watch progress on the movie (position, watched, play count)."))
  )
  .add(
    HttpApiEndpoint.put("setProgress", "/movies/:movieId/progress")
      .setPath(movie)
      .setPayload(ProgressRequest)
      .addSuccess(WatchProgress)
      .annotateContext(doc("Set movie progress", "Records the caller's position in the movie; past the watched threshold it counts as watched. The same method as for episodes."))
  )
  .add(
    // The reference's method, kept for its clients: PUT is the one convention (as for episodes).
    HttpApiEndpoint.post("setProgressPost", "/movies/:movieId/progress")
      .setPath(movie)
      .setPayload(ProgressRequest)
      .addSuccess(WatchProgress)
      .annotateContext(doc("Set movie progress (POST)", "The same as `PUT /movies/{movieId}/progress`, kept for older clients.", { deprecated: true }))
  )
  .add(
    HttpApiEndpoint.del("deleteProgress", "/movies/:movieId/progress").setPath(movie).addSuccess(HttpApiSchema.NoContent)
      .annotateContext(doc("Clear movie progress", "Forgets the caller's position and watched state for the movie."))
  )
  .add(
    HttpApiEndpoint.post("watched", "/movies/:movieId/watched")
      .setPath(movie)
      .setPayload(WatchedRequest)
      .addSuccess(WatchProgress)
      .annotateContext(doc("Mark a movie watched or unwatched", "Marks the movie watched (position reset) or unwatched for the caller."))
  )
  .add(
    HttpApiEndpoint.get("mark", "/movies/:movieId/mark").setPath(movie).addSuccess(UserMark)
      .annotateContext(doc("Get my rating and favourite", "The caller's own rating and favourite flag on the movie."))
  )
  .add(
    HttpApiEndpoint.put("rate", "/movies/:movieId/rating").setPath(movie).setPayload(RatingRequest).addSuccess(UserMark)
      .annotateContext(doc("Rate a movie", "Sets the caller's own rating (1-10) of the movie."))
  )
  .add(
    HttpApiEndpoint.del("unrate", "/movies/:movieId/rating").setPath(movie).addSuccess(HttpApiSchema.NoContent)
      .annotateContext(doc("Remove my rating", "Removes the caller's rating of the movie; the favourite flag stays."))
  )
  .add(
    HttpApiEndpoint.put("favorite", "/movies/:movieId/favorite").setPath(movie).setPayload(FavoriteRequest).addSuccess(UserMark)
      .annotateContext(doc("Mark a movie favourite", "Adds the movie to, or removes it from, the caller's favourites."))
  )
  .middleware(Authentication)
  .addError(HttpNotFound)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

export class CollectionsApi extends HttpApiGroup.make("collections")
  .annotateContext(about("Movie collections (sagas) and their movies."))
  .add(
    HttpApiEndpoint.get("get", "/collections/:collectionId").setPath(collection).addSuccess(CollectionDetails)
      .annotateContext(doc("Get a collection", "A movie collection (saga) with its overview and artwork."))
  )
  .add(
    HttpApiEndpoint.get("movies", "/collections/:collectionId/movies")
      .setPath(collection)
      .setUrlParams(LimitUrlQuery)
      .addSuccess(MoviePage)
      .annotateContext(doc("List a collection's movies", "The movies of the collection in the caller's libraries, in release order."))
  )
  .middleware(Authentication)
  .addError(HttpNotFound)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

/** People of the caller's titles (cast and crew pages). */
export class PeopleApi extends HttpApiGroup.make("people")
  .annotateContext(about("People of the caller's titles: cast and crew."))
  .add(
    HttpApiEndpoint.get("get", "/people/:personId").setPath(Schema.Struct({ personId: PersonId })).addSuccess(PersonDetails)
      .annotateContext(doc("Get a person", "A person of the caller's titles, with biography, birth and death dates, and their roles in the caller's movies and series."))
  )
  .middleware(Authentication)
  .addError(HttpNotFound)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

export class TvShowsApi extends HttpApiGroup.make("tvshows")
  .annotateContext(about("Series, seasons and episodes in the libraries the caller may see: lists, details, files, people, watch progress, ratings and favourites."))
  .add(
    HttpApiEndpoint.get("list", "/tvshows").setUrlParams(ListUrlQuery).addSuccess(SeriesPage)
      .annotateContext(doc("List series", "Series of the caller's libraries, filtered (genre, years, rating, network, status, library, watched, text) and sorted; pages with `limit` and `offset`, or `cursor` (the `nextCursor` of the previous page)."))
  )
  .add(
    HttpApiEndpoint.get("search", "/tvshows/search").setUrlParams(SearchUrlQuery).addSuccess(SeriesPage)
      .annotateContext(doc("Search series by title", "Series whose title matches `q`, best first. For full-text search with filters and facets use `/search/tvshows`."))
  )
  .add(
    HttpApiEndpoint.get("recentlyAdded", "/tvshows/recently-added").setUrlParams(LimitUrlQuery).addSuccess(SeriesPage)
      .annotateContext(doc("Recently added series", "Series by date added, newest first."))
  )
  .add(
    HttpApiEndpoint.get("continueWatching", "/tvshows/continue-watching")
      .setUrlParams(LimitUrlQuery)
      .addSuccess(Schema.Array(ContinueEpisode))
      .annotateContext(doc("Continue watching series", "Episodes the caller started and has not finished, most recently watched first."))
  )
  .add(
    HttpApiEndpoint.get("nextUp", "/tvshows/next-up").setUrlParams(LimitUrlQuery).addSuccess(Schema.Array(Episode))
      .annotateContext(doc("Next up", "For each series the caller is watching, the next episode to watch."))
  )
  .add(
    HttpApiEndpoint.get("stats", "/tvshows/stats").addSuccess(TvStats)
      .annotateContext(doc("Series statistics", "The caller's series and episodes: counts, watched and in progress episodes, completed series and plays."))
  )
  .add(
    HttpApiEndpoint.get("favorites", "/tvshows/favorites").setUrlParams(LimitUrlQuery).addSuccess(SeriesPage)
      .annotateContext(doc("Favourite series", "Series the caller marked as favourite."))
  )
  .add(
    HttpApiEndpoint.get("recentEpisodes", "/tvshows/episodes/recent").setUrlParams(DatedUrlQuery).addSuccess(EpisodePage)
      .annotateContext(doc("Recently aired episodes", "Episodes aired in the last `days` days (default 7), newest first."))
  )
  .add(
    HttpApiEndpoint.get("upcomingEpisodes", "/tvshows/episodes/upcoming").setUrlParams(DatedUrlQuery).addSuccess(EpisodePage)
      .annotateContext(doc("Upcoming episodes", "Episodes airing in the next `days` days (default 7), soonest first."))
  )
  .add(
    HttpApiEndpoint.post("bulkWatched", "/tvshows/episodes/bulk-watched")
      .setPayload(BulkWatchedRequest)
      .addSuccess(Schema.Array(WatchProgress))
      .annotateContext(doc("Mark episodes watched", "Marks up to 500 episodes watched or unwatched at once and answers their progress."))
  )
  .add(
    HttpApiEndpoint.get("get", "/tvshows/:seriesId").setPath(series).addSuccess(SeriesDetails)
      .annotateContext(doc("Get a series", "A series with its details: overview, genres, networks, status, ratings, artwork and season count."))
  )
  .add(
    HttpApiEndpoint.get("seasons", "/tvshows/:seriesId/seasons").setPath(series).addSuccess(Schema.Array(Season))
      .annotateContext(doc("List a series' seasons", "The seasons of the series in order, with episode counts."))
  )
  .add(
    HttpApiEndpoint.get("episodes", "/tvshows/:seriesId/episodes").setPath(series).addSuccess(Schema.Array(Episode))
      .annotateContext(doc("List a series' episodes", "Every episode of the series, by season and number."))
  )
  .add(
    HttpApiEndpoint.get("cast", "/tvshows/:seriesId/cast").setPath(series).addSuccess(Schema.Array(CastMember))
      .annotateContext(doc("Get a series' cast", "The series' cast in billing order, with their characters."))
  )
  .add(
    HttpApiEndpoint.get("crew", "/tvshows/:seriesId/crew").setPath(series).addSuccess(Schema.Array(CrewMember))
      .annotateContext(doc("Get a series' crew", "The series' crew with their department and job."))
  )
  .add(
    HttpApiEndpoint.get("genres", "/tvshows/:seriesId/genres").setPath(series).addSuccess(Schema.Array(Genre))
      .annotateContext(doc("Get a series' genres", "The genres of the series."))
  )
  .add(
    HttpApiEndpoint.get("networks", "/tvshows/:seriesId/networks").setPath(series).addSuccess(Schema.Array(Company))
      .annotateContext(doc("Get a series' networks", "The networks that air the series."))
  )
  .add(
    HttpApiEndpoint.get("watchStats", "/tvshows/:seriesId/watch-stats").setPath(series).addSuccess(SeriesWatchStats)
      .annotateContext(doc("Series watch statistics", "How much of the series the caller watched: episodes watched of the total, percent, in progress, and when last watched."))
  )
  .add(
    HttpApiEndpoint.get("nextEpisode", "/tvshows/:seriesId/next-episode").setPath(series).addSuccess(NextEpisode)
      .annotateContext(doc("Next episode to watch", "The next episode of the series for the caller: the one in progress, else the first unwatched."))
  )
  .add(
    HttpApiEndpoint.get("mark", "/tvshows/:seriesId/mark").setPath(series).addSuccess(UserMark)
      .annotateContext(doc("Get my rating and favourite", "The caller's own rating and favourite flag on the series."))
  )
  .add(
    HttpApiEndpoint.put("rate", "/tvshows/:seriesId/rating").setPath(series).setPayload(RatingRequest).addSuccess(UserMark)
      .annotateContext(doc("Rate a series", "Sets the caller's own rating (1-10) of the series."))
  )
  .add(
    HttpApiEndpoint.del("unrate", "/tvshows/:seriesId/rating").setPath(series).addSuccess(HttpApiSchema.NoContent)
      .annotateContext(doc("Remove my rating", "Removes the caller's rating of the series; the favourite flag stays."))
  )
  .add(
    HttpApiEndpoint.put("favorite", "/tvshows/:seriesId/favorite").setPath(series).setPayload(FavoriteRequest).addSuccess(UserMark)
      .annotateContext(doc("Mark a series favourite", "Adds the series to, or removes it from, the caller's favourites."))
  )
  .add(
    HttpApiEndpoint.get("season", "/tvshows/seasons/:seasonId").setPath(season).addSuccess(Season)
      .annotateContext(doc("Get a season", "A season with its overview, artwork and episode count."))
  )
  .add(
    HttpApiEndpoint.get("seasonEpisodes", "/tvshows/seasons/:seasonId/episodes").setPath(season).addSuccess(Schema.Array(Episode))
      .annotateContext(doc("List a season's episodes", "The episodes of the season in order, with the caller's progress."))
  )
  .add(
    HttpApiEndpoint.get("episode", "/tvshows/episodes/:episodeId").setPath(episode).addSuccess(EpisodeDetails)
      .annotateContext(doc("Get an episode", "An episode with its details, artwork and the caller's progress."))
  )
  .add(
    HttpApiEndpoint.get("episodeFiles", "/tvshows/episodes/:episodeId/files").setPath(episode).addSuccess(Schema.Array(MediaFileInfo))
      .annotateContext(doc("List an episode's files", "The episode's media files with their probed streams."))
  )
  .add(
    HttpApiEndpoint.get("episodeProgress", "/tvshows/episodes/:episodeId/progress").setPath(episode).addSuccess(WatchProgress)
      .annotateContext(doc("Get episode progress", "The caller's watch progress on the episode (position, watched, play count)."))
  )
  .add(
    HttpApiEndpoint.put("setEpisodeProgress", "/tvshows/episodes/:episodeId/progress")
      .setPath(episode)
      .setPayload(ProgressRequest)
      .addSuccess(WatchProgress)
      .annotateContext(doc("Set episode progress", "Records the caller's position in the episode; past the watched threshold it counts as watched."))
  )
  .add(
    HttpApiEndpoint.del("deleteEpisodeProgress", "/tvshows/episodes/:episodeId/progress").setPath(episode).addSuccess(HttpApiSchema.NoContent)
      .annotateContext(doc("Clear episode progress", "Forgets the caller's position and watched state for the episode."))
  )
  .add(
    HttpApiEndpoint.post("episodeWatched", "/tvshows/episodes/:episodeId/watched")
      .setPath(episode)
      .setPayload(WatchedRequest)
      .addSuccess(WatchProgress)
      .annotateContext(doc("Mark an episode watched or unwatched", "Marks the episode watched (position reset) or unwatched for the caller."))
  )
  .middleware(Authentication)
  .addError(HttpNotFound)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

export class GenresApi extends HttpApiGroup.make("genres")
  .annotateContext(about("Genres with the number of titles in each."))
  .add(
    HttpApiEndpoint.get("list", "/genres")
      .setUrlParams(Schema.Struct({ type: Schema.optional(ContentKind) }))
      .addSuccess(Schema.Array(GenreCount))
      .annotateContext(doc("List genres", "Genres of the caller's titles with the number of titles in each, optionally of movies or series only (`type`)."))
  )
  .middleware(Authentication)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

