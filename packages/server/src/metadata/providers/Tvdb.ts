/**
 * TheTVDB API v4 (https://api4.thetvdb.com/v4): a bearer token from `POST /login {apikey}` (valid a
 * month; renewed a day before its `exp`, and once when a call meets 401 — a second 401, or the login's
 * own, is the key's refusal). Series by TVDb id (`/series/{id}/extended`, names and overviews from
 * `/series/{id}/translations/{lang}` in TVDb's three-letter languages), artwork (posters, backgrounds,
 * banners, clear art and logos), remote ids (IMDb, TMDb) for cross-linking; a season's episodes in the
 * aired ("default"), DVD or absolute order (`/series/{id}/episodes/{order}`); movies found by IMDb id
 * (`/search/remoteid/{id}`). Artwork URLs become flat paths `/tvdb_...`.
 */
import {
  ExternalIds,
  type ImageKind,
  MetadataEpisode,
  MetadataImage,
  type MetadataMovie,
  MetadataSeason,
  type MetadataSeries,
  NamedRef,
  type ProviderError,
  ProviderRejected
} from "@mediaserver/domain"
import { Effect, Option, Ref, Schema } from "effect"
import { AppConfig } from "../../config/AppConfig.js"
import { imagePath, imageUrl, type MetadataProvider, partialProvider, type ProviderAccess, requireKey } from "../provider/Provider.js"
import { ProviderHttp } from "../provider/ProviderHttp.js"
import { blankMovie, blankSeries, makeGet, noneIfNotFound } from "./Shared.js"

export const PROVIDER = "tvdb"

const N = <A, I>(s: Schema.Schema<A, I>) => Schema.optionalWith(Schema.NullOr(s), { default: () => null })
const Envelope = <A, I>(data: Schema.Schema<A, I>) => Schema.Struct({ status: Schema.String, data })

const Artwork = Schema.Struct({ id: Schema.Number, image: Schema.String, language: N(Schema.String), type: Schema.Number, score: N(Schema.Number), width: N(Schema.Number), height: N(Schema.Number) })
const RemoteId = Schema.Struct({ id: Schema.String, type: Schema.Number, sourceName: Schema.String })
export const Series = Schema.Struct({
  id: Schema.Number,
  name: Schema.String,
  image: N(Schema.String),
  firstAired: N(Schema.String),
  lastAired: N(Schema.String),
  score: N(Schema.Number),
  status: N(Schema.Struct({ name: N(Schema.String) })),
  originalLanguage: N(Schema.String),
  averageRuntime: N(Schema.Number),
  overview: N(Schema.String),
  artworks: Schema.optionalWith(Schema.Array(Artwork), { default: () => [] }),
  genres: Schema.optionalWith(Schema.Array(Schema.Struct({ id: Schema.Number, name: Schema.String })), { default: () => [] }),
  remoteIds: Schema.optionalWith(Schema.Array(RemoteId), { default: () => [] }),
  originalNetwork: N(Schema.Struct({ id: Schema.Number, name: Schema.String, country: N(Schema.String) }))
})
export const Movie = Schema.Struct({
  id: Schema.Number,
  name: Schema.String,
  image: N(Schema.String),
  score: N(Schema.Number),
  runtime: N(Schema.Number),
  originalLanguage: N(Schema.String),
  artworks: Schema.optionalWith(Schema.Array(Artwork), { default: () => [] }),
  remoteIds: Schema.optionalWith(Schema.Array(RemoteId), { default: () => [] })
})
const Translation = Schema.Struct({ name: N(Schema.String), overview: N(Schema.String), language: Schema.String })
export const Episode = Schema.Struct({
  id: Schema.Number,
  name: N(Schema.String),
  aired: N(Schema.String),
  runtime: N(Schema.Number),
  overview: N(Schema.String),
  image: N(Schema.String),
  number: Schema.Number,
  seasonNumber: Schema.Number,
  absoluteNumber: N(Schema.Number)
})
export type Episode = typeof Episode.Type
const Episodes = Envelope(Schema.Struct({ episodes: Schema.Array(Episode) }))
const Login = Envelope(Schema.Struct({ token: Schema.String }))
const RemoteSearch = Envelope(Schema.Array(Schema.Struct({
  series: Schema.optional(Schema.Struct({ id: Schema.Number })),
  movie: Schema.optional(Schema.Struct({ id: Schema.Number }))
})))

