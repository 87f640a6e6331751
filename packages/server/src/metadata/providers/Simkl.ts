/**
 * Simkl (https://api.simkl.com, the client id in `simkl-api-key`): an item found by any id it knows
 * (`/search/id?simkl=|imdb=|tmdb=|tvdb=|mal=|anidb=|anilist=|kitsu=`, answering its type: movie, tv or anime),
 * then `/{movies|tv|anime}/{simkl id}?extended=full`: its ids (imdb, tmdb, tvdb, mal, anidb, anilist,
 * kitsu, trakt...), which link every other database, overview, ratings (Simkl's own and the IMDb and
 * MyAnimeList ones it carries), certification, network. Its id here is `<type>/<simkl id>`. A refused
 * client id is 401 (`{"error":"client_id_failed"}`); an unknown item 404 or an empty search.
 */
import { Certification, ExternalIds, type MetadataMovie, type MetadataSeries, NamedRef, ProviderRejected, RatingScore } from "@mediaserver/domain"
import { Effect, Option, Schema } from "effect"
import { AppConfig } from "../../config/AppConfig.js"
import { type MetadataProvider, partialProvider, type ProviderAccess } from "../provider/Provider.js"
import { ProviderHttp } from "../provider/ProviderHttp.js"
import { blankMovie, blankSeries, dayOf, idText, makeKeyedGet, noneIfNotFound } from "./Shared.js"

export const PROVIDER = "simkl"

const N = <A, I>(s: Schema.Schema<A, I>) => Schema.optionalWith(Schema.NullOr(s), { default: () => null })
const Id = N(Schema.Union(Schema.String, Schema.Number))
const Ids = Schema.Struct({
  simkl: Schema.Number, slug: N(Schema.String), imdb: Id, tmdb: Id, tvdb: Id, mal: Id, anidb: Id, anilist: Id, kitsu: Id, traktslug: N(Schema.String)
})
const Score = N(Schema.Struct({ rating: Schema.Number, votes: N(Schema.Number) }))
export const SimklItem = Schema.Struct({
  title: Schema.String,
  en_title: N(Schema.String),
  year: N(Schema.Number),
  type: N(Schema.String),
  ids: Ids,
  overview: N(Schema.String),
  first_aired: N(Schema.String),
  released: N(Schema.String),
  runtime: N(Schema.Number),
  certification: N(Schema.String),
  country: N(Schema.String),
  network: N(Schema.String),
  status: N(Schema.String),
  genres: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
  ratings: N(Schema.Struct({ simkl: Score, imdb: Score, mal: Score }))
})
type SimklItem = typeof SimklItem.Type
const Found = Schema.Array(Schema.Struct({ type: Schema.String, ids: Schema.Struct({ simkl: Schema.Number }) }))

/** Types Simkl answers and the paths of their details. */
const PATHS: Readonly<Record<string, string>> = { movie: "movies", tv: "tv", show: "tv", anime: "anime" }

const scores = (s: SimklItem) =>
  (["simkl", "imdb", "mal"] as const).flatMap((source) => {
    const score = s.ratings?.[source] ?? null
    return score === null ? [] : [new RatingScore({ source, value: score.rating, max: 10, votes: score.votes })]
  })

const common = (s: SimklItem) => ({
  originalTitle: s.en_title === null ? null : s.title,
  overview: s.overview,
  status: s.status,
  rating: s.ratings?.simkl?.rating ?? null,
  voteCount: s.ratings?.simkl?.votes ?? null,
  ratings: scores(s),
  certifications: s.certification === null ? [] : [new Certification({ country: (s.country ?? "us").toUpperCase(), rating: s.certification })],
  genres: s.genres.map((g) => new NamedRef({ id: g.toLowerCase(), name: g, logoPath: null, originCountry: null })),
  externalIds: new ExternalIds({
    tmdb: idText(s.ids.tmdb), imdb: idText(s.ids.imdb), tvdb: idText(s.ids.tvdb), wikidata: null, simkl: String(s.ids.simkl),
    mal: idText(s.ids.mal), anidb: idText(s.ids.anidb), anilist: idText(s.ids.anilist), kitsu: idText(s.ids.kitsu)
  })
})

export const movie = (s: SimklItem): MetadataMovie =>
  blankMovie(PROVIDER, `movies/${s.ids.simkl}`, s.en_title ?? s.title, { ...common(s), releaseDate: dayOf(s.released), runtimeMinutes: s.runtime })

export const series = (s: SimklItem, path: string): MetadataSeries =>
  blankSeries(PROVIDER, `${path}/${s.ids.simkl}`, s.en_title ?? s.title, {
    ...common(s), originalLanguage: path === "anime" ? "ja" : null, firstAirDate: dayOf(s.first_aired), episodeRuntimeMinutes: s.runtime,
    networks: s.network === null ? [] : [new NamedRef({ id: s.network.toLowerCase(), name: s.network, logoPath: null, originCountry: s.country?.toUpperCase() ?? null })]
  })

/** The ids Simkl can search by, in the order tried. */
const SEARCHABLE = ["simkl", "imdb", "tmdb", "tvdb", "mal", "anidb", "anilist", "kitsu"] as const

export const makeSimkl = (access: ProviderAccess) =>
  Effect.gen(function* () {
    const config = yield* AppConfig
    const http = yield* ProviderHttp
    const endpoint = yield* http.endpoint({ name: PROVIDER, baseUrl: config.simkl.baseUrl.replace(/\/+$/, ""), timeout: config.simkl.timeout, ratePerSecond: config.simkl.rateLimit })
    const get = yield* makeKeyedGet(PROVIDER, endpoint, access, (key) => ({ "simkl-api-key": key }))
    const details = (id: string, fresh: boolean | undefined) => {
      const [path = "", simklId = ""] = id.split("/")
      return Object.values(PATHS).includes(path) && /^\d+$/.test(simklId)
        ? Effect.map(get(SimklItem, `/${path}/${simklId}`, { extended: "full" }, fresh), (item) => ({ item, path }))
        : Effect.fail(new ProviderRejected({ provider: PROVIDER, reason: "invalid", message: `not a Simkl id: ${id}` }))
    }
    const provider: MetadataProvider = {
      ...partialProvider(PROVIDER, endpoint),
      resolveId: (ids, kind) => {
        const by = SEARCHABLE.find((k) => ids[k] !== null)
        const value = by === undefined ? null : ids[by]
        if (by === undefined || value === null) return Effect.succeed(Option.none())
        return noneIfNotFound(Effect.map(get(Found, "/search/id", { [by]: value }), (found) =>
          Option.fromNullable(found.find((f) => (kind === "movie") === (f.type === "movie"))).pipe(
            Option.flatMap((f) => Option.fromNullable(PATHS[f.type]).pipe(Option.map((path) => `${path}/${f.ids.simkl}`)))
          )))
      },
      movie: (id, lookup) => Effect.map(details(id, lookup.fresh), ({ item }) => movie(item)),
      tv: (id, lookup) => Effect.map(details(id, lookup.fresh), ({ item, path }) => series(item, path))
    }
    return provider
  })
