/** What users browse: movies, series, seasons, episodes, their people, genres and files, and watch state. */
import { Schema } from "effect"
import {
  CollectionId,
  CompanyId,
  EpisodeId,
  GenreId,
  MediaFileId,
  MovieId,
  PersonId,
  SeasonId,
  SeriesId,
  WatchProgress
} from "./contentIds.js"
import { LibraryId } from "./libraries.js"

/** A calendar date, `YYYY-MM-DD`. */
const Day = Schema.String

export class Genre extends Schema.Class<Genre>("Genre")({ id: GenreId, name: Schema.String }) {}

export class GenreCount extends Schema.Class<GenreCount>("GenreCount")({
  id: GenreId,
  name: Schema.String,
  movies: Schema.Int,
  series: Schema.Int
}) {}

export class Company extends Schema.Class<Company>("Company")({
  id: CompanyId,
  name: Schema.String,
  logoPath: Schema.NullOr(Schema.String),
  originCountry: Schema.NullOr(Schema.String)
}) {}

export class CastMember extends Schema.Class<CastMember>("CastMember")({
  personId: PersonId,
  name: Schema.String,
  character: Schema.NullOr(Schema.String),
  profilePath: Schema.NullOr(Schema.String),
  order: Schema.Int
}) {}

export class CrewMember extends Schema.Class<CrewMember>("CrewMember")({
  personId: PersonId,
  name: Schema.String,
  department: Schema.NullOr(Schema.String),
  job: Schema.NullOr(Schema.String),
  profilePath: Schema.NullOr(Schema.String)
}) {}

export class MediaStreamInfo extends Schema.Class<MediaStreamInfo>("MediaStreamInfo")({
  kind: Schema.Literal("video", "audio", "subtitle"),
  index: Schema.NullOr(Schema.Int),
  codec: Schema.String,
  language: Schema.NullOr(Schema.String),
  title: Schema.NullOr(Schema.String),
  isDefault: Schema.Boolean,
  isForced: Schema.Boolean,
  external: Schema.Boolean
}) {}

export class MediaFileInfo extends Schema.Class<MediaFileInfo>("MediaFileInfo")({
  id: MediaFileId,
  path: Schema.String,
  sizeBytes: Schema.Number,
  state: Schema.Literal("present", "missing"),
  part: Schema.NullOr(Schema.Int),
  version: Schema.NullOr(Schema.String),
  container: Schema.NullOr(Schema.String),
  durationSeconds: Schema.NullOr(Schema.Number),
  streams: Schema.Array(MediaStreamInfo)
}) {}

export class MovieSummary extends Schema.Class<MovieSummary>("MovieSummary")({
  id: MovieId,
  libraryId: LibraryId,
  title: Schema.String,
  year: Schema.NullOr(Schema.Int),
  releaseDate: Schema.NullOr(Day),
  runtimeMinutes: Schema.NullOr(Schema.Int),
  rating: Schema.NullOr(Schema.Number),
  certification: Schema.NullOr(Schema.String),
  posterPath: Schema.NullOr(Schema.String),
  backdropPath: Schema.NullOr(Schema.String),
  addedAt: Schema.DateTimeUtc
}) {}

export class CollectionSummary extends Schema.Class<CollectionSummary>("CollectionSummary")({
  id: CollectionId,
  name: Schema.String,
  overview: Schema.NullOr(Schema.String),
  posterPath: Schema.NullOr(Schema.String),
  backdropPath: Schema.NullOr(Schema.String)
}) {}

export class MovieDetails extends Schema.Class<MovieDetails>("MovieDetails")({
  ...MovieSummary.fields,
  originalTitle: Schema.NullOr(Schema.String),
  originalLanguage: Schema.NullOr(Schema.String),
  overview: Schema.NullOr(Schema.String),
  tagline: Schema.NullOr(Schema.String),
  status: Schema.NullOr(Schema.String),
  voteCount: Schema.NullOr(Schema.Int),
  edition: Schema.NullOr(Schema.String),
  tmdbId: Schema.NullOr(Schema.String),
  imdbId: Schema.NullOr(Schema.String),
  logoPath: Schema.NullOr(Schema.String),
  genres: Schema.Array(Genre),
  studios: Schema.Array(Company),
  collection: Schema.NullOr(CollectionSummary),
  cast: Schema.Array(CastMember),
  crew: Schema.Array(CrewMember),
  files: Schema.Array(MediaFileInfo)
}) {}

