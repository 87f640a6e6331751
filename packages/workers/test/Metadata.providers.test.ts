/**
 * The metadata providers beside TMDb (OMDb, TVMaze, fanart.tv), every one enabled, faked on one
 * 127.0.0.1 server with fixtures written from their API documentation: admins set priorities per
 * field group (REST and RPC), a movie and a series refreshed get the merged record those priorities
 * say (each provider finding the item by the ids TMDb gave), fanart.tv's art goes into the images
 * pipeline, TVDb's login token is renewed before it expires, and a provider refusing its key shows it
 * in its state and is not called again.
 */
import { FetchHttpClient } from "@effect/platform"
import { RpcClient, RpcSerialization } from "@effect/rpc"
import { describe, expect, it } from "@effect/vitest"
import { MetadataRpcs, UpdateProviderSettings } from "@mediaserver/domain"
import { Duration, Effect, Layer } from "effect"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { account, request } from "@mediaserver/testkit/Http"
import { envelope, fixture, type Route } from "@mediaserver/testkit/FakeHttp"
import { fakeTmdb } from "@mediaserver/testkit/FakeTmdb"
import { eventually } from "@mediaserver/testkit/Poll"
import { libraryNode, metadataIdle, scannedLibraries, tree } from "@mediaserver/testkit/LibraryNode"

const dataDir = Effect.acquireRelease(
  Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "ms-providers-"))),
  (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
)

const OMDB_KEY = "test-omdb-key"
const FANART_KEY = "test-fanart-key"
const FANART_LOGO = "/fanart_fanart__movies__603__hdmovielogo__the-matrix-5033d29b30a05.png"
const FANART_TV_LOGO = "/fanart_fanart__tv__81189__hdtvlogo__breaking-bad-504c0b7a7f8ba.png"
const TVDB_KEY = "test-tvdb-key"
/** A TVDb login token (a JWT as TVDb issues them) expiring at `exp` (seconds). */
const jwt = (exp: number) =>
  ["eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9", Buffer.from(JSON.stringify({ apikey: TVDB_KEY, exp, id: "123456", tenant: "tvdb" })).toString("base64url"), "c2lnbmF0dXJl"].join(".")
const ATTACK_ON_TITAN = {
  id: 1429, name: "Attack on Titan", original_name: "進撃の巨人", original_language: "ja", first_air_date: "2013-04-07",
  overview: "Many years ago, the last remnants of humanity were forced to retreat behind the towering walls of a fortified city.",
  vote_average: 8.7, genre_ids: [16], origin_country: ["JP"], popularity: 120.5, poster_path: "/hTP1DtLGFamjfu8WqjnuQdP1n4i.jpg"
}
const TVMAZE_POSTER = "/tvmaze_uploads__images__original_untouched__501__1253519.jpg"