/** TVDb's episode orders, as its paths name them. */
export type EpisodeOrder = "default" | "dvd" | "absolute"

/** ISO 639-1 -> TVDb's ISO 639-2 codes (the languages libraries use most). */
const LANGUAGES: Readonly<Record<string, string>> = {
  en: "eng", de: "deu", fr: "fra", es: "spa", it: "ita", pt: "por", nl: "nld", sv: "swe", da: "dan", no: "nor", fi: "fin",
  pl: "pol", cs: "ces", hu: "hun", ru: "rus", tr: "tur", el: "ell", he: "heb", ja: "jpn", ko: "kor", zh: "zho"
}
export const tvdbLanguage = (language: string) => LANGUAGES[language.slice(0, 2)] ?? "eng"

/** Artwork types (TVDb's /artwork/types): series 1 banner, 2 poster, 3 background, 22 clear art, 23 clear logo; movies 14, 15, 24, 25. */
const ARTWORK: Readonly<Record<number, ImageKind>> = { 1: "banner", 2: "poster", 3: "backdrop", 22: "clearart", 23: "logo", 14: "poster", 15: "backdrop", 24: "clearart", 25: "logo" }

const day = (value: string | null) => (value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null)
const path = (url: string | null) => (url === null || url === "" ? null : imagePath(PROVIDER, url))

const images = (artworks: ReadonlyArray<typeof Artwork.Type>) =>
  artworks.flatMap((a) => {
    const kind = ARTWORK[a.type]
    const p = path(a.image)
    return kind === undefined || p === null ? [] : [new MetadataImage({
      kind, path: p, language: a.language === null ? null : Option.getOrNull(Option.fromNullable(Object.entries(LANGUAGES).find(([, v]) => v === a.language)?.[0])),
      width: a.width ?? 0, height: a.height ?? 0, voteAverage: a.score ?? 0
    })]
  })

const best = (list: ReadonlyArray<MetadataImage>, kind: ImageKind) =>
  [...list].filter((i) => i.kind === kind).sort((a, b) => b.voteAverage - a.voteAverage)[0]?.path ?? null

const remote = (ids: ReadonlyArray<typeof RemoteId.Type>, source: string) => ids.find((r) => r.sourceName === source)?.id ?? null

export const series = (s: typeof Series.Type, translation: typeof Translation.Type | null): MetadataSeries => {
  const art = images(s.artworks)
  return blankSeries(PROVIDER, String(s.id), translation?.name ?? s.name, {
    originalTitle: s.name,
    overview: translation?.overview ?? s.overview,
    status: s.status?.name ?? null,
    firstAirDate: day(s.firstAired),
    lastAirDate: day(s.lastAired),
    episodeRuntimeMinutes: s.averageRuntime,
    posterPath: path(s.image) ?? best(art, "poster"),
    backdropPath: best(art, "backdrop"),
    logoPath: best(art, "logo"),
    images: art,
    genres: s.genres.map((g) => new NamedRef({ id: String(g.id), name: g.name, logoPath: null, originCountry: null })),
    networks: s.originalNetwork === null ? [] : [new NamedRef({ id: String(s.originalNetwork.id), name: s.originalNetwork.name, logoPath: null, originCountry: s.originalNetwork.country })],
    externalIds: new ExternalIds({ tmdb: remote(s.remoteIds, "TheMovieDB.com"), imdb: remote(s.remoteIds, "IMDB"), tvdb: String(s.id), wikidata: null })
  })
}

