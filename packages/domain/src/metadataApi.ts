/**
 * Metadata over REST and RPC: provider lookups (`/metadata/...`, admins and library managers), the
 * refresh, edit and match operations on library items (`MetadataRefreshApi`), and images.
 * Provider ids in paths are TMDb's numeric ids.
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import { MovieId, SeriesId } from "./contentIds.js"
import {
  BadRequest,
  Forbidden,
  HttpBadRequest,
  HttpForbidden,
  HttpNotFound,
  HttpUnavailable,
  HttpUnprocessable,
  NotFound,
  Unavailable,
  Unprocessable
} from "./errors.js"
import { Authentication, RpcAuthentication } from "./identity.js"
import {
  Certification,
  ConfirmMatch,
  ExternalIds,
  ImageKind,
  ImageSize,
  ItemMetadata,
  MetadataCollection,
  MetadataCredit,
  MetadataEdit,
  MetadataEpisode,
  MetadataImage,
  MetadataMovie,
  MetadataPerson,
  MetadataSeason,
  MetadataSeries,
  PersonCredit,
  ProviderStatus,
  RefreshQueued,
  SearchPage,
  UpdateProviderSettings
} from "./metadata.js"
import { about, doc } from "./apiDocs.js"

/** A provider's numeric id, as in `/metadata/movie/603`. */
export const ProviderItemId = Schema.String.pipe(
  Schema.pattern(/^[1-9][0-9]{0,9}$/, { message: () => "a provider id: digits" })
)
const Language = Schema.String.pipe(
  Schema.pattern(/^[a-z]{2}(-[A-Z]{2})?$/, { message: () => "a language like en or en-US" })
)
const IntParam = (min: number, max: number) =>
  Schema.NumberFromString.pipe(Schema.int(), Schema.between(min, max))

export const SearchParams = Schema.Struct({
  query: Schema.Trim.pipe(Schema.minLength(1), Schema.maxLength(200)),
  year: Schema.optional(IntParam(1870, 2200)),
  /** The provider's own page (its size is the provider's): these lookups pass through, they list nothing of ours. */
  page: Schema.optional(IntParam(1, 500)).annotations({ description: "The provider's page of results, from 1 (the provider sets its size)." }),
  language: Schema.optional(Language)
})
export type SearchParams = typeof SearchParams.Type
const LanguageParams = Schema.Struct({ language: Schema.optional(Language) })

const idPath = Schema.Struct({ id: ProviderItemId })
const seasonPath = Schema.Struct({ id: ProviderItemId, seasonNumber: IntParam(0, 1000) })
const episodePath = Schema.Struct({ id: ProviderItemId, seasonNumber: IntParam(0, 1000), episodeNumber: IntParam(0, 100000) })

const get = <const Name extends string, S extends Schema.Schema.Any>(name: Name, path: `/${string}`, success: S) =>
  HttpApiEndpoint.get(name, `/metadata${path}`).addSuccess(success)

/** A metadata provider's name, as in `/admin/metadata/providers/tvdb`. */
export const ProviderName = Schema.String.pipe(Schema.pattern(/^[a-z]{2,20}$/, { message: () => "a provider name like tmdb" }))
const providerPath = Schema.Struct({ name: ProviderName })

