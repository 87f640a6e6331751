/**
 * TVMaze (https://api.tvmaze.com, no key; 20 calls per 10 s per IP, then 429): a series found by its
 * IMDb or TVDb id (`/lookup/shows`, which redirects to the show), with its summary, network, rating
 * and poster; its seasons' episodes by number. Images are on static.tvmaze.com and
 * get flat paths `/tvmaze_...` (provider/Provider.ts).
 */
import {
  ExternalIds,
  MetadataEpisode,
  MetadataImage,
  type MetadataSeries,
  MetadataSeason,
  NamedRef,
  ProviderRejected
} from "@mediaserver/domain"
import { Effect, Option, Schema } from "effect"
import { AppConfig } from "../../config/AppConfig.js"
import { imagePath, imageUrl, type MetadataProvider, partialProvider, type ProviderAccess } from "../provider/Provider.js"
import { ProviderHttp } from "../provider/ProviderHttp.js"
import { blankSeries, makeGet, noneIfNotFound, plainText } from "./Shared.js"

export const PROVIDER = "tvmaze"

const Nullable = <A, I>(s: Schema.Schema<A, I>) => Schema.optionalWith(Schema.NullOr(s), { default: () => null })
const Image = Nullable(Schema.Struct({ medium: Schema.NullOr(Schema.String), original: Schema.NullOr(Schema.String) }))
const Country = Nullable(Schema.Struct({ code: Schema.String }))

export const Show = Schema.Struct({
  id: Schema.Number,
  name: Schema.String,
  language: Nullable(Schema.String),
  genres: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
  status: Nullable(Schema.String),
  averageRuntime: Nullable(Schema.Number),
  premiered: Nullable(Schema.String),
  ended: Nullable(Schema.String),
  officialSite: Nullable(Schema.String),
  rating: Nullable(Schema.Struct({ average: Schema.NullOr(Schema.Number) })),
  weight: Nullable(Schema.Number),
  network: Nullable(Schema.Struct({ id: Schema.Number, name: Schema.String, country: Country })),
  webChannel: Nullable(Schema.Struct({ id: Schema.Number, name: Schema.String, country: Country })),
  externals: Schema.Struct({ tvrage: Nullable(Schema.Number), thetvdb: Nullable(Schema.Number), imdb: Nullable(Schema.String) }),
  image: Image,
  summary: Nullable(Schema.String)
})
type Show = typeof Show.Type

export const Episode = Schema.Struct({
  id: Schema.Number,
  name: Nullable(Schema.String),
  season: Schema.Number,
  number: Nullable(Schema.Number),
  airdate: Nullable(Schema.String),
  runtime: Nullable(Schema.Number),
  rating: Nullable(Schema.Struct({ average: Schema.NullOr(Schema.Number) })),
  image: Image,
  summary: Nullable(Schema.String)
})
type Episode = typeof Episode.Type

const day = (value: string | null) => (value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null)
const pathOf = (image: Show["image"]) => (image?.original === null || image?.original === undefined ? null : imagePath(PROVIDER, image.original))

export const series = (show: Show): MetadataSeries => {
  const poster = pathOf(show.image)
  const channel = show.network ?? show.webChannel
  return blankSeries(PROVIDER, String(show.id), show.name, {
    overview: plainText(show.summary),
    rating: show.rating?.average ?? null,
    popularity: show.weight,
    status: show.status,
    homepage: show.officialSite,
    posterPath: poster,
    firstAirDate: day(show.premiered),
    lastAirDate: day(show.ended),
    episodeRuntimeMinutes: show.averageRuntime,
    genres: show.genres.map((name) => new NamedRef({ id: name.toLowerCase(), name, logoPath: null, originCountry: null })),
    networks: channel === null ? [] : [new NamedRef({ id: String(channel.id), name: channel.name, logoPath: null, originCountry: channel.country?.code ?? null })],
    externalIds: new ExternalIds({
      tmdb: null,
      imdb: show.externals.imdb,
      tvdb: show.externals.thetvdb === null ? null : String(show.externals.thetvdb),
      wikidata: null
    }),
    images: poster === null ? [] : [new MetadataImage({ kind: "poster", path: poster, language: null, width: 680, height: 1000, voteAverage: 0 })],
    // TVMaze's cast are TVMaze people (no TMDb person ids): people come from TMDb.
    credits: []
  })
}

export const episode = (e: Episode, number: number): MetadataEpisode =>
  new MetadataEpisode({
    id: String(e.id), seasonNumber: e.season, episodeNumber: number, title: e.name, overview: plainText(e.summary),
    airDate: day(e.airdate), runtimeMinutes: e.runtime, rating: e.rating?.average ?? null, voteCount: null,
    stillPath: pathOf(e.image), credits: [], images: []
  })

export const makeTvmaze = (access: ProviderAccess) =>
  Effect.gen(function* () {
    const config = yield* AppConfig
    const http = yield* ProviderHttp
    const endpoint = yield* http.endpoint({
      name: PROVIDER, baseUrl: config.tvmaze.baseUrl.replace(/\/+$/, ""), timeout: config.tvmaze.timeout, ratePerSecond: config.tvmaze.rateLimit
    })
    const get = yield* makeGet(PROVIDER, endpoint, access)
    const episodes = (id: string, fresh: boolean | undefined) => get(Schema.Array(Episode), `/shows/${id}/episodes`, {}, { fresh })
    const lookupBy = (key: "imdb" | "thetvdb", value: string) =>
      noneIfNotFound(Effect.map(get(Show, "/lookup/shows", { [key]: value }), (show) => Option.some(String(show.id))))
    const provider: MetadataProvider = {
      ...partialProvider(PROVIDER, endpoint),
      resolveId: (ids, kind) =>
        kind === "movie"
          ? Effect.succeed(Option.none())
          : ids.imdb !== null
          ? lookupBy("imdb", ids.imdb)
          : ids.tvdb !== null
          ? lookupBy("thetvdb", ids.tvdb)
          : Effect.succeed(Option.none()),
      findByImdb: (imdbId, kind) => (kind === "tv" ? lookupBy("imdb", imdbId) : Effect.succeed(Option.none())),
      tv: (id, lookup) => Effect.map(get(Show, `/shows/${id}`, {}, { fresh: lookup.fresh }), series),
      season: (id, seasonNumber, lookup) =>
        Effect.map(episodes(id, lookup.fresh), (all) =>
          new MetadataSeason({
            id: `${id}:${seasonNumber}`, seasonNumber, name: null, overview: null, airDate: null, posterPath: null, images: [],
            episodes: all.flatMap((e) => (e.season === seasonNumber && e.number !== null ? [episode(e, e.number)] : []))
          })),
      episode: (id, seasonNumber, episodeNumber, lookup) =>
        Effect.flatMap(episodes(id, lookup.fresh), (all) => {
          const found = all.find((e) => e.season === seasonNumber && e.number === episodeNumber)
          return found === undefined
            ? Effect.fail(new ProviderRejected({ provider: PROVIDER, reason: "not_found", message: `TVMaze: show ${id} has no S${seasonNumber}E${episodeNumber}` }))
            : Effect.succeed(episode(found, episodeNumber))
        }),
      image: (path, maxBytes) =>
        Option.match(imageUrl(PROVIDER, config.tvmazeImageBaseUrl, path), {
          onNone: () => Effect.fail(new ProviderRejected({ provider: PROVIDER, reason: "invalid", message: `${path} is not a TVMaze image` })),
          onSome: (url) => endpoint.bytes(url, maxBytes)
        })
    }
    return provider
  })