describe("metadata providers beside TMDb", () => {
  it.scopedLive("priorities per field group pick each field; ids cross-link; fanart.tv art is downloaded; a refused key stops the calls", () =>
    Effect.gen(function* () {
      const { server, env, jpeg } = yield* fakeTmdb()
      const image = { body: jpeg, headers: { "content-type": "image/jpeg" } }
      // TVDb: the first token expires within the day (renewed at once), the second in a month.
      const tokens: Array<string> = []
      const login: Route = {
        method: "POST", path: "/tvdb/v4/login", match: { json: { apikey: TVDB_KEY } },
        response: () => {
          tokens.push(jwt(Math.floor(Date.now() / 1000) + (tokens.length === 0 ? 3600 : 30 * 86400)))
          return { body: { status: "success", data: { token: tokens.at(-1) } } }
        }
      }
      const tvdb = (path: string, file: string): Route => ({
        method: "GET", path,
        response: (r) => (tokens.some((t) => r.headers["authorization"] === `Bearer ${t}`)
          ? { body: fixture(`tvdb/${file}`) }
          : { status: 401, body: { status: "failure", message: "Unauthorized", data: null } })
      })
      const routes: ReadonlyArray<Route> = [
        { method: "GET", path: "/omdb/", match: { query: { i: "tt0133093", apikey: OMDB_KEY } }, response: { body: fixture("omdb/title_tt0133093.json") } },
        { method: "GET", path: "/omdb/", match: { query: { i: "tt0903747", apikey: OMDB_KEY } }, response: { body: fixture("omdb/title_tt0903747.json") } },
        { method: "GET", path: "/omdb/", response: { body: fixture("omdb/not_found.json") } },
        {
          method: "GET", path: "/tvmaze/lookup/shows", match: { query: { imdb: "tt0903747" } },
          response: { status: 301, headers: { location: `${server.url}/tvmaze/shows/169` } }
        },
        { method: "GET", path: "/tvmaze/lookup/shows", response: envelope("tvmaze/ERROR_404_lookup.json") },
        { method: "GET", path: "/tvmaze/shows/169", response: { body: fixture("tvmaze/show_169.json") } },
        { method: "GET", path: "/tvmaze-static/*", response: image },
        { method: "GET", path: "/fanart/v3/movies/603", match: { query: { api_key: FANART_KEY } }, response: { body: fixture("fanart/movie_603.json") } },
        { method: "GET", path: "/fanart/v3/tv/81189", match: { query: { api_key: FANART_KEY } }, response: { body: fixture("fanart/tv_81189.json") } },
        { method: "GET", path: "/fanart/v3/tv/267440", response: envelope("fanart/ERROR_404_not_found.json") },
        { method: "GET", path: "/fanart/v3/*", response: envelope("fanart/ERROR_401_invalid_api_key.json") },
        { method: "GET", path: "/fanart-assets/*", response: image },
        login,
        tvdb("/tvdb/v4/series/81189/extended", "series_81189_extended.json"),
        tvdb("/tvdb/v4/series/81189/translations/eng", "series_81189_translations_eng.json"),
        { method: "GET", path: "/tvdb/v4/search/remoteid/*", response: envelope("tvdb/ERROR_404_not_found.json") },
        { method: "GET", path: "/tvdb/v4/series/267440/*", response: envelope("tvdb/ERROR_404_not_found.json") },
        // An anime: TMDb knows it (original language Japanese), AniList matches it by title and year.
        {
          method: "GET", path: "/3/search/tv", match: { query: { query: "Attack on Titan" } },
          response: { body: { page: 1, total_pages: 1, total_results: 1, results: [ATTACK_ON_TITAN] } }
        },
        {
          method: "GET", path: "/3/tv/1429",
          response: { body: { ...ATTACK_ON_TITAN, external_ids: { imdb_id: "tt2560140", tvdb_id: 267440 }, genres: [{ id: 16, name: "Animation" }] } }
        },
        { method: "POST", path: "/anilist/", match: { json: { variables: { search: "Attack on Titan" } } }, response: envelope("anilist/search_Attack_on_Titan.json") },
        { method: "POST", path: "/anilist/", match: { json: { variables: { id: 16498 } } }, response: envelope("anilist/media_16498.json") },
        { method: "POST", path: "/anilist/", response: envelope("anilist/ERROR_404_not_found.json") },
        { method: "GET", path: "/anilist-cdn/*", response: image }
      ]
      yield* Effect.forEach([...routes].reverse(), server.addRoute, { discard: true })
      const { url, sql, admin } = yield* libraryNode("meta_providers", {
        ...env,
        DATA_DIR: yield* dataDir,
        METADATA_PROVIDERS: "tmdb,omdb,tvmaze,fanart,tvdb,anilist",
        ANILIST_BASE_URL: `${server.url}/anilist`,
        ANILIST_IMAGE_BASE_URL: `${server.url}/anilist-cdn`,
        TVDB_API_KEY: TVDB_KEY,
        TVDB_BASE_URL: `${server.url}/tvdb/v4`,
        TVDB_IMAGE_BASE_URL: `${server.url}/tvdb-artworks`,
        OMDB_API_KEY: OMDB_KEY,
        OMDB_BASE_URL: `${server.url}/omdb`,
        TVMAZE_BASE_URL: `${server.url}/tvmaze`,
        TVMAZE_IMAGE_BASE_URL: `${server.url}/tvmaze-static`,
        FANART_API_KEY: "an old fanart key",
        FANART_BASE_URL: `${server.url}/fanart/v3`,
        FANART_IMAGE_BASE_URL: `${server.url}/fanart-assets`
      })
      const requestsOf = (prefix: string) => Effect.map(server.requests, (all) => all.filter((r) => r.path.startsWith(prefix)))
      const patch = (name: string, body: unknown, auth = admin) => request(url, "PATCH", `/api/v1/admin/metadata/providers/${name}`, { auth, body })

      // Settings: admins only; a known provider; a key only where one is used; the key never shown.
      const bob = (yield* account(url, "bob")).auth
      expect((yield* patch("omdb", { enabled: false }, bob)).status).toBe(403)
      expect((yield* patch("imdbnope", { enabled: true })).status).toBe(404)
      const keyless = yield* patch("tvmaze", { apiKey: "x" })
      expect(keyless.status).toBe(400)
      expect(JSON.stringify(keyless.body)).toContain("apiKey")
      expect((yield* patch("omdb", { priorities: { ratings: 0 } })).status).toBe(400)
      // OMDb's IMDb rating before TMDb's; fanart.tv's art before TMDb's; TVMaze's overview first.
      expect((yield* patch("omdb", { priorities: { ratings: 1 } })).body).toMatchObject({ name: "omdb", priorities: { ratings: 1, titles: 2 } })
      const tmdb = yield* patch("tmdb", { priorities: { ratings: 2, images: 3, overview: 2 } })
      expect(tmdb.body).toMatchObject({ name: "tmdb", keySet: true, priorities: { titles: 1, ratings: 2, images: 3, overview: 2 } })
      expect((yield* patch("fanart", { apiKey: FANART_KEY, priorities: { images: 1 } })).body).toMatchObject({ keySet: true, priorities: { images: 1 } })
      // The same operation over RPC.
      const rpc = yield* RpcClient.make(MetadataRpcs).pipe(
        Effect.provide(RpcClient.layerProtocolHttp({ url: `${url}/rpc` }).pipe(Layer.provide([FetchHttpClient.layer, RpcSerialization.layerNdjson])))
      )
      const viaRpc = yield* rpc.MetadataUpdateProvider({ name: "tvmaze", settings: new UpdateProviderSettings({ priorities: { overview: 1 } }) }).pipe(
        RpcClient.withHeaders({ authorization: `Bearer ${"token" in admin ? admin.token : ""}` })
      )
      expect(viaRpc).toMatchObject({ name: "tvmaze", keySet: false, configured: true, priorities: { overview: 1 } })
      const stored = yield* sql<{ api_key: string }>`SELECT api_key FROM metadata_provider_settings WHERE name = 'fanart'`
      expect(stored[0]?.api_key.startsWith("v1.")).toBe(true)
      expect(stored[0]?.api_key).not.toContain(FANART_KEY)

      const movies = yield* tree({ "The Matrix (1999)/The Matrix (1999).mkv": "" })
      const shows = yield* tree({ "Breaking Bad/Season 01/Breaking Bad S01E01.mkv": "", "Attack on Titan/Season 01/Attack on Titan S01E01.mkv": "" })
      yield* scannedLibraries(url, admin, { movies, shows })
      const settled = { timeout: Duration.seconds(60), interval: Duration.millis(200) }
      const idle = metadataIdle(sql)
      yield* eventually(
        sql<{ n: number }>`SELECT count(*)::int AS n FROM images WHERE path = ${FANART_LOGO} AND content_hash IS NOT NULL`,
        (rows) => rows[0]?.n === 1,
        { what: "fanart.tv's logo downloaded", ...settled }
      )
      yield* idle

      // The movie: titles and overview from TMDb, the rating and scores from OMDb, art from fanart.tv.
      const [movie] = yield* sql<{ id: string; title: string; overview: string; rating: number; vote_count: number; awards: string; ratings: unknown; logo_path: string; backdrop_path: string }>`
        SELECT id, title, overview, rating, vote_count, awards, ratings, logo_path, backdrop_path FROM movies`
      expect(movie).toMatchObject({
        title: "The Matrix", rating: 8.7, vote_count: 2165432, awards: "Won 4 Oscars. 42 wins & 51 nominations total",
        logo_path: FANART_LOGO, backdrop_path: "/fanart_fanart__movies__603__moviebackground__the-matrix-4fd5c3b6d0fd4.jpg"
      })
      expect(movie?.overview).toMatch(/^Set in the 22nd century/)
      expect(movie?.ratings).toEqual([
        { source: "imdb", value: 8.7, max: 10, votes: 2165432 },
        { source: "rottentomatoes", value: 83, max: 100, votes: null },
        { source: "metacritic", value: 73, max: 100, votes: null }
      ])
      // The series: TVMaze found by the IMDb id TMDb gave (its lookup redirects), fanart.tv by the TVDb id.
      const [series] = yield* sql<{ title: string; overview: string; rating: number; logo_path: string; poster_path: string; ratings: unknown }>`
        SELECT title, overview, rating, logo_path, poster_path, ratings FROM series WHERE tmdb_id = '1396'`
      expect(series).toMatchObject({ title: "Breaking Bad", rating: 9.5, logo_path: FANART_TV_LOGO })
      expect(series?.overview).toMatch(/^Breaking Bad follows protagonist Walter White/)
      expect(series?.overview).not.toContain("<p>")
      // The anime: AniList found by title and year (its score beside TMDb's, its banner among the images).
      const [anime] = yield* sql<{ title: string; ratings: ReadonlyArray<{ source: string; value: number }> }>`SELECT title, ratings FROM series WHERE tmdb_id = '1429'`
      expect(anime?.title).toBe("Attack on Titan")
      expect(anime?.ratings).toContainEqual({ source: "anilist", value: 85, max: 100, votes: null })
      const searched = (yield* requestsOf("/anilist/")).map((r) => JSON.parse(r.body).variables)
      expect(searched).toEqual([{ search: "Attack on Titan" }, { id: 16498 }])
      // Every provider's images, each under its own provider, kinds beyond TMDb's (clear art, disc, banner).
      const kinds = yield* sql<{ provider: string; kind: string }>`SELECT DISTINCT provider, kind FROM images WHERE provider <> 'tmdb' ORDER BY 1, 2`
      expect(kinds).toEqual(expect.arrayContaining([
        { provider: "fanart", kind: "banner" }, { provider: "fanart", kind: "clearart" }, { provider: "fanart", kind: "disc" },
        { provider: "fanart", kind: "logo" }, { provider: "tvdb", kind: "clearart" }, { provider: "tvdb", kind: "banner" },
        { provider: "tvmaze", kind: "poster" }, { provider: "anilist", kind: "banner" }
      ]))
      // TVDb: logged in once, and once more at the first use after, the token being a day from its expiry.
      expect(tokens.length).toBe(2)
      const tvdbCalls = (yield* requestsOf("/tvdb/v4/")).filter((r) => r.method === "GET").map((r) => r.headers["authorization"])
      expect(tvdbCalls.length).toBeGreaterThanOrEqual(3)
      expect(tvdbCalls).toEqual([`Bearer ${tokens[0]}`, ...tvdbCalls.slice(1).map(() => `Bearer ${tokens[1]}`)])
      const [tvmazePoster] = yield* sql<{ provider: string }>`SELECT provider FROM images WHERE path = ${TVMAZE_POSTER}`
      expect(tvmazePoster?.provider).toBe("tvmaze")
      const requests = yield* server.requests
      expect(requests.some((r) => r.path === "/fanart-assets/fanart/movies/603/hdmovielogo/the-matrix-5033d29b30a05.png")).toBe(true)
      // The old environment key was never used: the admin's key came first.
      expect(requests.some((r) => r.path.startsWith("/fanart/v3") && r.query["api_key"] !== FANART_KEY)).toBe(false)

      const statuses = (yield* request(url, "GET", "/api/v1/metadata/providers", { auth: admin })).body
      expect(statuses).toMatchObject([
        { name: "tmdb", healthy: true }, { name: "omdb", healthy: true, keySet: true, requestsLastHour: 3 },
        { name: "tvmaze", healthy: true, keySet: false }, { name: "fanart", healthy: true }, { name: "tvdb", healthy: true, keySet: true },
        { name: "anilist", healthy: true, requestsLastHour: 2, rateLimitRemaining: 88 },
        // Not enabled here (their own tests: Metadata.anime.test.ts).
        { name: "anidb", enabled: false }, { name: "mal", enabled: false }, { name: "kitsu", enabled: false },
        { name: "trakt", enabled: false }, { name: "simkl", enabled: false },
        { name: "letterboxd", healthy: false, unavailable: expect.stringContaining("no public API") }
      ])

      // OMDb refuses the key: its state says so, and the next refreshes do not call it.
      yield* server.addRoute({ method: "GET", path: "/omdb/", response: envelope("omdb/ERROR_401_invalid_api_key.json") })
      const refresh = request(url, "POST", `/api/v1/movies/${movie?.id ?? ""}/refresh`, { auth: admin })
      expect((yield* refresh).status).toBe(202)
      const refused = yield* eventually(
        Effect.map(request(url, "GET", "/api/v1/metadata/providers", { auth: admin }), (r) => JSON.stringify(r.body)),
        (body) => body.includes("refused our credentials"),
        { what: "OMDb's configuration error", ...settled }
      )
      expect(refused).toContain("Invalid API key")
      yield* idle
      const omdbCalls = (yield* server.requests).filter((r) => r.path === "/omdb/").length
      // A manual refresh is unique per item for a while: a confirmed match refreshes again.
      expect((yield* request(url, "POST", `/api/v1/movies/${movie?.id ?? ""}/match`, { auth: admin, body: { tmdbId: "603" } })).status).toBeLessThan(300)
      yield* eventually(
        sql<{ n: number }>`SELECT count(*)::int AS n FROM job_runs WHERE kind = 'metadata.refresh_movie' AND state = 'completed'`,
        (rows) => (rows[0]?.n ?? 0) >= 3,
        { what: "the third movie refresh", ...settled }
      )
      expect((yield* server.requests).filter((r) => r.path === "/omdb/").length).toBe(omdbCalls)
      // The movie keeps what OMDb gave before (other providers still merged).
      const [after] = yield* sql<{ title: string; logo_path: string }>`SELECT title, logo_path FROM movies`
      expect(after).toEqual({ title: "The Matrix", logo_path: FANART_LOGO })
    }), { timeout: 90_000 })
})