export class MetadataApi extends HttpApiGroup.make("metadata")
  .annotateContext(about("Lookups in the configured metadata providers (TMDB-style ids): search, movies, series, seasons, episodes, people, images and external ids."))
  .add(
    get("providers", "/providers", Schema.Array(ProviderStatus))
      .annotateContext(doc("List metadata providers", "The configured metadata providers with their priority, whether enabled, and their health (circuit breaker state)."))
  )
  .add(
    HttpApiEndpoint.patch("updateProvider", "/admin/metadata/providers/:name")
      .setPath(providerPath)
      .setPayload(UpdateProviderSettings)
      .addSuccess(ProviderStatus)
      .addError(HttpBadRequest)
      .annotateContext(doc("Configure a metadata provider", "Admin: enables or disables a provider, or changes its priority."))
  )
  .add(
    get("searchMovie", "/search/movie", SearchPage).setUrlParams(SearchParams)
      .annotateContext(doc("Search provider movies", "Searches the providers for movies by title (and year); used to match a file by hand."))
  )
  .add(
    get("movie", "/movie/:id", MetadataMovie).setPath(idPath).setUrlParams(LanguageParams)
      .annotateContext(doc("Get provider movie", "A movie's metadata as the providers have it, in `language` when given."))
  )
  .add(
    get("movieCredits", "/movie/:id/credits", Schema.Array(MetadataCredit)).setPath(idPath)
      .annotateContext(doc("Get provider movie credits", "A movie's cast and crew as the providers have them."))
  )
  .add(
    get("movieImages", "/movie/:id/images", Schema.Array(MetadataImage)).setPath(idPath)
      .annotateContext(doc("Get provider movie images", "Posters, backdrops and logos of a movie the providers offer."))
  )
  .add(
    get("movieSimilar", "/movie/:id/similar", SearchPage).setPath(idPath).setUrlParams(LanguageParams)
      .annotateContext(doc("Get provider similar movies", "Movies the providers consider similar."))
  )
  .add(
    get("movieRecommendations", "/movie/:id/recommendations", SearchPage).setPath(idPath).setUrlParams(LanguageParams)
      .annotateContext(doc("Get provider recommendations", "Movies the providers recommend after this one."))
  )
  .add(
    get("movieExternalIds", "/movie/:id/external-ids", ExternalIds).setPath(idPath)
      .annotateContext(doc("Get movie external ids", "The movie's ids elsewhere (IMDb, TMDB, TVDB, Wikidata)."))
  )
  .add(
    get("collection", "/collection/:id", MetadataCollection).setPath(idPath).setUrlParams(LanguageParams)
      .annotateContext(doc("Get provider collection", "A collection (saga) as the providers have it."))
  )
  .add(
    get("searchTv", "/search/tv", SearchPage).setUrlParams(SearchParams)
      .annotateContext(doc("Search provider series", "Searches the providers for series by title (and first-air year)."))
  )
  .add(
    get("tv", "/tv/:id", MetadataSeries).setPath(idPath).setUrlParams(LanguageParams)
      .annotateContext(doc("Get provider series", "A series' metadata as the providers have it."))
  )
  .add(
    get("tvCredits", "/tv/:id/credits", Schema.Array(MetadataCredit)).setPath(idPath)
      .annotateContext(doc("Get provider series credits", "A series' cast and crew as the providers have them."))
  )
  .add(
    get("tvImages", "/tv/:id/images", Schema.Array(MetadataImage)).setPath(idPath)
      .annotateContext(doc("Get provider series images", "Posters, backdrops and logos of a series the providers offer."))
  )
  .add(
    get("tvContentRatings", "/tv/:id/content-ratings", Schema.Array(Certification)).setPath(idPath)
      .annotateContext(doc("Get series content ratings", "A series' age certifications per country."))
  )
  .add(
    get("tvExternalIds", "/tv/:id/external-ids", ExternalIds).setPath(idPath)
      .annotateContext(doc("Get series external ids", "The series' ids elsewhere (IMDb, TMDB, TVDB)."))
  )
  .add(
    get("season", "/tv/:id/season/:seasonNumber", MetadataSeason).setPath(seasonPath).setUrlParams(LanguageParams)
      .annotateContext(doc("Get provider season", "A season's metadata with its episodes, as the providers have it."))
  )
  .add(
    get("seasonImages", "/tv/:id/season/:seasonNumber/images", Schema.Array(MetadataImage)).setPath(seasonPath)
      .annotateContext(doc("Get provider season images", "Posters of a season the providers offer."))
  )
  .add(
    get("episode", "/tv/:id/season/:seasonNumber/episode/:episodeNumber", MetadataEpisode)
      .setPath(episodePath)
      .setUrlParams(LanguageParams)
      .annotateContext(doc("Get provider episode", "An episode's metadata as the providers have it."))
  )
  .add(
    get("episodeImages", "/tv/:id/season/:seasonNumber/episode/:episodeNumber/images", Schema.Array(MetadataImage))
      .setPath(episodePath)
      .annotateContext(doc("Get provider episode images", "Stills of an episode the providers offer."))
  )
  .add(
    get("searchPerson", "/search/person", SearchPage).setUrlParams(SearchParams)
      .annotateContext(doc("Search provider people", "Searches the providers for people by name."))
  )
  .add(
    get("person", "/person/:id", MetadataPerson).setPath(idPath).setUrlParams(LanguageParams)
      .annotateContext(doc("Get provider person", "A person's metadata as the providers have it."))
  )
  .add(
    get("personCredits", "/person/:id/credits", Schema.Array(PersonCredit)).setPath(idPath)
      .annotateContext(doc("Get provider person credits", "The movies and series a person worked on, as the providers have them."))
  )
  .add(
    get("personImages", "/person/:id/images", Schema.Array(MetadataImage)).setPath(idPath)
      .annotateContext(doc("Get provider person images", "Profile pictures of a person the providers offer."))
  )
  .middleware(Authentication)
  .addError(HttpNotFound)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

