/**
 * The TMDb provider: API v3 paths and parameters, decoded with TmdbSchemas and mapped by TmdbMap.
 * Answers are cached (L1, and L2 for the expensive detail calls with appended sub-resources); a
 * refresh (`fresh`) asks TMDb again. Its key is read at call time (an admin's setting, else TMDB_API_KEY);
 * without one every call is ProviderRejected("not_configured").
 */
import { ProviderRejected } from "@mediaserver/domain"
import { Effect, Option, Schema } from "effect"
import { CacheAside } from "../../cache/index.js"
import { AppConfig } from "../../config/AppConfig.js"
import { type Lookup, type MetadataProvider, type ProviderAccess, requireKey, type SearchQuery } from "../provider/Provider.js"
import { ProviderHttp } from "../provider/ProviderHttp.js"
import * as Mapping from "./TmdbMap.js"
import * as T from "./TmdbSchemas.js"

const MOVIE_APPEND = "credits,images,external_ids,release_dates,alternative_titles"
const TV_APPEND = "credits,images,external_ids,content_ratings,alternative_titles"

/** A v4 read access token is a JWT (sent as a bearer token); a v3 key is a query parameter. */
const credentials = (key: string): { readonly headers: Readonly<Record<string, string>>; readonly query: Readonly<Record<string, string>> } =>
  key.includes(".") ? { headers: { authorization: `Bearer ${key}` }, query: {} } : { headers: {}, query: { api_key: key } }

/** Images in the asked language, English and without text (TMDb's `null`). */
const imageLanguages = (language: string) => [...new Set([language.slice(0, 2), "en", "null"])].join(",")

