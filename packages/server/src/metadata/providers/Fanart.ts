/**
 * fanart.tv (https://webservice.fanart.tv/v3, key as `api_key`): logos, clear art, backgrounds, banners,
 * disc art and posters of a movie (by TMDb or IMDb id) or a series (by TVDb id). Each becomes an image
 * of the item (flat path `/fanart_...`, downloaded from assets.fanart.tv by the images pipeline); the
 * best logo, background and poster in the asked language also offer themselves for the item's
 * logo, backdrop and poster. fanart.tv gives no sizes: each kind has its documented size.
 */
import { type ImageKind, MetadataImage, type MetadataMovie, type MetadataSeries, ProviderRejected } from "@mediaserver/domain"
import { Effect, Option, Schema } from "effect"
import { AppConfig } from "../../config/AppConfig.js"
import { imagePath, imageUrl, type MetadataProvider, partialProvider, type ProviderAccess, requireKey } from "../provider/Provider.js"
import { ProviderHttp } from "../provider/ProviderHttp.js"
import { blankMovie, blankSeries, makeGet } from "./Shared.js"

export const PROVIDER = "fanart"

const Art = Schema.Struct({ id: Schema.String, url: Schema.String, lang: Schema.optionalWith(Schema.String, { default: () => "" }), likes: Schema.optionalWith(Schema.String, { default: () => "0" }) })
type Art = typeof Art.Type
const List = Schema.optionalWith(Schema.Array(Art), { default: () => [] })

export const FanartMovie = Schema.Struct({
  name: Schema.String,
  tmdb_id: Schema.optional(Schema.String),
  imdb_id: Schema.optional(Schema.String),
  hdmovielogo: List, movielogo: List, hdmovieclearart: List, movieart: List, moviedisc: List,
  moviebackground: List, moviebanner: List, movieposter: List
})
export const FanartTv = Schema.Struct({
  name: Schema.String,
  thetvdb_id: Schema.optional(Schema.String),
  hdtvlogo: List, clearlogo: List, hdclearart: List, clearart: List, showbackground: List, tvbanner: List, tvposter: List
})

/** The kind and documented size (width, height) of each list. */
const KINDS: Readonly<Record<string, readonly [ImageKind, number, number]>> = {
  hdmovielogo: ["logo", 800, 310], movielogo: ["logo", 400, 155], hdtvlogo: ["logo", 800, 310], clearlogo: ["logo", 400, 155],
  hdmovieclearart: ["clearart", 1000, 562], movieart: ["clearart", 500, 281], hdclearart: ["clearart", 1000, 562], clearart: ["clearart", 500, 281],
  moviedisc: ["disc", 1000, 1000],
  moviebackground: ["backdrop", 1920, 1080], showbackground: ["backdrop", 1920, 1080],
  moviebanner: ["banner", 1000, 185], tvbanner: ["banner", 1000, 185],
  movieposter: ["poster", 1000, 1426], tvposter: ["poster", 1000, 1426]
}

const imagesOf = (lists: ReadonlyArray<readonly [string, ReadonlyArray<Art>]>): ReadonlyArray<MetadataImage> =>
  lists.flatMap(([list, arts]) => {
    const kind = KINDS[list]
    if (kind === undefined) return []
    return arts.flatMap((art) => {
      const path = imagePath(PROVIDER, art.url)
      return path === null ? [] : [new MetadataImage({
        kind: kind[0], path, language: art.lang === "" || art.lang === "00" ? null : art.lang,
        width: kind[1], height: kind[2], voteAverage: Number(art.likes) || 0
      })]
    })
  })

/** The most liked image of a kind in the language, else without text, else any. */
const best = (images: ReadonlyArray<MetadataImage>, kind: ImageKind, language: string): string | null => {
  const ofKind = images.filter((i) => i.kind === kind).sort((a, b) => b.voteAverage - a.voteAverage)
  const pick = ofKind.find((i) => i.language === language.slice(0, 2)) ?? ofKind.find((i) => i.language === null) ?? ofKind[0]
  return pick?.path ?? null
}

const artOf = (images: ReadonlyArray<MetadataImage>, language: string) => ({
  images,
  logoPath: best(images, "logo", language),
  backdropPath: best(images, "backdrop", language),
  posterPath: best(images, "poster", language)
})

export const movie = (body: typeof FanartMovie.Type, language: string): MetadataMovie =>
  blankMovie(PROVIDER, body.tmdb_id ?? body.imdb_id ?? "", body.name, artOf(imagesOf([
    ["hdmovielogo", body.hdmovielogo], ["movielogo", body.movielogo], ["hdmovieclearart", body.hdmovieclearart], ["movieart", body.movieart],
    ["moviedisc", body.moviedisc], ["moviebackground", body.moviebackground], ["moviebanner", body.moviebanner], ["movieposter", body.movieposter]
  ]), language))

export const series = (body: typeof FanartTv.Type, language: string): MetadataSeries =>
  blankSeries(PROVIDER, body.thetvdb_id ?? "", body.name, artOf(imagesOf([
    ["hdtvlogo", body.hdtvlogo], ["clearlogo", body.clearlogo], ["hdclearart", body.hdclearart], ["clearart", body.clearart],
    ["showbackground", body.showbackground], ["tvbanner", body.tvbanner], ["tvposter", body.tvposter]
  ]), language))

export const makeFanart = (access: ProviderAccess) =>
  Effect.gen(function* () {
    const config = yield* AppConfig
    const http = yield* ProviderHttp
    const endpoint = yield* http.endpoint({
      name: PROVIDER, baseUrl: config.fanart.baseUrl.replace(/\/+$/, ""), timeout: config.fanart.timeout, ratePerSecond: config.fanart.rateLimit
    })
    const get = yield* makeGet(PROVIDER, endpoint, access)
    const keyed = <A, I>(schema: Schema.Schema<A, I>, path: string, fresh: boolean | undefined) =>
      Effect.flatMap(requireKey(PROVIDER, access), (key) => get(schema, path, {}, { fresh, secret: { api_key: key } }))
    const provider: MetadataProvider = {
      ...partialProvider(PROVIDER, endpoint),
      resolveId: (ids, kind) => Effect.succeed(kind === "movie" ? Option.fromNullable(ids.tmdb ?? ids.imdb) : Option.fromNullable(ids.tvdb)),
      movie: (id, lookup) => Effect.map(keyed(FanartMovie, `/movies/${id}`, lookup.fresh), (body) => movie(body, lookup.language)),
      tv: (id, lookup) => Effect.map(keyed(FanartTv, `/tv/${id}`, lookup.fresh), (body) => series(body, lookup.language)),
      image: (path, maxBytes) =>
        Option.match(imageUrl(PROVIDER, config.fanartImageBaseUrl, path), {
          onNone: () => Effect.fail(new ProviderRejected({ provider: PROVIDER, reason: "invalid", message: `${path} is not a fanart.tv image` })),
          onSome: (url) => endpoint.bytes(url, maxBytes)
        })
    }
    return provider
  })
