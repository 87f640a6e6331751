/**
 * Provider lookups for the `/metadata/...` operations (REST and RPC): the first usable provider,
 * in the asked language (else METADATA_LANGUAGE), cached by the provider module. Provider errors
 * become API errors here, once: an unknown id is 404; a provider down, refusing our key or not
 * configured is 503.
 */
import {
  type BadRequest,
  type DatabaseError,
  type MetadataCollection,
  type MetadataEpisode,
  type MetadataMovie,
  type MetadataPerson,
  type MetadataSeason,
  type MetadataSeries,
  NotFound,
  type PersonCredit,
  type ProviderError,
  type ProviderStatus,
  type SearchPage,
  Unavailable,
  type UpdateProviderSettings
} from "@mediaserver/domain"
import { Context, Effect, Layer } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import type { Lookup, MetadataProvider, SearchQuery } from "./provider/Provider.js"
import { MetadataProviders } from "./Providers.js"

export type LookupError = NotFound | Unavailable

export const toApiError = (e: ProviderError): LookupError =>
  e._tag === "ProviderUnavailable"
    ? new Unavailable({ message: e.message, details: { provider: e.provider, retryAfterMs: e.retryAfterMs } })
    : e.reason === "not_found" || e.reason === "invalid"
    ? new NotFound({ message: e.message, details: { provider: e.provider } })
    : new Unavailable({ message: e.message, details: { provider: e.provider, reason: e.reason } })

type Ask<A> = (provider: MetadataProvider, lookup: Lookup) => Effect.Effect<A, ProviderError>

export interface SearchInput extends SearchQuery {
  readonly language?: string | undefined
}

export class MetadataLookups extends Context.Tag("@mediaserver/metadata/MetadataLookups")<
  MetadataLookups,
  {
    readonly providers: Effect.Effect<ReadonlyArray<ProviderStatus>, DatabaseError>
    readonly updateProvider: (name: string, change: UpdateProviderSettings) => Effect.Effect<ProviderStatus, NotFound | BadRequest | DatabaseError>
    readonly searchMovie: (input: SearchInput) => Effect.Effect<SearchPage, LookupError>
    readonly searchTv: (input: SearchInput) => Effect.Effect<SearchPage, LookupError>
    readonly searchPerson: (input: SearchInput) => Effect.Effect<SearchPage, LookupError>
    readonly movie: (id: string, language?: string) => Effect.Effect<MetadataMovie, LookupError>
    readonly movieSimilar: (id: string, language?: string) => Effect.Effect<SearchPage, LookupError>
    readonly movieRecommendations: (id: string, language?: string) => Effect.Effect<SearchPage, LookupError>
    readonly collection: (id: string, language?: string) => Effect.Effect<MetadataCollection, LookupError>
    readonly tv: (id: string, language?: string) => Effect.Effect<MetadataSeries, LookupError>
    readonly season: (id: string, seasonNumber: number, language?: string) => Effect.Effect<MetadataSeason, LookupError>
    readonly episode: (id: string, seasonNumber: number, episodeNumber: number, language?: string) => Effect.Effect<MetadataEpisode, LookupError>
    readonly person: (id: string, language?: string) => Effect.Effect<MetadataPerson, LookupError>
    readonly personCredits: (id: string, language?: string) => Effect.Effect<ReadonlyArray<PersonCredit>, LookupError>
  }
>() {
  static readonly layer = Layer.effect(
    MetadataLookups,
    Effect.gen(function* () {
      const providers = yield* MetadataProviders
      const fallbackLanguage = (yield* AppConfig).metadataLanguage
      const ask = <A>(language: string | undefined, call: Ask<A>) =>
        providers.chain.pipe(
          Effect.flatMap(([primary]) => call(primary.provider, { language: primary.language ?? language ?? fallbackLanguage })),
          Effect.mapError(toApiError)
        )
      const search = (which: "searchMovie" | "searchTv" | "searchPerson") => (input: SearchInput) =>
        ask(input.language, (p, lookup) => p[which]({ query: input.query, year: input.year, page: input.page }, lookup))
      return {
        providers: providers.statuses,
        updateProvider: providers.update,
        searchMovie: search("searchMovie"),
        searchTv: search("searchTv"),
        searchPerson: search("searchPerson"),
        movie: (id, language) => ask(language, (p, l) => p.movie(id, l)),
        movieSimilar: (id, language) => ask(language, (p, l) => p.movieSimilar(id, l)),
        movieRecommendations: (id, language) => ask(language, (p, l) => p.movieRecommendations(id, l)),
        collection: (id, language) => ask(language, (p, l) => p.collection(id, l)),
        tv: (id, language) => ask(language, (p, l) => p.tv(id, l)),
        season: (id, seasonNumber, language) => ask(language, (p, l) => p.season(id, seasonNumber, l)),
        episode: (id, seasonNumber, episodeNumber, language) => ask(language, (p, l) => p.episode(id, seasonNumber, episodeNumber, l)),
        person: (id, language) => ask(language, (p, l) => p.person(id, l)),
        personCredits: (id, language) => ask(language, (p, l) => p.personCredits(id, l))
      }
    })
  )
}
