/**
 * AniList (GraphQL at https://graphql.anilist.co, no key for public data; 90 requests a minute, told by
 * X-RateLimit-Remaining, 429 with Retry-After beyond). Anime only: a series or movie whose original
 * language is Japanese is found by its MyAnimeList id when known, else by a title search under the
 * confidence rule of title matching (Matching.ts). It gives the English, romaji and native titles, the
 * description, AniList's score (0-100), the cover and banner images (flat paths `/anilist_...`) and the
 * MyAnimeList id. A missing media is a GraphQL error with HTTP 404.
 */
import {
  ExternalIds,
  MetadataImage,
  type MetadataMovie,
  type MetadataSeries,
  ProviderRejected,
  RatingScore,
  SearchResult
} from "@mediaserver/domain"
import { Effect, Option, Schema } from "effect"
import { AppConfig } from "../../config/AppConfig.js"
import { decide } from "../Matching.js"
import { imagePath, imageUrl, type MetadataProvider, partialProvider, type ProviderAccess } from "../provider/Provider.js"
import { ProviderHttp } from "../provider/ProviderHttp.js"
import { blankMovie, blankSeries, noneIfNotFound, plainText } from "./Shared.js"

export const PROVIDER = "anilist"

const N = <A, I>(s: Schema.Schema<A, I>) => Schema.optionalWith(Schema.NullOr(s), { default: () => null })
const DateParts = Schema.Struct({ year: N(Schema.Number), month: N(Schema.Number), day: N(Schema.Number) })
const FuzzyDate = N(DateParts)
const Title = Schema.Struct({ romaji: N(Schema.String), english: N(Schema.String), native: N(Schema.String) })
export const Media = Schema.Struct({
  id: Schema.Number,
  idMal: N(Schema.Number),
  format: N(Schema.String),
  title: Title,
  description: N(Schema.String),
  averageScore: N(Schema.Number),
  popularity: N(Schema.Number),
  episodes: N(Schema.Number),
  duration: N(Schema.Number),
  status: N(Schema.String),
  startDate: FuzzyDate,
  endDate: FuzzyDate,
  coverImage: N(Schema.Struct({ extraLarge: N(Schema.String), large: N(Schema.String) })),
  bannerImage: N(Schema.String),
  siteUrl: N(Schema.String)
})
export type Media = typeof Media.Type
const MediaAnswer = Schema.Struct({ data: Schema.Struct({ Media: Media }) })
const SearchAnswer = Schema.Struct({
  data: Schema.Struct({ Page: Schema.Struct({ media: Schema.Array(Schema.Struct({ id: Schema.Number, title: Title, startDate: FuzzyDate, popularity: N(Schema.Number) })) }) })
})

const FIELDS = "id idMal format title { romaji english native } description(asHtml: false) averageScore popularity episodes duration status " +
  "startDate { year month day } endDate { year month day } coverImage { extraLarge large } bannerImage siteUrl"
export const MEDIA_QUERY = `query ($id: Int, $idMal: Int) { Media(id: $id, idMal: $idMal, type: ANIME) { ${FIELDS} } }`
export const SEARCH_QUERY = `query ($search: String) { Page(perPage: 10) { media(search: $search, type: ANIME) { id title { romaji english native } startDate { year month day } popularity } } }`

const dayOf = (d: typeof DateParts.Type | null): string | null =>
  d === null || d.year === null || d.month === null || d.day === null
    ? null
    : `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`
const nameOf = (t: typeof Title.Type) => t.english ?? t.romaji ?? t.native ?? ""

const common = (m: Media) => {
  const poster = m.coverImage?.extraLarge ?? m.coverImage?.large ?? null
  const posterPath = poster === null ? null : imagePath(PROVIDER, poster)
  const bannerPath = m.bannerImage === null ? null : imagePath(PROVIDER, m.bannerImage)
  return {
    originalTitle: m.title.native ?? m.title.romaji,
    originalLanguage: "ja",
    overview: plainText(m.description),
    rating: m.averageScore === null ? null : m.averageScore / 10,
    popularity: m.popularity,
    homepage: m.siteUrl,
    posterPath,
    ratings: m.averageScore === null ? [] : [new RatingScore({ source: "anilist", value: m.averageScore, max: 100, votes: null })],
    images: [
      ...(posterPath === null ? [] : [new MetadataImage({ kind: "poster", path: posterPath, language: null, width: 460, height: 650, voteAverage: 0 })]),
      ...(bannerPath === null ? [] : [new MetadataImage({ kind: "banner", path: bannerPath, language: null, width: 1900, height: 400, voteAverage: 0 })])
    ],
    externalIds: new ExternalIds({ tmdb: null, imdb: null, tvdb: null, wikidata: null, anilist: String(m.id), mal: m.idMal === null ? null : String(m.idMal) })
  }
}