export class SeriesSummary extends Schema.Class<SeriesSummary>("SeriesSummary")({
  id: SeriesId,
  libraryId: LibraryId,
  title: Schema.String,
  year: Schema.NullOr(Schema.Int),
  firstAirDate: Schema.NullOr(Day),
  status: Schema.NullOr(Schema.String),
  rating: Schema.NullOr(Schema.Number),
  certification: Schema.NullOr(Schema.String),
  posterPath: Schema.NullOr(Schema.String),
  backdropPath: Schema.NullOr(Schema.String),
  seasonCount: Schema.Int,
  episodeCount: Schema.Int,
  addedAt: Schema.DateTimeUtc
}) {}

export class Season extends Schema.Class<Season>("Season")({
  id: SeasonId,
  seriesId: SeriesId,
  seasonNumber: Schema.Int,
  name: Schema.NullOr(Schema.String),
  overview: Schema.NullOr(Schema.String),
  airDate: Schema.NullOr(Day),
  posterPath: Schema.NullOr(Schema.String),
  episodeCount: Schema.Int
}) {}

export class SeriesDetails extends Schema.Class<SeriesDetails>("SeriesDetails")({
  ...SeriesSummary.fields,
  originalTitle: Schema.NullOr(Schema.String),
  originalLanguage: Schema.NullOr(Schema.String),
  overview: Schema.NullOr(Schema.String),
  tagline: Schema.NullOr(Schema.String),
  lastAirDate: Schema.NullOr(Day),
  episodeRuntimeMinutes: Schema.NullOr(Schema.Int),
  voteCount: Schema.NullOr(Schema.Int),
  tmdbId: Schema.NullOr(Schema.String),
  imdbId: Schema.NullOr(Schema.String),
  tvdbId: Schema.NullOr(Schema.String),
  logoPath: Schema.NullOr(Schema.String),
  genres: Schema.Array(Genre),
  networks: Schema.Array(Company),
  cast: Schema.Array(CastMember),
  crew: Schema.Array(CrewMember),
  seasons: Schema.Array(Season)
}) {}

export class Episode extends Schema.Class<Episode>("Episode")({
  id: EpisodeId,
  seriesId: SeriesId,
  seriesTitle: Schema.String,
  seasonId: SeasonId,
  seasonNumber: Schema.Int,
  episodeNumber: Schema.NullOr(Schema.Int),
  absoluteNumber: Schema.NullOr(Schema.Int),
  title: Schema.NullOr(Schema.String),
  overview: Schema.NullOr(Schema.String),
  airDate: Schema.NullOr(Day),
  runtimeMinutes: Schema.NullOr(Schema.Int),
  rating: Schema.NullOr(Schema.Number),
  stillPath: Schema.NullOr(Schema.String),
  hasFile: Schema.Boolean
}) {}

export class EpisodeDetails extends Schema.Class<EpisodeDetails>("EpisodeDetails")({
  ...Episode.fields,
  libraryId: LibraryId,
  guestStars: Schema.Array(CastMember),
  crew: Schema.Array(CrewMember),
  files: Schema.Array(MediaFileInfo)
}) {}

export class CollectionDetails extends Schema.Class<CollectionDetails>("CollectionDetails")({
  ...CollectionSummary.fields,
  movieCount: Schema.Int
}) {}

/** A person's part in a title: characters played and jobs done, joined ("Ellen Ripley, Producer"). */
export class PersonMovieRole extends Schema.Class<PersonMovieRole>("PersonMovieRole")({
  movie: MovieSummary,
  role: Schema.NullOr(Schema.String)
}) {}

export class PersonSeriesRole extends Schema.Class<PersonSeriesRole>("PersonSeriesRole")({
  series: SeriesSummary,
  role: Schema.NullOr(Schema.String)
}) {}

