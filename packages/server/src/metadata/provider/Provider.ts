/**
 * What a metadata provider module offers. TMDb implements all of it; providers that know less (TVDb,
 * OMDb, fanart.tv...) will fail the calls they cannot answer with ProviderRejected("invalid") and are
 * skipped by the merge.
 */
import type {
  MetadataCollection,
  MetadataEpisode,
  MetadataMovie,
  MetadataPerson,
  MetadataSeason,
  MetadataSeries,
  PersonCredit,
  ProviderError,
  SearchPage
} from "@mediaserver/domain"
import type { Effect, Option } from "effect"
import type { CircuitSnapshot } from "./CircuitBreaker.js"

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
  readonly enabled: boolean
  /** Has its credentials. */
  readonly configured: boolean
  readonly circuit: Effect.Effect<CircuitSnapshot>
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
  /** The original bytes of an image path this provider handed out. */
  readonly image: (path: string, maxBytes: number) => Effect.Effect<ImageBytes, ProviderError>
}
