/**
 * OMDb (https://www.omdbapi.com): by IMDb id, the IMDb rating and votes, the Rotten Tomatoes and
 * Metacritic scores, awards, plot and rating certificate of a movie or series. Key as `apikey`; a
 * wrong key is a 401 (`{"Response":"False","Error":"Invalid API key!"}`); an unknown id is a 200 with
 * `Response: "False"`, taken as not found. Its daily limit is also a 401 (`"Request limit reached!"`): that
 * one is retryable after the next midnight UTC, not a refused key. Posters are OMDb's paid API and are left out.
 */
import {
  Certification,
  ExternalIds,
  type MetadataMovie,
  type MetadataSeries,
  type ProviderError,
  ProviderRejected,
  ProviderUnavailable,
  RatingScore
} from "@mediaserver/domain"
import { Effect, Option, Schema } from "effect"
import { AppConfig } from "../../config/AppConfig.js"
import { type MetadataProvider, partialProvider, type ProviderAccess, requireKey } from "../provider/Provider.js"
import { ProviderHttp } from "../provider/ProviderHttp.js"
import { blankMovie, blankSeries, makeGet } from "./Shared.js"

export const PROVIDER = "omdb"

const Str = Schema.optionalWith(Schema.String, { default: () => "N/A" })
export const OmdbTitle = Schema.Struct({
  Response: Schema.String,
  Error: Schema.optional(Schema.String),
  Title: Str,
  Year: Str,
  Rated: Str,
  Released: Str,
  Runtime: Str,
  Plot: Str,
  Awards: Str,
  Website: Str,
  Type: Str,
  imdbID: Str,
  imdbRating: Str,
  imdbVotes: Str,
  Ratings: Schema.optionalWith(Schema.Array(Schema.Struct({ Source: Schema.String, Value: Schema.String })), { default: () => [] })
})
type OmdbTitle = typeof OmdbTitle.Type

const known = (value: string): string | null => (value === "N/A" || value.trim() === "" ? null : value)
const number = (value: string): number | null => {
  const parsed = Number(value.replace(/,/g, ""))
  return known(value) === null || !Number.isFinite(parsed) ? null : parsed
}
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
/** `31 Mar 1999` -> `1999-03-31`. */
export const day = (value: string): string | null => {
  const match = /^(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})$/.exec(value)
  const month = match === null ? -1 : MONTHS.indexOf(match[2] ?? "")
  return match === null || month === -1 ? null : `${match[3]}-${String(month + 1).padStart(2, "0")}-${(match[1] ?? "").padStart(2, "0")}`
}

/** Scores on their own scales: IMDb x/10, Rotten Tomatoes x%, Metacritic x/100. */
export const scores = (body: OmdbTitle): ReadonlyArray<RatingScore> =>
  body.Ratings.flatMap((r) => {
    const source = r.Source === "Internet Movie Database" ? "imdb" : r.Source === "Rotten Tomatoes" ? "rottentomatoes" : r.Source === "Metacritic" ? "metacritic" : null
    const match = /^([\d.]+)(?:\/(\d+)|%)$/.exec(r.Value)
    if (source === null || match === null) return []
    const max = match[2] === undefined ? 100 : Number(match[2])
    return [new RatingScore({ source, value: Number(match[1]), max, votes: source === "imdb" ? number(body.imdbVotes) : null })]
  })

const common = (body: OmdbTitle) => ({
  originalTitle: null,
  overview: known(body.Plot),
  homepage: known(body.Website),
  rating: number(body.imdbRating),
  voteCount: number(body.imdbVotes),
  awards: known(body.Awards),
  ratings: scores(body),
  certifications: known(body.Rated) === null ? [] : [new Certification({ country: "US", rating: body.Rated })],
  externalIds: new ExternalIds({ tmdb: null, imdb: known(body.imdbID), tvdb: null, wikidata: null })
})

export const movie = (body: OmdbTitle): MetadataMovie =>
  blankMovie(PROVIDER, body.imdbID, body.Title, {
    ...common(body),
    releaseDate: day(body.Released),
    runtimeMinutes: number(body.Runtime.replace(/ min$/, ""))
  })

export const series = (body: OmdbTitle): MetadataSeries =>
  blankSeries(PROVIDER, body.imdbID, body.Title, { ...common(body), firstAirDate: day(body.Released) })

/** OMDb's daily limit (a 401 too) as retryable after the next midnight UTC; other failures unchanged. */
export const dailyLimit = (e: ProviderError, now: number): ProviderError => {
  if (e._tag !== "ProviderRejected" || e.reason !== "unauthorized" || !e.message.includes("Request limit reached")) return e
  const midnight = new Date(now)
  midnight.setUTCHours(24, 0, 0, 0)
  return new ProviderUnavailable({ provider: PROVIDER, message: `OMDb's daily request limit is reached`, status: 401, retryAfterMs: midnight.getTime() - now })
}

export const makeOmdb = (access: ProviderAccess) =>
  Effect.gen(function* () {
    const config = yield* AppConfig
    const http = yield* ProviderHttp
    const endpoint = yield* http.endpoint({
      name: PROVIDER, baseUrl: config.omdb.baseUrl.replace(/\/+$/, ""), timeout: config.omdb.timeout, ratePerSecond: config.omdb.rateLimit
    })
    const get = yield* makeGet(PROVIDER, endpoint, access, (e) => dailyLimit(e, Date.now()))
    const title = (imdbId: string, type: "movie" | "series", fresh: boolean | undefined) =>
      Effect.gen(function* () {
        const apikey = yield* requireKey(PROVIDER, access)
        const body = yield* get(OmdbTitle, "/", { i: imdbId, plot: "full", type }, { fresh, secret: { apikey } })
        if (body.Response !== "True") {
          return yield* new ProviderRejected({ provider: PROVIDER, reason: "not_found", message: `OMDb: ${imdbId}: ${body.Error ?? "not found"}` })
        }
        return body
      })
    const provider: MetadataProvider = {
      ...partialProvider(PROVIDER, endpoint),
      resolveId: (ids) => Effect.succeed(Option.fromNullable(ids.imdb)),
      findByImdb: (imdbId) => Effect.succeed(Option.some(imdbId)),
      movie: (imdbId, lookup) => Effect.map(title(imdbId, "movie", lookup.fresh), movie),
      tv: (imdbId, lookup) => Effect.map(title(imdbId, "series", lookup.fresh), series)
    }
    return provider
  })
