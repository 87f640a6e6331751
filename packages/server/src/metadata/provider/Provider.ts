/**
 * What a metadata provider module offers. TMDb implements all of it; providers that know less (OMDb,
 * TVMaze, fanart.tv...) start from `partialProvider`: the calls they cannot answer fail with
 * ProviderRejected("invalid") and the merge skips them. Images of providers other than TMDb have flat
 * paths `/<provider>_<their URL path, "/" as "__">` (`imagePath`), so an image names its provider.
 */
import {
  type ExternalIds,
  type MetadataCollection,
  type MetadataEpisode,
  type MetadataMovie,
  type MetadataPerson,
  type MetadataSeason,
  type MetadataSeries,
  type PersonCredit,
  type ProviderError,
  ProviderRejected,
  type SearchPage
} from "@mediaserver/domain"
import { Effect, Option } from "effect"
import type { CircuitSnapshot } from "./CircuitBreaker.js"
import type { EndpointStats, ProviderEndpoint } from "./ProviderHttp.js"

/** Where an absolute episode number falls in a series' seasons. */
export interface Placement {
  readonly season: number
  readonly episode: number
}
/** A provider's absolute numbering of a series: absolute number -> season and episode. */
export type AbsoluteOrder = ReadonlyMap<number, Placement>

/** What the first provider said of the item, for providers that match by title (AniList). */
export interface ItemHint {
  readonly title: string
  readonly year: number | null
  readonly originalLanguage: string | null
}

export interface Lookup {
  /** ISO 639-1, optionally with a region (`en`, `pt-BR`). */
  readonly language: string
  /** Skip the response cache (refreshes want the provider's current answer). */
  readonly fresh?: boolean
}

export interface SearchQuery {
  readonly query: string
  readonly year?: number | undefined
  readonly page?: number | undefined
}

export interface ImageBytes {
  readonly bytes: Uint8Array
  readonly contentType: string
}

export interface MetadataProvider {
  readonly name: string
  readonly circuit: Effect.Effect<CircuitSnapshot>
  readonly stats: Effect.Effect<EndpointStats>
  /** Its answers depend on the asked language (asked again in the original language for what is missing). */
  readonly translates: boolean
  /**
   * The provider's own id of an item another provider found, from that item's ids (cross-linking):
   * TMDb's is the tmdb id; OMDb's the IMDb id; TVMaze looks its show up by IMDb or TVDb id.
   * None: the provider does not know the item (it is skipped by the merge).
   */
  readonly resolveId: (ids: ExternalIds, kind: "movie" | "tv", item: ItemHint) => Effect.Effect<Option.Option<string>, ProviderError>
  readonly searchMovie: (query: SearchQuery, lookup: Lookup) => Effect.Effect<SearchPage, ProviderError>
  readonly searchTv: (query: SearchQuery, lookup: Lookup) => Effect.Effect<SearchPage, ProviderError>
  readonly searchPerson: (query: SearchQuery, lookup: Lookup) => Effect.Effect<SearchPage, ProviderError>
  readonly movie: (id: string, lookup: Lookup) => Effect.Effect<MetadataMovie, ProviderError>
  readonly movieSimilar: (id: string, lookup: Lookup) => Effect.Effect<SearchPage, ProviderError>
  readonly movieRecommendations: (id: string, lookup: Lookup) => Effect.Effect<SearchPage, ProviderError>
  readonly collection: (id: string, lookup: Lookup) => Effect.Effect<MetadataCollection, ProviderError>
  readonly tv: (id: string, lookup: Lookup) => Effect.Effect<MetadataSeries, ProviderError>
  readonly season: (id: string, seasonNumber: number, lookup: Lookup) => Effect.Effect<MetadataSeason, ProviderError>
  readonly episode: (id: string, seasonNumber: number, episodeNumber: number, lookup: Lookup) => Effect.Effect<MetadataEpisode, ProviderError>
  readonly person: (id: string, lookup: Lookup) => Effect.Effect<MetadataPerson, ProviderError>
  readonly personCredits: (id: string, lookup: Lookup) => Effect.Effect<ReadonlyArray<PersonCredit>, ProviderError>
  /** The provider's id of a movie or series known by its IMDb id. */
  readonly findByImdb: (imdbId: string, kind: "movie" | "tv") => Effect.Effect<Option.Option<string>, ProviderError>
  /** Where the series' absolute episode numbers fall in its seasons (anime numbering), when the provider has such an order. */
  readonly absoluteOrder: (id: string) => Effect.Effect<Option.Option<AbsoluteOrder>, ProviderError>
  /** The original bytes of an image path this provider handed out. */
  readonly image: (path: string, maxBytes: number) => Effect.Effect<ImageBytes, ProviderError>
}

