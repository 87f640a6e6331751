/**
 * Kitsu (JSON:API at https://kitsu.io/api/edge, no key; `Accept: application/vnd.api+json`): an anime
 * by its Kitsu id with its mappings (`include=mappings`: MyAnimeList, AniList, AniDB, TVDb ids), which
 * makes Kitsu the link between the anime databases: an item known by its MyAnimeList, AniList or AniDB
 * id is found through `/mappings?filter[externalSite]=..&filter[externalId]=..&include=item`. It gives
 * titles, synopsis, average rating (a percentage), age rating, dates, poster and cover (flat paths
 * `/kitsu_...`). Errors are JSON:API `errors[]`: 404 "Record not found".
 */
import { Certification, ExternalIds, MetadataImage, type MetadataMovie, type MetadataSeries, ProviderRejected, RatingScore } from "@mediaserver/domain"
import { Effect, Option, Schema } from "effect"
import { AppConfig } from "../../config/AppConfig.js"
import { imagePath, imageUrl, type MetadataProvider, partialProvider, type ProviderAccess } from "../provider/Provider.js"
import { ProviderHttp } from "../provider/ProviderHttp.js"
import { blankMovie, blankSeries, dayOf, makeGet, noneIfNotFound } from "./Shared.js"

export const PROVIDER = "kitsu"

const N = <A, I>(s: Schema.Schema<A, I>) => Schema.optionalWith(Schema.NullOr(s), { default: () => null })
const Image = N(Schema.Struct({ original: Schema.String }))
export const KitsuAnime = Schema.Struct({
  id: Schema.String,
  type: Schema.Literal("anime"),
  attributes: Schema.Struct({
    synopsis: N(Schema.String),
    titles: Schema.Record({ key: Schema.String, value: Schema.NullOr(Schema.String) }),
    canonicalTitle: Schema.String,
    averageRating: N(Schema.String),
    userCount: N(Schema.Number),
    popularityRank: N(Schema.Number),
    ageRating: N(Schema.String),
    status: N(Schema.String),
    startDate: N(Schema.String),
    endDate: N(Schema.String),
    episodeLength: N(Schema.Number),
    posterImage: Image,
    coverImage: Image
  })
})
const Mapping = Schema.Struct({
  id: Schema.String,
  type: Schema.Literal("mappings"),
  attributes: Schema.Struct({ externalSite: Schema.String, externalId: Schema.String }),
  relationships: Schema.optional(Schema.Struct({ item: Schema.optional(Schema.Struct({ data: Schema.optional(Schema.NullOr(Schema.Struct({ type: Schema.String, id: Schema.String }))) })) }))
})
export const KitsuAnswer = Schema.Struct({ data: KitsuAnime, included: Schema.optionalWith(Schema.Array(Schema.Union(Mapping, Schema.Unknown)), { default: () => [] }) })
const MappingSearch = Schema.Struct({ data: Schema.Array(Mapping) })
type KitsuAnswer = typeof KitsuAnswer.Type

/** Kitsu's names of the other databases in its mappings. */
const SITES = { mal: "myanimelist/anime", anilist: "anilist/anime", anidb: "anidb", tvdb: "thetvdb/series" } as const

const mappings = (answer: KitsuAnswer) => answer.included.flatMap((x) => (Schema.is(Mapping)(x) ? [x.attributes] : []))
const mapped = (answer: KitsuAnswer, site: string) => mappings(answer).find((m) => m.externalSite === site)?.externalId ?? null