/** A person as the caller sees them: only credits on titles in libraries the caller may see. */
export class PersonDetails extends Schema.Class<PersonDetails>("PersonDetails")({
  id: PersonId,
  name: Schema.String,
  biography: Schema.NullOr(Schema.String),
  birthday: Schema.NullOr(Day),
  deathday: Schema.NullOr(Day),
  placeOfBirth: Schema.NullOr(Schema.String),
  knownForDepartment: Schema.NullOr(Schema.String),
  profilePath: Schema.NullOr(Schema.String),
  movies: Schema.Array(PersonMovieRole),
  series: Schema.Array(PersonSeriesRole)
}) {}

/** A page of a listing. `nextCursor` continues after the last item (stable under inserts). */
const pageOf = <A, I>(item: Schema.Schema<A, I>) => ({
  items: Schema.Array(item),
  total: Schema.Int,
  limit: Schema.Int,
  offset: Schema.Int,
  nextCursor: Schema.NullOr(Schema.String)
})

export class MoviePage extends Schema.Class<MoviePage>("MoviePage")(pageOf(MovieSummary)) {}
export class SeriesPage extends Schema.Class<SeriesPage>("SeriesPage")(pageOf(SeriesSummary)) {}
export class EpisodePage extends Schema.Class<EpisodePage>("EpisodePage")(pageOf(Episode)) {}

export class ContinueMovie extends Schema.Class<ContinueMovie>("ContinueMovie")({
  movie: MovieSummary,
  progress: WatchProgress
}) {}
export class ContinueEpisode extends Schema.Class<ContinueEpisode>("ContinueEpisode")({
  episode: Episode,
  progress: WatchProgress
}) {}

export class HistoryEntry extends Schema.Class<HistoryEntry>("HistoryEntry")({
  kind: Schema.Literal("movie", "episode"),
  movie: Schema.NullOr(MovieSummary),
  episode: Schema.NullOr(Episode),
  watchedAt: Schema.DateTimeUtc
}) {}
export class HistoryPage extends Schema.Class<HistoryPage>("HistoryPage")(pageOf(HistoryEntry)) {}

export class MovieStats extends Schema.Class<MovieStats>("MovieStats")({
  total: Schema.Int,
  watched: Schema.Int,
  inProgress: Schema.Int,
  totalRuntimeMinutes: Schema.Int,
  watchedRuntimeMinutes: Schema.Int,
  plays: Schema.Int
}) {}

export class TvStats extends Schema.Class<TvStats>("TvStats")({
  series: Schema.Int,
  episodes: Schema.Int,
  watchedEpisodes: Schema.Int,
  inProgress: Schema.Int,
  completedSeries: Schema.Int,
  plays: Schema.Int
}) {}

export class SeriesWatchStats extends Schema.Class<SeriesWatchStats>("SeriesWatchStats")({
  seriesId: SeriesId,
  episodes: Schema.Int,
  watchedEpisodes: Schema.Int,
  percent: Schema.Number,
  inProgress: Schema.Int,
  lastWatchedAt: Schema.NullOr(Schema.DateTimeUtc)
}) {}

/** The next episode to watch, or none when the series is finished (or nothing is in the library). */
export class NextEpisode extends Schema.Class<NextEpisode>("NextEpisode")({
  episode: Schema.NullOr(Episode)
}) {}

// Requests

const Position = Schema.Number.pipe(Schema.between(0, 7 * 24 * 3600))
export class ProgressRequest extends Schema.Class<ProgressRequest>("ProgressRequest")(
  Schema.Struct({
    positionSeconds: Position,
    durationSeconds: Schema.optional(Schema.Number.pipe(Schema.greaterThan(0), Schema.lessThanOrEqualTo(7 * 24 * 3600)))
  }).annotations({ examples: [{ positionSeconds: 1350, durationSeconds: 5400 }] })
) {}

export class WatchedRequest extends Schema.Class<WatchedRequest>("WatchedRequest")({
  watched: Schema.Boolean
}) {}

export class BulkWatchedRequest extends Schema.Class<BulkWatchedRequest>("BulkWatchedRequest")({
  episodeIds: Schema.Array(EpisodeId).pipe(Schema.minItems(1), Schema.maxItems(500)),
  watched: Schema.Boolean
}) {}

