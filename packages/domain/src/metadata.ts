/**
 * Metadata as the server sees it, whatever provider it came from: search results, movies, series,
 * seasons, episodes, people, credits and images. Provider modules map their APIs to these; the
 * refresh pipeline merges them by provider priority and language. Ids of a provider are strings.
 */
import { Schema } from "effect"

const Text = Schema.NullOr(Schema.String)
const Num = Schema.NullOr(Schema.Number)
/** An ISO date `YYYY-MM-DD`. */
const Day = Schema.NullOr(Schema.String)

export const MediaType = Schema.Literal("movie", "tv", "person")
export type MediaType = typeof MediaType.Type

export const ImageKind = Schema.Literal("poster", "backdrop", "logo", "still", "profile", "banner", "clearart", "disc")
export type ImageKind = typeof ImageKind.Type

/** Sizes the image endpoint serves (width in pixels, or the stored original). */
export const ImageSize = Schema.Literal("w92", "w154", "w185", "w300", "w342", "w500", "w780", "w1280", "original")
export type ImageSize = typeof ImageSize.Type

/** The groups of fields a provider's priority is set for (lower comes first in the merge). */
export const FieldGroup = Schema.Literal("titles", "overview", "images", "ratings", "people")
export type FieldGroup = typeof FieldGroup.Type

const Priority = Schema.Int.pipe(Schema.between(1, 100))
export const FieldPriorities = Schema.Struct({
  titles: Priority,
  overview: Priority,
  images: Priority,
  ratings: Priority,
  people: Priority
})
export type FieldPriorities = typeof FieldPriorities.Type

export class ProviderStatus extends Schema.Class<ProviderStatus>("ProviderStatus")({
  name: Schema.String,
  /** Lower comes first when fields are merged (the titles group's priority). */
  priority: Schema.Int,
  enabled: Schema.Boolean,
  /** Has what it needs to run (an API key, unless it needs none). */
  configured: Schema.Boolean,
  /** Enabled, configured, no configuration error and its circuit is not open. */
  healthy: Schema.Boolean,
  circuit: Schema.Literal("closed", "open", "half_open"),
  lastError: Text,
  /** An API key is set (stored sealed or given by the environment); never shown. */
  keySet: Schema.Boolean,
  /** The provider refused our credentials (401/403): it is not called until its settings change. */
  configurationError: Text,
  /** Why a provider cannot be used at all (e.g. no public API), else null. */
  unavailable: Text,
  language: Text,
  priorities: FieldPriorities,
  /** Calls this node made to it in the last hour. */
  requestsLastHour: Schema.Int,
  /** Calls left in the provider's current window, from its last rate-limit headers (null: it sends none). */
  rateLimitRemaining: Schema.NullOr(Schema.Int),
  /** Calls per second this node allows itself. */
  ratePerSecond: Schema.Number
}) {}

/** An admin's change to a provider's settings; absent fields stay as they are; a null key or language clears it. */
export class UpdateProviderSettings extends Schema.Class<UpdateProviderSettings>("UpdateProviderSettings")({
  enabled: Schema.optional(Schema.Boolean),
  apiKey: Schema.optional(Schema.NullOr(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(500)))),
  language: Schema.optional(Schema.NullOr(Schema.String.pipe(
    Schema.pattern(/^[a-z]{2}(-[A-Z]{2})?$/, { message: () => "a language like en or en-US" })
  ))),
  priorities: Schema.optional(Schema.partial(FieldPriorities))
}) {}

/** A score from one source (IMDb, Rotten Tomatoes, Metacritic, TMDb...), on the source's own scale. */
export class RatingScore extends Schema.Class<RatingScore>("RatingScore")({
  source: Schema.String,
  value: Schema.Number,
  /** The top of the source's scale (10, 100). */
  max: Schema.Number,
  votes: Num
}) {}

/** An id another provider may know; absent in older records. */
const OtherId = Schema.optionalWith(Text, { default: () => null })

/** An item's ids at every provider that knows it: any one of them leads the other providers to the item. */
export class ExternalIds extends Schema.Class<ExternalIds>("ExternalIds")({
  tmdb: Text,
  imdb: Text,
  tvdb: Text,
  wikidata: Text,
  mal: OtherId,
  anilist: OtherId,
  kitsu: OtherId,
  anidb: OtherId,
  trakt: OtherId,
  simkl: OtherId
}) {}

/** The id kinds of ExternalIds. */
export const EXTERNAL_ID_KINDS = ["tmdb", "imdb", "tvdb", "wikidata", "mal", "anilist", "kitsu", "anidb", "trakt", "simkl"] as const
export type ExternalIdKind = typeof EXTERNAL_ID_KINDS[number]

/** `ids` with what `more` knows added (the ids already known stay). */
export const addIds = (ids: ExternalIds, more: ExternalIds): ExternalIds =>
  new ExternalIds({
    tmdb: ids.tmdb ?? more.tmdb, imdb: ids.imdb ?? more.imdb, tvdb: ids.tvdb ?? more.tvdb, wikidata: ids.wikidata ?? more.wikidata,
    mal: ids.mal ?? more.mal, anilist: ids.anilist ?? more.anilist, kitsu: ids.kitsu ?? more.kitsu, anidb: ids.anidb ?? more.anidb,
    trakt: ids.trakt ?? more.trakt, simkl: ids.simkl ?? more.simkl
  })