const common = (answer: KitsuAnswer) => {
  const a = answer.data.attributes
  const rating = a.averageRating === null ? null : Number(a.averageRating)
  const poster = a.posterImage === null ? null : imagePath(PROVIDER, a.posterImage.original)
  const cover = a.coverImage === null ? null : imagePath(PROVIDER, a.coverImage.original)
  return {
    originalTitle: a.titles["ja_jp"] ?? a.titles["en_jp"] ?? null,
    originalLanguage: "ja",
    overview: a.synopsis === "" ? null : a.synopsis,
    rating: rating === null || !Number.isFinite(rating) ? null : rating / 10,
    voteCount: a.userCount,
    popularity: a.popularityRank,
    status: a.status,
    posterPath: poster,
    backdropPath: cover,
    images: [
      ...(poster === null ? [] : [new MetadataImage({ kind: "poster", path: poster, language: null, width: 550, height: 780, voteAverage: 0 })]),
      ...(cover === null ? [] : [new MetadataImage({ kind: "backdrop", path: cover, language: null, width: 2600, height: 1000, voteAverage: 0 })])
    ],
    ratings: rating === null || !Number.isFinite(rating) ? [] : [new RatingScore({ source: "kitsu", value: rating, max: 100, votes: a.userCount })],
    certifications: a.ageRating === null ? [] : [new Certification({ country: "JP", rating: a.ageRating })],
    externalIds: new ExternalIds({
      tmdb: null, imdb: null, tvdb: mapped(answer, SITES.tvdb), wikidata: null, kitsu: answer.data.id,
      mal: mapped(answer, SITES.mal), anilist: mapped(answer, SITES.anilist), anidb: mapped(answer, SITES.anidb)
    })
  }
}
const titleOf = (answer: KitsuAnswer) => answer.data.attributes.titles["en"] ?? answer.data.attributes.canonicalTitle

export const series = (answer: KitsuAnswer): MetadataSeries =>
  blankSeries(PROVIDER, answer.data.id, titleOf(answer), {
    ...common(answer), firstAirDate: dayOf(answer.data.attributes.startDate), lastAirDate: dayOf(answer.data.attributes.endDate),
    episodeRuntimeMinutes: answer.data.attributes.episodeLength
  })

export const movie = (answer: KitsuAnswer): MetadataMovie =>
  blankMovie(PROVIDER, answer.data.id, titleOf(answer), {
    ...common(answer), releaseDate: dayOf(answer.data.attributes.startDate), runtimeMinutes: answer.data.attributes.episodeLength
  })

export const makeKitsu = (access: ProviderAccess) =>
  Effect.gen(function* () {
    const config = yield* AppConfig
    const http = yield* ProviderHttp
    const endpoint = yield* http.endpoint({
      name: PROVIDER, baseUrl: config.kitsu.baseUrl.replace(/\/+$/, ""), timeout: config.kitsu.timeout, ratePerSecond: config.kitsu.rateLimit,
      headers: { accept: "application/vnd.api+json" }
    })
    const get = yield* makeGet(PROVIDER, endpoint, access)
    const anime = (id: string, fresh: boolean | undefined) => get(KitsuAnswer, `/anime/${id}`, { include: "mappings" }, { fresh })
    const bySite = (site: string, externalId: string) =>
      noneIfNotFound(Effect.map(
        get(MappingSearch, "/mappings", { "filter[externalSite]": site, "filter[externalId]": externalId, include: "item" }),
        (found) => Option.fromNullable(found.data.find((m) => m.relationships?.item?.data?.type === "anime")?.relationships?.item?.data?.id)
      ))
    const provider: MetadataProvider = {
      ...partialProvider(PROVIDER, endpoint),
      resolveId: (ids) =>
        ids.kitsu !== null
          ? Effect.succeed(Option.some(ids.kitsu))
          : ids.mal !== null
          ? bySite(SITES.mal, ids.mal)
          : ids.anilist !== null
          ? bySite(SITES.anilist, ids.anilist)
          : ids.anidb !== null
          ? bySite(SITES.anidb, ids.anidb)
          : Effect.succeed(Option.none()),
      tv: (id, lookup) => Effect.map(anime(id, lookup.fresh), series),
      movie: (id, lookup) => Effect.map(anime(id, lookup.fresh), movie),
      image: (path, maxBytes) =>
        Option.match(imageUrl(PROVIDER, config.kitsuImageBaseUrl, path), {
          onNone: () => Effect.fail(new ProviderRejected({ provider: PROVIDER, reason: "invalid", message: `${path} is not a Kitsu image` })),
          onSome: (url) => endpoint.bytes(url, maxBytes)
        })
    }
    return provider
  })