// Listing parameters

export const SortField = Schema.Literal("title", "year", "added", "rating", "release_date", "runtime")
export type SortField = typeof SortField.Type
export const SortOrder = Schema.Literal("asc", "desc")
export type SortOrder = typeof SortOrder.Type

const Int = (min: number, max: number) => Schema.Int.pipe(Schema.between(min, max))

/** Filters and paging of a movie or series listing, as services and RPC take them. */
export const listFields = {
  limit: Schema.optional(Int(1, 100)),
  offset: Schema.optional(Int(0, 100_000)),
  cursor: Schema.optional(Schema.String.pipe(Schema.maxLength(500))),
  sort: Schema.optional(SortField),
  order: Schema.optional(SortOrder),
  genre: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100))),
  yearFrom: Schema.optional(Int(1800, 3000)),
  yearTo: Schema.optional(Int(1800, 3000)),
  minRating: Schema.optional(Schema.Number.pipe(Schema.between(0, 10))),
  network: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100))),
  status: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(50))),
  libraryId: Schema.optional(LibraryId),
  watched: Schema.optional(Schema.Boolean),
  q: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)))
}
export const ListQuery = Schema.Struct(listFields)
export type ListQuery = typeof ListQuery.Type

const UrlInt = (min: number, max: number) => Schema.NumberFromString.pipe(Schema.int(), Schema.between(min, max))

/** The same as URL parameters (numbers and booleans arrive as strings), described for the API document. */
const urlParam = <S extends Schema.Schema.Any>(schema: S, description: string) => Schema.optional(schema).annotations({ description })
const limitUrlFields = {
  limit: urlParam(UrlInt(1, 100), "How many items to answer, 1-100 (default 24)."),
  offset: urlParam(UrlInt(0, 100_000), "How many items to skip.")
}
export const ListUrlQuery = Schema.Struct({
  ...listFields,
  ...limitUrlFields,
  cursor: urlParam(listFields.cursor.from, "Where the next page starts: the `nextCursor` of the previous page (stable while items are added)."),
  sort: urlParam(SortField, "The field to sort by."),
  order: urlParam(SortOrder, "The sort direction."),
  genre: urlParam(listFields.genre.from, "Only titles of this genre (its name)."),
  yearFrom: urlParam(UrlInt(1800, 3000), "Only titles released in or after this year."),
  yearTo: urlParam(UrlInt(1800, 3000), "Only titles released in or before this year."),
  minRating: urlParam(Schema.NumberFromString.pipe(Schema.between(0, 10)), "Only titles rated at least this (0-10)."),
  network: urlParam(listFields.network.from, "Only series aired on this network (its name)."),
  status: urlParam(listFields.status.from, "Only series with this status (for example `Ended`)."),
  libraryId: urlParam(LibraryId, "Only titles of this library."),
  watched: urlParam(Schema.BooleanFromString, "`true`: only titles the caller watched; `false`: only the others."),
  q: urlParam(listFields.q.from, "Only titles whose title contains this text.")
})

export const limitFields = { limit: Schema.optional(Int(1, 100)), offset: Schema.optional(Int(0, 100_000)) }
export const LimitUrlQuery = Schema.Struct(limitUrlFields)

export const ContentKind = Schema.Literal("movie", "tvshow")
export type ContentKind = typeof ContentKind.Type

// Per-user ratings and favourites (not in the reference: an addition users expect).

/** A user's own rating (1-10) and favourite flag on a movie or series. */
export class UserMark extends Schema.Class<UserMark>("UserMark")({
  rating: Schema.NullOr(Schema.Int),
  favorite: Schema.Boolean
}) {}

export class RatingRequest extends Schema.Class<RatingRequest>("RatingRequest")({
  rating: Schema.Int.pipe(Schema.between(1, 10))
}) {}

export class FavoriteRequest extends Schema.Class<FavoriteRequest>("FavoriteRequest")({
  favorite: Schema.Boolean
}) {}

/** What a mark is on. */
export const MarkTarget = Schema.Literal("movie", "series")
export type MarkTarget = typeof MarkTarget.Type