export const series = (m: Media): MetadataSeries =>
  blankSeries(PROVIDER, String(m.id), nameOf(m.title), {
    ...common(m), status: m.status, firstAirDate: dayOf(m.startDate), lastAirDate: dayOf(m.endDate), episodeRuntimeMinutes: m.duration
  })

export const movie = (m: Media): MetadataMovie =>
  blankMovie(PROVIDER, String(m.id), nameOf(m.title), { ...common(m), releaseDate: dayOf(m.startDate), runtimeMinutes: m.duration })

const candidates = (media: typeof SearchAnswer.Type["data"]["Page"]["media"], kind: "movie" | "tv") =>
  media.map((m) =>
    new SearchResult({
      id: String(m.id), mediaType: kind, title: nameOf(m.title), originalTitle: m.title.romaji ?? m.title.native,
      year: m.startDate?.year ?? null, date: dayOf(m.startDate), overview: null, posterPath: null, popularity: m.popularity, voteAverage: null, genres: []
    }))

export const makeAnilist = (_access: ProviderAccess) =>
  Effect.gen(function* () {
    const config = yield* AppConfig
    const http = yield* ProviderHttp
    const endpoint = yield* http.endpoint({
      name: PROVIDER, baseUrl: config.anilist.baseUrl.replace(/\/+$/, ""), timeout: config.anilist.timeout, ratePerSecond: config.anilist.rateLimit
    })
    const graphql = <A, I>(schema: Schema.Schema<A, I>, query: string, variables: Readonly<Record<string, string | number>>) =>
      endpoint.send("POST", "/", { query, variables }).pipe(
        Effect.flatMap((body) => Schema.decodeUnknown(schema)(body)),
        Effect.mapError((e) => e._tag === "ParseError" ? new ProviderRejected({ provider: PROVIDER, reason: "invalid", message: `unexpected answer: ${e.message}` }) : e)
      )
    const media = (id: string) => Effect.map(graphql(MediaAnswer, MEDIA_QUERY, { id: Number(id) }), (a) => a.data.Media)
    const provider: MetadataProvider = {
      ...partialProvider(PROVIDER, endpoint),
      // Anime only (Japanese originals): matched by title and year, as a library item is.
      // Known by its own or its MyAnimeList id (another provider's cross-link), else matched by title and year.
      resolveId: (ids, kind, item) =>
        ids.anilist !== null
          ? Effect.succeed(Option.some(ids.anilist))
          : ids.mal !== null
          ? noneIfNotFound(Effect.map(graphql(MediaAnswer, MEDIA_QUERY, { idMal: Number(ids.mal) }), (a) => Option.some(String(a.data.Media.id))))
          : item.originalLanguage !== "ja"
          ? Effect.succeed(Option.none())
          : Effect.map(graphql(SearchAnswer, SEARCH_QUERY, { search: item.title }), (answer) => {
            const outcome = decide(PROVIDER, item.title, item.year, candidates(answer.data.Page.media, kind))
            return outcome.kind === "matched" ? Option.some(outcome.id) : Option.none()
          }),
      tv: (id) => Effect.map(media(id), series),
      movie: (id) => Effect.map(media(id), movie),
      image: (path, maxBytes) =>
        Option.match(imageUrl(PROVIDER, config.anilistImageBaseUrl, path), {
          onNone: () => Effect.fail(new ProviderRejected({ provider: PROVIDER, reason: "invalid", message: `${path} is not an AniList image` })),
          onSome: (url) => endpoint.bytes(url, maxBytes)
        })
    }
    return provider
  })