/** The kinds of id `ids` knows. */
export const knownIds = (ids: ExternalIds): ReadonlyArray<ExternalIdKind> => EXTERNAL_ID_KINDS.filter((k) => ids[k] !== null)

export class MetadataImage extends Schema.Class<MetadataImage>("MetadataImage")({
  kind: ImageKind,
  /** The provider's path, e.g. `/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg`. */
  path: Schema.String,
  language: Text,
  width: Schema.Number,
  height: Schema.Number,
  voteAverage: Schema.Number
}) {}

export const CreditKind = Schema.Literal("cast", "crew", "guest")
export type CreditKind = typeof CreditKind.Type

export class MetadataCredit extends Schema.Class<MetadataCredit>("MetadataCredit")({
  personId: Schema.String,
  name: Schema.String,
  kind: CreditKind,
  character: Text,
  department: Text,
  job: Text,
  order: Schema.Number,
  profilePath: Text,
  knownForDepartment: Text
}) {}

export class SearchResult extends Schema.Class<SearchResult>("SearchResult")({
  id: Schema.String,
  mediaType: MediaType,
  title: Schema.String,
  originalTitle: Text,
  year: Num,
  date: Day,
  overview: Text,
  posterPath: Text,
  popularity: Num,
  voteAverage: Num,
  /** Genre names (from the provider's genre list). */
  genres: Schema.Array(Schema.String)
}) {}

export class SearchPage extends Schema.Class<SearchPage>("SearchPage")({
  page: Schema.Number,
  totalPages: Schema.Number,
  totalResults: Schema.Number,
  results: Schema.Array(SearchResult)
}) {}

export class NamedRef extends Schema.Class<NamedRef>("NamedRef")({
  id: Schema.String,
  name: Schema.String,
  logoPath: Text,
  originCountry: Text
}) {}

export class Certification extends Schema.Class<Certification>("Certification")({
  country: Schema.String,
  rating: Schema.String
}) {}

export class CollectionRef extends Schema.Class<CollectionRef>("CollectionRef")({
  id: Schema.String,
  name: Schema.String,
  posterPath: Text,
  backdropPath: Text
}) {}

/** Fields every titled item shares (movie or series). */
const titledFields = {
  provider: Schema.String,
  id: Schema.String,
  title: Schema.String,
  originalTitle: Text,
  originalLanguage: Text,
  overview: Text,
  tagline: Text,
  rating: Num,
  voteCount: Num,
  popularity: Num,
  status: Text,
  homepage: Text,
  posterPath: Text,
  backdropPath: Text,
  logoPath: Text,
  genres: Schema.Array(NamedRef),
  studios: Schema.Array(NamedRef),
  certifications: Schema.Array(Certification),
  externalIds: ExternalIds,
  credits: Schema.Array(MetadataCredit),
  images: Schema.Array(MetadataImage),
  /** Other titles it is known by (other countries, working titles): search finds it by them. */
  alternativeTitles: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
  /** Scores of other sources (IMDb, Rotten Tomatoes, Metacritic) where a provider gives them. */
  ratings: Schema.optionalWith(Schema.Array(RatingScore), { default: () => [] }),
  awards: Schema.optionalWith(Text, { default: () => null })
}

export class MetadataMovie extends Schema.Class<MetadataMovie>("MetadataMovie")({
  ...titledFields,
  releaseDate: Day,
  runtimeMinutes: Num,
  budget: Num,
  revenue: Num,
  collection: Schema.NullOr(CollectionRef)
}) {}

const seasonFields = {
  id: Schema.String,
  seasonNumber: Schema.Number,
  name: Text,
  overview: Text,
  airDate: Day,
  posterPath: Text
}

export class SeasonSummary extends Schema.Class<SeasonSummary>("SeasonSummary")({
  ...seasonFields,
  episodeCount: Num
}) {}

export class MetadataSeries extends Schema.Class<MetadataSeries>("MetadataSeries")({
  ...titledFields,
  firstAirDate: Day,
  lastAirDate: Day,
  episodeRuntimeMinutes: Num,
  networks: Schema.Array(NamedRef),
  seasons: Schema.Array(SeasonSummary)
}) {}

export class MetadataEpisode extends Schema.Class<MetadataEpisode>("MetadataEpisode")({
  id: Schema.String,
  seasonNumber: Schema.Number,
  episodeNumber: Schema.Number,
  title: Text,
  overview: Text,
  airDate: Day,
  runtimeMinutes: Num,
  rating: Num,
  voteCount: Num,
  stillPath: Text,
  credits: Schema.Array(MetadataCredit),
  images: Schema.Array(MetadataImage)
}) {}

export class MetadataSeason extends Schema.Class<MetadataSeason>("MetadataSeason")({
  ...seasonFields,
  episodes: Schema.Array(MetadataEpisode),
  images: Schema.Array(MetadataImage)
}) {}