export const makeTmdb = (access: ProviderAccess) => Effect.gen(function* () {
  const config = yield* AppConfig
  const http = yield* ProviderHttp
  const endpoint = yield* http.endpoint({
    name: Mapping.PROVIDER,
    baseUrl: config.tmdbBaseUrl.replace(/\/+$/, ""),
    timeout: config.tmdbTimeout,
    ratePerSecond: config.tmdbRateLimit
  })
  const cheap = yield* CacheAside.make({ namespace: "metadata-tmdb", schema: Schema.Unknown, ttl: { l1: "10 minutes", l2: "10 minutes" } })
  const expensive = yield* CacheAside.make({ namespace: "metadata-tmdb-details", schema: Schema.Unknown, ttl: { l1: "10 minutes", l2: "24 hours" } })

  const get = <A, I>(
    schema: Schema.Schema<A, I>,
    path: string,
    query: Readonly<Record<string, string | undefined>>,
    lookup: { readonly fresh?: boolean } = {},
    cache = cheap
  ) =>
    Effect.gen(function* () {
      const auth = credentials(yield* requireKey(Mapping.PROVIDER, access))
      const key = `${path}?${Object.entries(query).filter(([, v]) => v !== undefined).sort().map(([k, v]) => `${k}=${v}`).join("&")}`
      const call = access.refused(endpoint.json(path, { ...query, ...auth.query }, auth.headers))
      // A refresh asks TMDb again and leaves its answer for the lookups that follow.
      if (lookup.fresh === true) yield* cache.invalidate(key)
      const body = yield* cache.get(key, call)
      return yield* Schema.decodeUnknown(schema)(body).pipe(
        Effect.mapError((e) => new ProviderRejected({ provider: Mapping.PROVIDER, reason: "invalid", message: `${path}: unexpected body: ${e.message}` }))
      )
    })

  /** Genre names in the asked language; a list TMDb cannot give leaves results without names. */
  const genres = (kinds: ReadonlyArray<"movie" | "tv">, lookup: Lookup) =>
    Effect.forEach(kinds, (kind) =>
      get(T.GenreList, `/genre/${kind}/list`, { language: lookup.language }, {}, expensive).pipe(
        Effect.catchTag("ProviderRejected", () => Effect.succeed({ genres: [] }))
      )).pipe(Effect.map((lists) => Mapping.genreNames(...lists)))

  const search = (kind: "movie" | "tv" | "person") => (q: SearchQuery, lookup: Lookup) =>
    Effect.zipWith(
      get(T.SearchResults, `/search/${kind}`, {
        query: q.query,
        page: q.page === undefined ? undefined : String(q.page),
        language: lookup.language,
        ...(q.year === undefined ? {} : kind === "movie" ? { year: String(q.year) } : kind === "tv" ? { first_air_date_year: String(q.year) } : {})
      }, lookup),
      genres(kind === "person" ? [] : [kind], lookup),
      (body, names) => Mapping.searchPage(body, kind, names)
    )

  // Where images are: TMDB_IMAGE_BASE_URL, else what TMDb's configuration says (cached a day).
  const imageBase = Option.match(config.tmdbImageBaseUrl, {
    onSome: (base) => Effect.succeed(base),
    onNone: () => Effect.map(get(T.Configuration, "/configuration", {}, {}, expensive), (c) => c.images.secure_base_url)
  }).pipe(Effect.map((base) => base.replace(/\/+$/, "")))

  const details = (append: string, lookup: Lookup) => ({
    language: lookup.language,
    append_to_response: append,
    include_image_language: imageLanguages(lookup.language)
  })

  const person = (id: string, lookup: Lookup) => get(T.Person, `/person/${id}`, details("images,combined_credits", lookup), lookup, expensive)

  const provider: MetadataProvider = {
    name: Mapping.PROVIDER,
    circuit: endpoint.circuit,
    stats: endpoint.stats,
    translates: true,
    resolveId: (ids) => Effect.succeed(Option.fromNullable(ids.tmdb)),
    searchMovie: search("movie"),
    searchTv: search("tv"),
    searchPerson: search("person"),
    movie: (id, lookup) =>
      Effect.map(get(T.Movie, `/movie/${id}`, details(MOVIE_APPEND, lookup), lookup, expensive), (m) => Mapping.movie(m, lookup.language)),
    movieSimilar: (id, lookup) =>
      Effect.zipWith(get(T.SearchResults, `/movie/${id}/similar`, { language: lookup.language }, lookup), genres(["movie"], lookup), (b, g) => Mapping.searchPage(b, "movie", g)),
    movieRecommendations: (id, lookup) =>
      Effect.zipWith(get(T.SearchResults, `/movie/${id}/recommendations`, { language: lookup.language }, lookup), genres(["movie"], lookup), (b, g) => Mapping.searchPage(b, "movie", g)),
    collection: (id, lookup) =>
      Effect.zipWith(get(T.Collection, `/collection/${id}`, { language: lookup.language }, lookup), genres(["movie"], lookup), Mapping.collection),
    tv: (id, lookup) =>
      Effect.map(get(T.Tv, `/tv/${id}`, details(TV_APPEND, lookup), lookup, expensive), (t) => Mapping.series(t, lookup.language)),
    season: (id, seasonNumber, lookup) =>
      Effect.map(get(T.Season, `/tv/${id}/season/${seasonNumber}`, details("images", lookup), lookup, expensive), Mapping.season),
    episode: (id, seasonNumber, episodeNumber, lookup) =>
      Effect.map(
        get(T.Episode, `/tv/${id}/season/${seasonNumber}/episode/${episodeNumber}`, details("images", lookup), lookup),
        Mapping.episode
      ),
    person: (id, lookup) => Effect.map(person(id, lookup), Mapping.person),
    // From the person's details (combined_credits is appended there), so both share one cached answer.
    personCredits: (id, lookup) =>
      Effect.map(person(id, lookup), (body) => Mapping.personCredits(body.combined_credits ?? { cast: [], crew: [] })),
    findByImdb: (imdbId, kind) =>
      Effect.map(get(T.Find, `/find/${imdbId}`, { external_source: "imdb_id" }), (found) =>
        Option.map(Option.fromNullable((kind === "movie" ? found.movie_results : found.tv_results)[0]), (item) => String(item.id))),
    // TMDb's absolute orders are per-user episode groups: the seasons' episode counts stand in (AbsoluteNumbers.ts).
    absoluteOrder: () => Effect.succeed(Option.none()),
    image: (path, maxBytes) => Effect.flatMap(imageBase, (base) => endpoint.bytes(`${base}/original${path}`, maxBytes))
  }
  return provider
})