export const movie = (m: typeof Movie.Type, translation: typeof Translation.Type | null): MetadataMovie => {
  const art = images(m.artworks)
  return blankMovie(PROVIDER, String(m.id), translation?.name ?? m.name, {
    originalTitle: m.name,
    overview: translation?.overview ?? null,
    runtimeMinutes: m.runtime,
    posterPath: path(m.image) ?? best(art, "poster"),
    backdropPath: best(art, "backdrop"),
    logoPath: best(art, "logo"),
    images: art,
    externalIds: new ExternalIds({ tmdb: remote(m.remoteIds, "TheMovieDB.com"), imdb: remote(m.remoteIds, "IMDB"), tvdb: String(m.id), wikidata: null })
  })
}

export const episode = (e: Episode): MetadataEpisode =>
  new MetadataEpisode({
    id: String(e.id), seasonNumber: e.seasonNumber, episodeNumber: e.number, title: e.name, overview: e.overview, airDate: day(e.aired),
    runtimeMinutes: e.runtime, rating: null, voteCount: null, stillPath: path(e.image), credits: [], images: []
  })

/**
 * Absolute episode numbers (anime numbering) -> season and episode in the aired order, from the aired
 * order's episodes (each carries its absolute number); specials (season 0) are left out.
 */
export const absoluteMap = (aired: ReadonlyArray<Episode>): ReadonlyMap<number, { readonly season: number; readonly episode: number }> =>
  new Map(aired.flatMap((e) => (e.absoluteNumber === null || e.seasonNumber === 0 ? [] : [[e.absoluteNumber, { season: e.seasonNumber, episode: e.number }] as const])))

/** A token's `exp` (seconds since the epoch) from its JWT payload, if it has one. */
export const tokenExpiry = (token: string): number | null => {
  const payload = token.split(".")[1]
  if (payload === undefined) return null
  const decoded = Schema.decodeUnknownOption(Schema.parseJson(Schema.Struct({ exp: Schema.Number })))(Buffer.from(payload, "base64url").toString("utf8"))
  return Option.match(decoded, { onNone: () => null, onSome: (p) => p.exp })
}

const RENEW_BEFORE_MS = 24 * 3_600_000
const ASSUMED_LIFETIME_MS = 28 * 24 * 3_600_000

