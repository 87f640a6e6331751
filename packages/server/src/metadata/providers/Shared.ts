/**
 * What the provider modules other than TMDb share: a cached, decoded GET that records a refused key
 * (401/403) through the provider's access, and blank records they fill with what they know.
 */
import { ExternalIds, MetadataMovie, MetadataSeries, type ProviderError, ProviderRejected } from "@mediaserver/domain"
import { Effect, Option, Schema } from "effect"
import { CacheAside } from "../../cache/index.js"
import { type ProviderAccess, requireKey } from "../provider/Provider.js"
import type { CallHeaders, ProviderEndpoint } from "../provider/ProviderHttp.js"

export type Query = Readonly<Record<string, string | undefined>>

/** GET and decode through a cache (10 minutes per node, a day shared); `fresh` asks the provider again. */
export const makeGet = (
  name: string,
  endpoint: ProviderEndpoint,
  access: ProviderAccess,
  /** The provider's own reading of a failure, before a 401/403 counts as a refused key. */
  reclassify: (e: ProviderError) => ProviderError = (e) => e
) =>
  Effect.map(
    CacheAside.make({ namespace: `metadata-${name}`, schema: Schema.Unknown, ttl: { l1: "10 minutes", l2: "24 hours" } }),
    (cache) =>
      <A, I>(schema: Schema.Schema<A, I>, path: string, query: Query, options: { readonly fresh?: boolean | undefined; readonly headers?: CallHeaders; readonly secret?: Query } = {}) =>
        Effect.gen(function* () {
          // The cache key leaves credentials out (`secret`): they are sent, never stored.
          const key = `${path}?${Object.entries(query).filter(([, v]) => v !== undefined).sort().map(([k, v]) => `${k}=${v}`).join("&")}`
          if (options.fresh === true) yield* cache.invalidate(key)
          const body = yield* cache.get(key, access.refused(Effect.mapError(endpoint.json(path, { ...query, ...options.secret }, options.headers), reclassify)))
          return yield* Schema.decodeUnknown(schema)(body).pipe(
            Effect.mapError((e) => new ProviderRejected({ provider: name, reason: "invalid", message: `${path}: unexpected body: ${e.message}` }))
          )
        }) satisfies Effect.Effect<A, ProviderError>
  )

export const noIds = () => new ExternalIds({ tmdb: null, imdb: null, tvdb: null, wikidata: null })

const blankTitled = (provider: string, id: string, title: string) => ({
  provider, id, title, originalTitle: null, originalLanguage: null, overview: null, tagline: null, rating: null,
  voteCount: null, popularity: null, status: null, homepage: null, posterPath: null, backdropPath: null, logoPath: null,
  genres: [], studios: [], certifications: [], externalIds: noIds(), credits: [], images: [], ratings: [], awards: null
})

export const blankMovie = (provider: string, id: string, title: string, fields: Partial<MetadataMovie>) =>
  new MetadataMovie({
    ...blankTitled(provider, id, title), releaseDate: null, runtimeMinutes: null, budget: null, revenue: null, collection: null, ...fields
  })

export const blankSeries = (provider: string, id: string, title: string, fields: Partial<MetadataSeries>) =>
  new MetadataSeries({
    ...blankTitled(provider, id, title), firstAirDate: null, lastAirDate: null, episodeRuntimeMinutes: null, networks: [], seasons: [], ...fields
  })

/** Text without HTML tags and entities (TVMaze summaries are HTML). */
export const plainText = (html: string | null): string | null => {
  if (html === null) return null
  const text = html.replace(/<[^>]*>/g, "").replace(/&amp;/g, "&").replace(/&quot;/g, "\"").replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").trim()
  return text === "" ? null : text
}

/** A provider's not-found as None (a lookup that finds nothing); other failures unchanged. */
export const noneIfNotFound = <A, R>(effect: Effect.Effect<Option.Option<A>, ProviderError, R>) =>
  Effect.catchIf(effect, (e) => e._tag === "ProviderRejected" && e.reason === "not_found", () => Effect.succeed(Option.none<A>()))

/**
 * A cached GET whose key goes in headers (MyAnimeList's `X-MAL-CLIENT-ID`, Trakt's `trakt-api-key`,
 * Simkl's `simkl-api-key`): the key is read at call time, never part of the cache key.
 */
export const makeKeyedGet = (name: string, endpoint: ProviderEndpoint, access: ProviderAccess, headers: (key: string) => CallHeaders) =>
  Effect.map(makeGet(name, endpoint, access), (get) =>
    <A, I>(schema: Schema.Schema<A, I>, path: string, query: Query, fresh?: boolean) =>
      Effect.flatMap(requireKey(name, access), (key) => get(schema, path, query, { fresh, headers: headers(key) })))

/** `YYYY-MM-DD` from a date or date-time (`2013-04-07T00:00:00.000Z`), else null. */
export const dayOf = (value: string | null | undefined): string | null => {
  const day = value?.slice(0, 10) ?? null
  return day !== null && /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : null
}

/** An id as text, or null. */
export const idText = (value: string | number | null | undefined): string | null =>
  value === null || value === undefined || value === "" ? null : String(value)
