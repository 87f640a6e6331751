/**
 * MyAnimeList, official API v2 (https://api.myanimelist.net/v2, the client id in `X-MAL-CLIENT-ID`):
 * an anime by its MyAnimeList id (AniList, AniDB, Kitsu and Simkl give it): the English, romanised and
 * Japanese titles, synopsis, mean score (0-10) with its voters, genres, studios, dates, episode length
 * and the main picture (flat paths `/mal_...` on cdn.myanimelist.net). A refused client id is 401/403;
 * an unknown anime 404 `{"message":"","error":"not_found"}`.
 */
import { ExternalIds, MetadataImage, type MetadataMovie, type MetadataSeries, NamedRef, ProviderRejected, RatingScore } from "@mediaserver/domain"
import { Effect, Option, Schema } from "effect"
import { AppConfig } from "../../config/AppConfig.js"
import { imagePath, imageUrl, type MetadataProvider, partialProvider, type ProviderAccess } from "../provider/Provider.js"
import { ProviderHttp } from "../provider/ProviderHttp.js"
import { blankMovie, blankSeries, dayOf, makeKeyedGet } from "./Shared.js"

export const PROVIDER = "mal"

const N = <A, I>(s: Schema.Schema<A, I>) => Schema.optionalWith(Schema.NullOr(s), { default: () => null })
const Named = Schema.Array(Schema.Struct({ id: Schema.Number, name: Schema.String }))
export const MalAnime = Schema.Struct({
  id: Schema.Number,
  title: Schema.String,
  main_picture: N(Schema.Struct({ medium: Schema.String, large: Schema.optional(Schema.String) })),
  alternative_titles: N(Schema.Struct({ synonyms: Schema.optional(Schema.Array(Schema.String)), en: Schema.optional(Schema.String), ja: Schema.optional(Schema.String) })),
  start_date: N(Schema.String),
  end_date: N(Schema.String),
  synopsis: N(Schema.String),
  mean: N(Schema.Number),
  popularity: N(Schema.Number),
  num_scoring_users: N(Schema.Number),
  media_type: N(Schema.String),
  status: N(Schema.String),
  genres: Schema.optionalWith(Named, { default: () => [] }),
  studios: Schema.optionalWith(Named, { default: () => [] }),
  average_episode_duration: N(Schema.Number)
})
type MalAnime = typeof MalAnime.Type

export const FIELDS = "id,title,main_picture,alternative_titles,start_date,end_date,synopsis,mean,popularity,num_scoring_users,media_type,status,genres,studios,average_episode_duration"

const refs = (list: MalAnime["genres"]) => list.map((g) => new NamedRef({ id: String(g.id), name: g.name, logoPath: null, originCountry: null }))

const common = (a: MalAnime) => {
  const picture = a.main_picture?.large ?? a.main_picture?.medium ?? null
  const posterPath = picture === null ? null : imagePath(PROVIDER, picture)
  return {
    originalTitle: a.alternative_titles?.ja ?? a.title,
    originalLanguage: "ja",
    overview: a.synopsis === null || a.synopsis === "" ? null : a.synopsis,
    rating: a.mean,
    voteCount: a.num_scoring_users,
    popularity: a.popularity,
    status: a.status,
    posterPath,
    images: posterPath === null ? [] : [new MetadataImage({ kind: "poster", path: posterPath, language: null, width: 425, height: 600, voteAverage: 0 })],
    ratings: a.mean === null ? [] : [new RatingScore({ source: "mal", value: a.mean, max: 10, votes: a.num_scoring_users })],
    genres: refs(a.genres),
    studios: refs(a.studios),
    externalIds: new ExternalIds({ tmdb: null, imdb: null, tvdb: null, wikidata: null, mal: String(a.id) })
  }
}
const minutes = (seconds: number | null) => (seconds === null || seconds === 0 ? null : Math.round(seconds / 60))

export const series = (a: MalAnime): MetadataSeries =>
  blankSeries(PROVIDER, String(a.id), a.alternative_titles?.en || a.title, {
    ...common(a), firstAirDate: dayOf(a.start_date), lastAirDate: dayOf(a.end_date), episodeRuntimeMinutes: minutes(a.average_episode_duration)
  })

export const movie = (a: MalAnime): MetadataMovie =>
  blankMovie(PROVIDER, String(a.id), a.alternative_titles?.en || a.title, {
    ...common(a), releaseDate: dayOf(a.start_date), runtimeMinutes: minutes(a.average_episode_duration)
  })

export const makeMal = (access: ProviderAccess) =>
  Effect.gen(function* () {
    const config = yield* AppConfig
    const http = yield* ProviderHttp
    const endpoint = yield* http.endpoint({ name: PROVIDER, baseUrl: config.mal.baseUrl.replace(/\/+$/, ""), timeout: config.mal.timeout, ratePerSecond: config.mal.rateLimit })
    const get = yield* makeKeyedGet(PROVIDER, endpoint, access, (key) => ({ "x-mal-client-id": key }))
    const anime = (id: string, fresh: boolean | undefined) => get(MalAnime, `/anime/${id}`, { fields: FIELDS }, fresh)
    const provider: MetadataProvider = {
      ...partialProvider(PROVIDER, endpoint),
      resolveId: (ids) => Effect.succeed(Option.fromNullable(ids.mal)),
      tv: (id, lookup) => Effect.map(anime(id, lookup.fresh), series),
      movie: (id, lookup) => Effect.map(anime(id, lookup.fresh), movie),
      image: (path, maxBytes) =>
        Option.match(imageUrl(PROVIDER, config.malImageBaseUrl, path), {
          onNone: () => Effect.fail(new ProviderRejected({ provider: PROVIDER, reason: "invalid", message: `${path} is not a MyAnimeList image` })),
          onSome: (url) => endpoint.bytes(url, maxBytes)
        })
    }
    return provider
  })