const moviePath = Schema.Struct({ id: MovieId })
const seriesPath = Schema.Struct({ id: SeriesId })

/** Refresh, edit (locks the fields) and match operations on library items: admins and the library's managers. */
export class MetadataRefreshApi extends HttpApiGroup.make("metadataRefresh")
  .annotateContext(about("Refresh, edit and match the metadata of the caller's movies and series."))
  .add(
    HttpApiEndpoint.post("refreshMovie", "/movies/:id/refresh").setPath(moviePath).addSuccess(RefreshQueued, { status: 202 }).addError(HttpUnprocessable)
      .annotateContext(doc("Refresh a movie's metadata", "Queues a metadata refresh of the movie from the providers (202); locked fields are kept."))
  )
  .add(
    HttpApiEndpoint.post("refreshSeries", "/tvshows/:id/refresh").setPath(seriesPath).addSuccess(RefreshQueued, { status: 202 }).addError(HttpUnprocessable)
      .annotateContext(doc("Refresh a series' metadata", "Queues a metadata refresh of the series, its seasons and episodes (202); locked fields are kept."))
  )
  .add(
    HttpApiEndpoint.get("movieMetadata", "/movies/:id/metadata").setPath(moviePath).addSuccess(ItemMetadata)
      .annotateContext(doc("Get a movie's stored metadata", "The movie's metadata as stored, with its match and which fields are locked."))
  )
  .add(
    HttpApiEndpoint.get("seriesMetadata", "/tvshows/:id/metadata").setPath(seriesPath).addSuccess(ItemMetadata)
      .annotateContext(doc("Get a series' stored metadata", "The series' metadata as stored, with its match and which fields are locked."))
  )
  .add(
    HttpApiEndpoint.patch("editMovie", "/movies/:id/metadata")
      .setPath(moviePath)
      .setPayload(MetadataEdit)
      .addSuccess(ItemMetadata)
      .addError(HttpUnprocessable)
      .annotateContext(doc("Edit a movie's metadata", "Changes the given fields of the movie; edited fields are locked against refreshes until unlocked."))
  )
  .add(
    HttpApiEndpoint.patch("editSeries", "/tvshows/:id/metadata")
      .setPath(seriesPath)
      .setPayload(MetadataEdit)
      .addSuccess(ItemMetadata)
      .addError(HttpUnprocessable)
      .annotateContext(doc("Edit a series' metadata", "Changes the given fields of the series; edited fields are locked against refreshes until unlocked."))
  )
  .add(
    HttpApiEndpoint.post("matchMovie", "/movies/:id/match")
      .setPath(moviePath)
      .setPayload(ConfirmMatch)
      .addSuccess(RefreshQueued, { status: 202 })
      .addError(HttpUnprocessable)
      .annotateContext(doc("Match a movie by hand", "Sets the provider id the movie is matched to and queues a refresh from it (202)."))
  )
  .add(
    HttpApiEndpoint.post("matchSeries", "/tvshows/:id/match")
      .setPath(seriesPath)
      .setPayload(ConfirmMatch)
      .addSuccess(RefreshQueued, { status: 202 })
      .addError(HttpUnprocessable)
      .annotateContext(doc("Match a series by hand", "Sets the provider id the series is matched to and queues a refresh from it (202)."))
  )
  .middleware(Authentication)
  .addError(HttpNotFound)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

const imagePath = Schema.Struct({
  type: ImageKind,
  size: ImageSize,
  /** The provider path without its leading slash: letters, digits, `_`, `-`, one image extension. */
  path: Schema.String.pipe(
    Schema.pattern(/^[A-Za-z0-9_-]{1,100}\.(jpg|jpeg|png|webp)$/, { message: () => "an image file name like abc.jpg" })
  )
})
export type ImagePath = typeof imagePath.Type

