/** Browsing over RPC: the same capabilities as the REST groups of browseApi.ts. */
import { Rpc, RpcGroup } from "@effect/rpc"
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
  Genre,
  GenreCount,
  HistoryPage,
  limitFields,
  ListQuery,
  MediaFileInfo,
  MovieDetails,
  MoviePage,
  MovieStats,
  MovieSummary,
  NextEpisode,
  ProgressRequest,
  Season,
  SeriesDetails,
  SeriesPage,
  SeriesWatchStats,
  TvStats,
  UserMark
} from "./content.js"
import { CollectionId, EpisodeId, MovieId, PersonId, SeasonId, SeriesId, WatchProgress } from "./contentIds.js"
import { BadRequest, Forbidden, NotFound, Unavailable } from "./errors.js"
import { RpcAuthentication } from "./identity.js"

const Errors = Schema.Union(Forbidden, NotFound, Unavailable)
const ListErrors = Schema.Union(BadRequest, Forbidden, Unavailable)
const Mine = Schema.Union(Forbidden, Unavailable)
const Movie = { movieId: MovieId }
const Series = { seriesId: SeriesId }
const Ep = { episodeId: EpisodeId }
const Paged = Schema.Struct(limitFields)
const Search = Schema.Struct({ ...limitFields, q: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)) })
const Dated = Schema.Struct({ ...limitFields, days: Schema.optional(Schema.Int.pipe(Schema.between(1, 365))) })

const get = <const Tag extends string, P extends Schema.Struct.Fields, A, I>(tag: Tag, payload: P, success: Schema.Schema<A, I>) =>
  Rpc.make(tag, { payload, success, error: Errors })

export class BrowseRpcs extends RpcGroup.make(
  Rpc.make("MoviesList", { payload: ListQuery, success: MoviePage, error: ListErrors }),
  Rpc.make("MoviesSearch", { payload: Search, success: MoviePage, error: ListErrors }),
  Rpc.make("MoviesRecentlyAdded", { payload: Paged, success: MoviePage, error: ListErrors }),
  Rpc.make("MoviesTopRated", { payload: Paged, success: MoviePage, error: ListErrors }),
  Rpc.make("MoviesContinueWatching", { payload: Paged, success: Schema.Array(ContinueMovie), error: Mine }),
  Rpc.make("MoviesWatchHistory", { payload: Paged, success: HistoryPage, error: Mine }),
  Rpc.make("MoviesStats", { success: MovieStats, error: Mine }),
  get("MoviesGet", Movie, MovieDetails),
  get("MoviesFiles", Movie, Schema.Array(MediaFileInfo)),
  get("MoviesCast", Movie, Schema.Array(CastMember)),
  get("MoviesCrew", Movie, Schema.Array(CrewMember)),
  get("MoviesGenres", Movie, Schema.Array(Genre)),
  get("MoviesCollection", Movie, CollectionDetails),
  get("MoviesSimilar", { ...Movie, ...limitFields }, Schema.Array(MovieSummary)),
  get("MoviesProgress", Movie, WatchProgress),
  get("MoviesSetProgress", { ...Movie, progress: ProgressRequest }, WatchProgress),
  get("MoviesDeleteProgress", Movie, WatchProgress),
  get("MoviesSetWatched", { ...Movie, watched: Schema.Boolean }, WatchProgress),
  Rpc.make("MoviesFavorites", { payload: Paged, success: MoviePage, error: Mine }),
  get("MoviesMark", Movie, UserMark),
  get("MoviesSetRating", { ...Movie, rating: Schema.NullOr(Schema.Int.pipe(Schema.between(1, 10))) }, UserMark),
  get("MoviesSetFavorite", { ...Movie, favorite: Schema.Boolean }, UserMark),
  get("CollectionsGet", { collectionId: CollectionId }, CollectionDetails),
  get("CollectionsMovies", { collectionId: CollectionId, ...limitFields }, MoviePage),
  get("PeopleGet", { personId: PersonId }, PersonDetails),
  Rpc.make("TvShowsList", { payload: ListQuery, success: SeriesPage, error: ListErrors }),
  Rpc.make("TvShowsSearch", { payload: Search, success: SeriesPage, error: ListErrors }),
  Rpc.make("TvShowsRecentlyAdded", { payload: Paged, success: SeriesPage, error: ListErrors }),
  Rpc.make("TvShowsContinueWatching", { payload: Paged, success: Schema.Array(ContinueEpisode), error: Mine }),
  /** For each series being watched (none in progress), the next episode, most recently watched series first. */
  Rpc.make("TvShowsNextUp", { payload: Paged, success: Schema.Array(Episode), error: Mine }),
  Rpc.make("TvShowsStats", { success: TvStats, error: Mine }),
  Rpc.make("TvShowsRecentEpisodes", { payload: Dated, success: EpisodePage, error: Mine }),
  Rpc.make("TvShowsUpcomingEpisodes", { payload: Dated, success: EpisodePage, error: Mine }),
  get("TvShowsBulkWatched", BulkWatchedRequest.fields, Schema.Array(WatchProgress)),
  get("TvShowsGet", Series, SeriesDetails),
  get("TvShowsSeasons", Series, Schema.Array(Season)),
  get("TvShowsEpisodes", Series, Schema.Array(Episode)),
  get("TvShowsCast", Series, Schema.Array(CastMember)),
  get("TvShowsCrew", Series, Schema.Array(CrewMember)),
  get("TvShowsGenres", Series, Schema.Array(Genre)),
  get("TvShowsNetworks", Series, Schema.Array(Company)),
  get("TvShowsWatchStats", Series, SeriesWatchStats),
  get("TvShowsNextEpisode", Series, NextEpisode),
  Rpc.make("TvShowsFavorites", { payload: Paged, success: SeriesPage, error: Mine }),
  get("TvShowsMark", Series, UserMark),
  get("TvShowsSetRating", { ...Series, rating: Schema.NullOr(Schema.Int.pipe(Schema.between(1, 10))) }, UserMark),
  get("TvShowsSetFavorite", { ...Series, favorite: Schema.Boolean }, UserMark),
  get("TvShowsSeason", { seasonId: SeasonId }, Season),
  get("TvShowsSeasonEpisodes", { seasonId: SeasonId }, Schema.Array(Episode)),
  get("TvShowsEpisode", Ep, EpisodeDetails),
  get("TvShowsEpisodeFiles", Ep, Schema.Array(MediaFileInfo)),
  get("TvShowsEpisodeProgress", Ep, WatchProgress),
  get("TvShowsSetEpisodeProgress", { ...Ep, progress: ProgressRequest }, WatchProgress),
  get("TvShowsDeleteEpisodeProgress", Ep, WatchProgress),
  get("TvShowsSetEpisodeWatched", { ...Ep, watched: Schema.Boolean }, WatchProgress),
  Rpc.make("GenresList", { payload: { type: Schema.optional(ContentKind) }, success: Schema.Array(GenreCount), error: Mine })
).middleware(RpcAuthentication) {}
