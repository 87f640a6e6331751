/**
 * Trakt (https://api.trakt.tv, headers `trakt-api-key: <client id>` and `trakt-api-version: 2`): a
 * movie or show found by its IMDb, TMDb or TVDb id (`/search/{id_type}/{id}?type=`), then
 * `/{movies|shows}/{trakt id}?extended=full`: Trakt's ids (trakt, slug, imdb, tmdb, tvdb), its rating
 * (0-10) and votes, overview, tagline, certification, network. Its rate limit comes as a JSON header
 * (`X-Ratelimit: {"remaining":...}`) and 429 with Retry-After; a refused key is 401/403
 * ("Forbidden - invalid API key or unapproved app"); unknown items are 404 with no body.
 */
import { Certification, ExternalIds, type MetadataMovie, type MetadataSeries, NamedRef, RatingScore } from "@mediaserver/domain"
import { Effect, Option, Schema } from "effect"
import { AppConfig } from "../../config/AppConfig.js"
import { type MetadataProvider, partialProvider, type ProviderAccess } from "../provider/Provider.js"
import { ProviderHttp } from "../provider/ProviderHttp.js"
import { blankMovie, blankSeries, dayOf, idText, makeKeyedGet, noneIfNotFound } from "./Shared.js"

export const PROVIDER = "trakt"

const N = <A, I>(s: Schema.Schema<A, I>) => Schema.optionalWith(Schema.NullOr(s), { default: () => null })
const Ids = Schema.Struct({ trakt: Schema.Number, slug: N(Schema.String), imdb: N(Schema.String), tmdb: N(Schema.Number), tvdb: N(Schema.Number) })
const Common = {
  title: Schema.String,
  year: N(Schema.Number),
  ids: Ids,
  overview: N(Schema.String),
  runtime: N(Schema.Number),
  certification: N(Schema.String),
  country: N(Schema.String),
  homepage: N(Schema.String),
  status: N(Schema.String),
  rating: N(Schema.Number),
  votes: N(Schema.Number),
  language: N(Schema.String),
  genres: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] })
}
export const TraktMovie = Schema.Struct({ ...Common, tagline: N(Schema.String), released: N(Schema.String) })
export const TraktShow = Schema.Struct({ ...Common, first_aired: N(Schema.String), network: N(Schema.String) })
const Found = Schema.Array(Schema.Struct({ type: Schema.String, movie: Schema.optional(Schema.Struct({ ids: Ids })), show: Schema.optional(Schema.Struct({ ids: Ids })) }))
type Shared = typeof TraktMovie.Type | typeof TraktShow.Type

const common = (t: Shared) => ({
  originalLanguage: t.language,
  overview: t.overview,
  homepage: t.homepage,
  status: t.status,
  rating: t.rating,
  voteCount: t.votes,
  ratings: t.rating === null ? [] : [new RatingScore({ source: "trakt", value: t.rating, max: 10, votes: t.votes })],
  certifications: t.certification === null ? [] : [new Certification({ country: (t.country ?? "us").toUpperCase(), rating: t.certification })],
  genres: t.genres.map((g) => new NamedRef({ id: g, name: g.charAt(0).toUpperCase() + g.slice(1), logoPath: null, originCountry: null })),
  externalIds: new ExternalIds({ tmdb: idText(t.ids.tmdb), imdb: t.ids.imdb, tvdb: idText(t.ids.tvdb), wikidata: null, trakt: String(t.ids.trakt) })
})

export const movie = (t: typeof TraktMovie.Type): MetadataMovie =>
  blankMovie(PROVIDER, String(t.ids.trakt), t.title, { ...common(t), tagline: t.tagline, releaseDate: dayOf(t.released), runtimeMinutes: t.runtime })

export const series = (t: typeof TraktShow.Type): MetadataSeries =>
  blankSeries(PROVIDER, String(t.ids.trakt), t.title, {
    ...common(t), firstAirDate: dayOf(t.first_aired), episodeRuntimeMinutes: t.runtime,
    networks: t.network === null ? [] : [new NamedRef({ id: t.network.toLowerCase(), name: t.network, logoPath: null, originCountry: t.country?.toUpperCase() ?? null })]
  })

export const makeTrakt = (access: ProviderAccess) =>
  Effect.gen(function* () {
    const config = yield* AppConfig
    const http = yield* ProviderHttp
    const endpoint = yield* http.endpoint({ name: PROVIDER, baseUrl: config.trakt.baseUrl.replace(/\/+$/, ""), timeout: config.trakt.timeout, ratePerSecond: config.trakt.rateLimit })
    const get = yield* makeKeyedGet(PROVIDER, endpoint, access, (key) => ({ "trakt-api-key": key, "trakt-api-version": "2" }))
    const search = (idType: "imdb" | "tmdb" | "tvdb", id: string, kind: "movie" | "tv") =>
      noneIfNotFound(Effect.map(get(Found, `/search/${idType}/${id}`, { type: kind === "movie" ? "movie" : "show" }), (found) =>
        Option.fromNullable(found.map((f) => (kind === "movie" ? f.movie : f.show)?.ids.trakt).find((x) => x !== undefined)).pipe(Option.map(String))))
    const provider: MetadataProvider = {
      ...partialProvider(PROVIDER, endpoint),
      resolveId: (ids, kind) =>
        ids.trakt !== null
          ? Effect.succeed(Option.some(ids.trakt))
          : ids.imdb !== null
          ? search("imdb", ids.imdb, kind)
          : ids.tmdb !== null
          ? search("tmdb", ids.tmdb, kind)
          : kind === "tv" && ids.tvdb !== null
          ? search("tvdb", ids.tvdb, kind)
          : Effect.succeed(Option.none()),
      findByImdb: (imdbId, kind) => search("imdb", imdbId, kind),
      movie: (id, lookup) => Effect.map(get(TraktMovie, `/movies/${id}`, { extended: "full" }, lookup.fresh), movie),
      tv: (id, lookup) => Effect.map(get(TraktShow, `/shows/${id}`, { extended: "full" }, lookup.fresh), series)
    }
    return provider
  })