export class ImagesApi extends HttpApiGroup.make("images")
  .annotateContext(about("Artwork (posters, backdrops, stills, profiles) resized on demand and served with long-lived cache headers."))
  .add(
    HttpApiEndpoint.get("image", "/images/:type/:size/:path")
      .setPath(imagePath)
      .addSuccess(HttpApiSchema.Uint8Array({ contentType: "image/jpeg" }))
      .addError(HttpBadRequest)
      .annotateContext(doc("Get an image", "An artwork file at a size (`original` or a width such as `w500`), resized on demand and cached; public and immutable."))
  )
  .middleware(Authentication)
  .addError(HttpNotFound)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

const Errors = Schema.Union(Forbidden, NotFound, Unavailable)
/** Queueing a refresh may also be refused (422) when the item cannot make a job payload. */
const queued = <const Tag extends string, P extends Schema.Struct.Fields>(tag: Tag, payload: P) =>
  Rpc.make(tag, { payload, success: RefreshQueued, error: Schema.Union(Forbidden, NotFound, Unprocessable, Unavailable) })
const lookup = <const Tag extends string, P extends Schema.Struct.Fields, S extends Schema.Schema.Any>(tag: Tag, payload: P, success: S) =>
  Rpc.make(tag, { payload, success, error: Errors })
const withLanguage = { language: Schema.optional(Language) }
const searchFields = {
  query: Schema.Trim.pipe(Schema.minLength(1), Schema.maxLength(200)),
  year: Schema.optional(Schema.Int),
  page: Schema.optional(Schema.Int.pipe(Schema.between(1, 500))),
  ...withLanguage
}
const idFields = { id: ProviderItemId, ...withLanguage }
const seasonFields = { ...idFields, seasonNumber: Schema.Int.pipe(Schema.between(0, 1000)) }
const ImageBytes = Schema.Struct({ contentType: Schema.String, etag: Schema.String, data: Schema.Uint8ArrayFromBase64 })

/** The same capabilities over RPC: sub-resources (credits, images, ids, ratings) come with their item. */
export class MetadataRpcs extends RpcGroup.make(
  Rpc.make("MetadataProviders", { success: Schema.Array(ProviderStatus), error: Errors }),
  Rpc.make("MetadataUpdateProvider", {
    payload: { name: ProviderName, settings: UpdateProviderSettings },
    success: ProviderStatus,
    error: Schema.Union(Forbidden, NotFound, BadRequest, Unavailable)
  }),
  lookup("MetadataSearchMovie", searchFields, SearchPage),
  lookup("MetadataSearchTv", searchFields, SearchPage),
  lookup("MetadataSearchPerson", searchFields, SearchPage),
  lookup("MetadataMovie", idFields, MetadataMovie),
  lookup("MetadataMovieSimilar", idFields, SearchPage),
  lookup("MetadataMovieRecommendations", idFields, SearchPage),
  lookup("MetadataCollection", idFields, MetadataCollection),
  lookup("MetadataTv", idFields, MetadataSeries),
  lookup("MetadataSeason", seasonFields, MetadataSeason),
  lookup("MetadataEpisode", { ...seasonFields, episodeNumber: Schema.Int.pipe(Schema.between(0, 100000)) }, MetadataEpisode),
  lookup("MetadataPerson", idFields, MetadataPerson),
  queued("MetadataRefreshMovie", { id: MovieId }),
  queued("MetadataRefreshSeries", { id: SeriesId }),
  lookup("MetadataMovieState", { id: MovieId }, ItemMetadata),
  lookup("MetadataSeriesState", { id: SeriesId }, ItemMetadata),
  Rpc.make("MetadataEditMovie", {
    payload: { id: MovieId, edit: MetadataEdit },
    success: ItemMetadata,
    error: Schema.Union(Forbidden, NotFound, Unprocessable, Unavailable)
  }),
  Rpc.make("MetadataEditSeries", {
    payload: { id: SeriesId, edit: MetadataEdit },
    success: ItemMetadata,
    error: Schema.Union(Forbidden, NotFound, Unprocessable, Unavailable)
  }),
  queued("MetadataMatchMovie", { id: MovieId, match: ConfirmMatch }),
  queued("MetadataMatchSeries", { id: SeriesId, match: ConfirmMatch }),
  Rpc.make("ImagesGet", {
    payload: imagePath.fields,
    success: ImageBytes,
    error: Schema.Union(Forbidden, NotFound, BadRequest, Unavailable)
  })
).middleware(RpcAuthentication) {}