export class PersonCredit extends Schema.Class<PersonCredit>("PersonCredit")({
  mediaType: Schema.Literal("movie", "tv"),
  id: Schema.String,
  title: Schema.String,
  character: Text,
  department: Text,
  job: Text,
  year: Num,
  posterPath: Text,
  popularity: Num
}) {}

export class MetadataPerson extends Schema.Class<MetadataPerson>("MetadataPerson")({
  provider: Schema.String,
  id: Schema.String,
  name: Schema.String,
  biography: Text,
  birthday: Day,
  deathday: Day,
  placeOfBirth: Text,
  gender: Num,
  knownForDepartment: Text,
  profilePath: Text,
  popularity: Num,
  imdbId: Text,
  alsoKnownAs: Schema.Array(Schema.String),
  /** The person's best-known titles (most popular credits first). */
  knownFor: Schema.Array(PersonCredit),
  images: Schema.Array(MetadataImage)
}) {}

export class MetadataCollection extends Schema.Class<MetadataCollection>("MetadataCollection")({
  id: Schema.String,
  name: Schema.String,
  overview: Text,
  posterPath: Text,
  backdropPath: Text,
  parts: Schema.Array(SearchResult)
}) {}

// --- matching and editing ---------------------------------------------------------------------

/** A provider item a scanned title may be; `score` is the confidence rule's (0..1). */
export class MatchCandidate extends Schema.Class<MatchCandidate>("MatchCandidate")({
  provider: Schema.String,
  id: Schema.String,
  title: Schema.String,
  year: Num,
  score: Schema.Number
}) {}

/** `pending`: not looked up yet; `ready`: filled; `unmatched`: no confident match (see candidates); `not_found`. */
export const MetadataState = Schema.Literal("pending", "ready", "unmatched", "not_found")
export type MetadataState = typeof MetadataState.Type

/** Where an item's metadata stands: its match, candidates and locked fields. */
export class ItemMetadata extends Schema.Class<ItemMetadata>("ItemMetadata")({
  id: Schema.String,
  kind: Schema.Literal("movie", "series"),
  title: Schema.String,
  overview: Text,
  tmdbId: Text,
  metadataState: MetadataState,
  lockedFields: Schema.Array(Schema.String),
  matchCandidates: Schema.Array(MatchCandidate),
  metadataUpdatedAt: Schema.NullOr(Schema.DateTimeUtc)
}) {}

/** Fields an admin may set on a movie or series; each one set is locked against refreshes. */
export const EditableField = Schema.Literal("title", "originalTitle", "sortTitle", "overview", "tagline", "certification")
export type EditableField = typeof EditableField.Type

const EditText = Schema.Trim.pipe(Schema.minLength(1), Schema.maxLength(10_000))

export class MetadataEdit extends Schema.Class<MetadataEdit>("MetadataEdit")({
  title: Schema.optional(EditText.pipe(Schema.maxLength(500))),
  originalTitle: Schema.optional(EditText.pipe(Schema.maxLength(500))),
  sortTitle: Schema.optional(EditText.pipe(Schema.maxLength(500))),
  overview: Schema.optional(EditText),
  tagline: Schema.optional(EditText.pipe(Schema.maxLength(1000))),
  certification: Schema.optional(EditText.pipe(Schema.maxLength(20))),
  /** Fields to hand back to refreshes (their values stay until the next refresh). */
  unlock: Schema.optional(Schema.Array(EditableField))
}) {}

export class ConfirmMatch extends Schema.Class<ConfirmMatch>("ConfirmMatch")({
  /** The provider's id of the right title (e.g. TMDb's 603). */
  tmdbId: Schema.String.pipe(Schema.pattern(/^[1-9][0-9]{0,9}$/, { message: () => "a TMDb id: digits" }))
}) {}

export class RefreshQueued extends Schema.Class<RefreshQueued>("RefreshQueued")({
  jobId: Schema.String
}) {}

// --- errors -----------------------------------------------------------------------------------

/** A provider could not answer now: timeout, connection error, 5xx, 429, open circuit. Retryable. */
export class ProviderUnavailable extends Schema.TaggedError<ProviderUnavailable>()("ProviderUnavailable", {
  provider: Schema.String,
  message: Schema.String,
  status: Schema.optional(Schema.Number),
  retryAfterMs: Schema.optional(Schema.Number)
}) {
  get family(): "Retryable" {
    return "Retryable"
  }
}

/**
 * A provider refused for good: unknown id (404/410), bad key (401), invalid request, not configured.
 * Discard: asking again cannot help.
 */
export class ProviderRejected extends Schema.TaggedError<ProviderRejected>()("ProviderRejected", {
  provider: Schema.String,
  message: Schema.String,
  reason: Schema.Literal("not_found", "unauthorized", "invalid", "not_configured"),
  status: Schema.optional(Schema.Number)
}) {
  get family(): "Discard" {
    return "Discard"
  }
}

export type ProviderError = ProviderUnavailable | ProviderRejected