export const makeTvdb = (access: ProviderAccess) =>
  Effect.gen(function* () {
    const config = yield* AppConfig
    const http = yield* ProviderHttp
    const endpoint = yield* http.endpoint({
      name: PROVIDER, baseUrl: config.tvdb.baseUrl.replace(/\/+$/, ""), timeout: config.tvdb.timeout, ratePerSecond: config.tvdb.rateLimit
    })
    const get = yield* makeGet(PROVIDER, endpoint, { key: access.key, refused: (effect) => effect })
    const session = yield* Ref.make<{ readonly token: string; readonly key: string; readonly renewAt: number } | null>(null)

    const login = (key: string) =>
      access.refused(endpoint.send("POST", "/login", { apikey: key })).pipe(
        Effect.flatMap((body) => Schema.decodeUnknown(Login)(body)),
        Effect.mapError((e): ProviderError => e._tag === "ParseError" ? new ProviderRejected({ provider: PROVIDER, reason: "invalid", message: `login: unexpected body: ${e.message}` }) : e),
        Effect.map((body) => body.data.token),
        Effect.tap((token) => {
          const exp = tokenExpiry(token)
          const expiresAt = exp === null ? Date.now() + ASSUMED_LIFETIME_MS : exp * 1000
          return Ref.set(session, { token, key, renewAt: expiresAt - RENEW_BEFORE_MS })
        })
      )
    // One login at a time on this node: calls waiting for a token share the next one.
    const oneLogin = yield* Effect.makeSemaphore(1)
    /** The current token: logs in first, again a day before it expires or when the key changed. */
    const token = Effect.gen(function* () {
      const key = yield* requireKey(PROVIDER, access)
      const current = yield* Ref.get(session)
      return current !== null && current.key === key && Date.now() < current.renewAt ? current.token : yield* login(key)
    }).pipe(oneLogin.withPermits(1))
    const authorized = <A, I>(schema: Schema.Schema<A, I>, p: string, query: Readonly<Record<string, string>>, fresh: boolean | undefined) => {
      const once = Effect.flatMap(token, (t) => get(schema, p, query, { fresh, headers: { authorization: `Bearer ${t}` } }))
      // A token TVDb no longer takes: log in again once; a second refusal is the key's.
      return once.pipe(
        Effect.catchIf((e) => e._tag === "ProviderRejected" && e.reason === "unauthorized", () => Effect.zipRight(Ref.set(session, null), access.refused(once)))
      )
    }
    const translation = (kind: "series" | "movies", id: string, language: string, fresh: boolean | undefined) =>
      authorized(Envelope(Translation), `/${kind}/${id}/translations/${tvdbLanguage(language)}`, {}, fresh).pipe(
        Effect.map((body) => body.data),
        Effect.catchIf((e) => e._tag === "ProviderRejected" && e.reason === "not_found", () => Effect.succeed(null))
      )
    const episodes = (id: string, order: EpisodeOrder, fresh: boolean | undefined) =>
      Effect.map(authorized(Episodes, `/series/${id}/episodes/${order}`, { page: "0" }, fresh), (body) => body.data.episodes)
    const byRemote = (remoteId: string, kind: "movie" | "tv") =>
      noneIfNotFound(Effect.map(authorized(RemoteSearch, `/search/remoteid/${remoteId}`, {}, false), (body) =>
        Option.fromNullable(body.data.map((r) => (kind === "movie" ? r.movie?.id : r.series?.id)).find((x) => x !== undefined)).pipe(Option.map(String))))

    const provider: MetadataProvider = {
      ...partialProvider(PROVIDER, endpoint),
      translates: true,
      resolveId: (ids, kind) =>
        kind === "tv" && ids.tvdb !== null
          ? Effect.succeed(Option.some(ids.tvdb))
          : ids.imdb !== null
          ? byRemote(ids.imdb, kind)
          : Effect.succeed(Option.none()),
      findByImdb: byRemote,
      absoluteOrder: (id) => Effect.map(episodes(id, "default", false), (aired) => Option.some(absoluteMap(aired))),
      tv: (id, lookup) =>
        Effect.zipWith(
          authorized(Envelope(Series), `/series/${id}/extended`, { short: "true" }, lookup.fresh),
          translation("series", id, lookup.language, lookup.fresh),
          (body, t) => series(body.data, t)
        ),
      movie: (id, lookup) =>
        Effect.zipWith(
          authorized(Envelope(Movie), `/movies/${id}/extended`, { short: "true" }, lookup.fresh),
          translation("movies", id, lookup.language, lookup.fresh),
          (body, t) => movie(body.data, t)
        ),
      season: (id, seasonNumber, lookup) =>
        Effect.map(episodes(id, config.tvdbEpisodeOrder, lookup.fresh), (all) =>
          new MetadataSeason({
            id: `${id}:${seasonNumber}`, seasonNumber, name: null, overview: null, airDate: null, posterPath: null, images: [],
            episodes: all.filter((e) => e.seasonNumber === seasonNumber).map(episode)
          })),
      episode: (id, seasonNumber, episodeNumber, lookup) =>
        Effect.flatMap(episodes(id, config.tvdbEpisodeOrder, lookup.fresh), (all) => {
          const found = all.find((e) => e.seasonNumber === seasonNumber && e.number === episodeNumber)
          return found === undefined
            ? Effect.fail(new ProviderRejected({ provider: PROVIDER, reason: "not_found", message: `TVDb: series ${id} has no S${seasonNumber}E${episodeNumber}` }))
            : Effect.succeed(episode(found))
        }),
      image: (p, maxBytes) =>
        Option.match(imageUrl(PROVIDER, config.tvdbImageBaseUrl, p), {
          onNone: () => Effect.fail(new ProviderRejected({ provider: PROVIDER, reason: "invalid", message: `${p} is not a TVDb image` })),
          onSome: (url) => endpoint.bytes(url, maxBytes)
        })
    }
    return { provider, episodes }
  })