/** A provider that answers nothing yet: modules override what they know. */
export const partialProvider = (name: string, endpoint: ProviderEndpoint): MetadataProvider => {
  const no = (what: string) => () => Effect.fail(new ProviderRejected({ provider: name, reason: "invalid", message: `${name} has no ${what}` }))
  return {
    name,
    circuit: endpoint.circuit,
    stats: endpoint.stats,
    translates: false,
    resolveId: () => Effect.succeed(Option.none()),
    searchMovie: no("movie search"),
    searchTv: no("series search"),
    searchPerson: no("person search"),
    movie: no("movies"),
    movieSimilar: no("similar movies"),
    movieRecommendations: no("recommendations"),
    collection: no("collections"),
    tv: no("series"),
    season: no("seasons"),
    episode: no("episodes"),
    person: no("people"),
    personCredits: no("person credits"),
    findByImdb: () => Effect.succeed(Option.none()),
    absoluteOrder: () => Effect.succeed(Option.none()),
    image: no("images")
  }
}

const SEPARATOR = "__"

/** The flat image path of a provider's image URL: `/fanart_fanart__movies__603__hdmovielogo__x.png`. */
export const imagePath = (provider: string, url: string): string | null => {
  const match = /^https?:\/\/[^/]+\/(.+)$/.exec(url)
  const rest = match?.[1]
  if (rest === undefined || rest.includes(SEPARATOR) || rest.includes("?")) return null
  return `/${provider}_${rest.split("/").join(SEPARATOR)}`
}

/** The URL of a flat image path under the provider's image host, or None when the path is not the provider's. */
export const imageUrl = (provider: string, base: string, path: string): Option.Option<string> => {
  const prefix = `/${provider}_`
  return path.startsWith(prefix)
    ? Option.some(`${base.replace(/\/+$/, "")}/${path.slice(prefix.length).split(SEPARATOR).join("/")}`)
    : Option.none()
}

/** The provider an image path belongs to (by its prefix), else `primary`. */
export const imageOwner = (path: string, names: ReadonlyArray<string>, primary: string): string => {
  const owner = /^\/([a-z]+)_/.exec(path)?.[1]
  return owner !== undefined && names.includes(owner) ? owner : primary
}

/** What a provider module is given to call with: its key (read at call time) and the 401/403 rule. */
export interface ProviderAccess {
  /** The admin's key (opened from its seal), else the environment's; None when neither is set. */
  readonly key: Effect.Effect<Option.Option<string>, ProviderError>
  /** A refused key (401/403) becomes the provider's configuration error: no more calls until its settings change. */
  readonly refused: <A, R>(effect: Effect.Effect<A, ProviderError, R>) => Effect.Effect<A, ProviderError, R>
}

/** The key, or ProviderRejected("not_configured"). */
export const requireKey = (name: string, access: ProviderAccess) =>
  Effect.flatMap(access.key, Option.match({
    onNone: () => Effect.fail(new ProviderRejected({ provider: name, reason: "not_configured", message: `${name} has no API key` })),
    onSome: Effect.succeed
  }))
