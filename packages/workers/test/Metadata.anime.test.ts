/**
 * An anime series with the anime databases enabled, each faked with fixtures written from its API
 * documentation: ids cross-link in rounds (TMDb's title leads AniList and AniDB, through its title dump,
 * to the item; AniList's MyAnimeList id leads MyAnimeList and Kitsu to it), every source's score is
 * merged and the admins' priorities per field group pick fields among them; MyAnimeList refusing its client id shows in its state and is not called again until an admin
 * sets a new one; AniDB's answer is kept (a second refresh does not ask it again); the states show each
 * provider (Trakt's JSON rate-limit header as headroom, Letterboxd unavailable).
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { gzipSync } from "node:zlib"
import { request } from "@mediaserver/testkit/Http"
import { envelope, fixture, readFixture, type Route } from "@mediaserver/testkit/FakeHttp"
import { fakeTmdb } from "@mediaserver/testkit/FakeTmdb"
import { eventually } from "@mediaserver/testkit/Poll"
import { createLibrary, libraryNode, metadataIdle, scanNow, tree } from "@mediaserver/testkit/LibraryNode"

const ATTACK_ON_TITAN = {
  id: 1429, name: "Attack on Titan", original_name: "進撃の巨人", original_language: "ja", first_air_date: "2013-04-07",
  overview: "Many years ago, the last remnants of humanity were forced to retreat behind the towering walls of a fortified city.",
  vote_average: 8.7, genre_ids: [16], origin_country: ["JP"], popularity: 120.5, poster_path: "/hTP1DtLGFamjfu8WqjnuQdP1n4i.jpg"
}
const MAL_CLIENT = "mal-client-id"
const TRAKT_KEY = "trakt-client-id"
const SIMKL_KEY = "simkl-client-id"
const ANIDB_CLIENT = "mediaserver"

describe("anime providers", () => {
  it.scopedLive("ids cross-link in rounds across the anime databases; a refused client id stops its calls; AniDB is asked once", () =>
    Effect.gen(function* () {
      const { server, env, jpeg } = yield* fakeTmdb()
      const image = { body: jpeg, headers: { "content-type": "image/jpeg" } }
      const anidbXml = new Uint8Array(gzipSync(yield* readFixture("anidb/anime_9541.xml")))
      const titleDump = new Uint8Array(gzipSync(yield* readFixture("anidb/anime-titles.xml")))
      const routes: ReadonlyArray<Route> = [
        {
          method: "GET", path: "/3/search/tv", match: { query: { query: "Attack on Titan" } },
          response: { body: { page: 1, total_pages: 1, total_results: 1, results: [ATTACK_ON_TITAN] } }
        },
        { method: "GET", path: "/3/tv/1429", response: { body: { ...ATTACK_ON_TITAN, external_ids: { imdb_id: "tt2560140", tvdb_id: 267440 } } } },
        { method: "POST", path: "/anilist/", match: { json: { variables: { search: "Attack on Titan" } } }, response: envelope("anilist/search_Attack_on_Titan.json") },
        { method: "POST", path: "/anilist/", match: { json: { variables: { id: 16498 } } }, response: envelope("anilist/media_16498.json") },
        { method: "POST", path: "/anilist/", response: envelope("anilist/ERROR_404_not_found.json") },
        { method: "GET", path: "/mal/v2/anime/16498", match: { headers: { "x-mal-client-id": MAL_CLIENT } }, response: { body: fixture("mal/anime_16498.json") } },
        { method: "GET", path: "/mal/v2/*", response: envelope("mal/ERROR_403_invalid_client.json") },
        {
          method: "GET", path: "/kitsu/mappings", match: { query: { "filter[externalSite]": "myanimelist/anime", "filter[externalId]": "16498" } },
          response: { body: fixture("kitsu/mappings_myanimelist_anime_16498.json") }
        },
        { method: "GET", path: "/kitsu/anime/7442", match: { query: { include: "mappings" } }, response: { body: fixture("kitsu/anime_7442_include_mappings.json") } },
        { method: "GET", path: "/kitsu/*", response: envelope("kitsu/ERROR_404_not_found.json") },
        // Trakt's first answer is a 429 with Retry-After: 2 s, waited out in place.
        { method: "GET", path: "/trakt/search/imdb/tt2560140", times: 1, response: envelope("trakt/ERROR_429_rate_limited.json") },
        { method: "GET", path: "/trakt/search/imdb/tt2560140", match: { headers: { "trakt-api-key": TRAKT_KEY, "trakt-api-version": "2" } }, response: envelope("trakt/search_imdb_tt2560140_show.json") },
        { method: "GET", path: "/trakt/shows/60300", match: { query: { extended: "full" } }, response: envelope("trakt/shows_60300_extended_full.json") },
        { method: "GET", path: "/trakt/*", response: envelope("trakt/ERROR_404_not_found.json") },
        { method: "GET", path: "/simkl/search/id", match: { query: { imdb: "tt2560140" }, headers: { "simkl-api-key": SIMKL_KEY } }, response: { body: fixture("simkl/search_id_imdb_tt2560140.json") } },
        { method: "GET", path: "/simkl/anime/39687", response: { body: fixture("simkl/anime_39687_extended_full.json") } },
        { method: "GET", path: "/simkl/*", response: envelope("simkl/ERROR_401_client_id_failed.json") },
        {
          method: "GET", path: "/anidb/httpapi", match: { query: { request: "anime", client: ANIDB_CLIENT, protover: "1", aid: "9541" } },
          response: { headers: { "content-type": "text/xml", "content-encoding": "gzip" }, body: anidbXml }
        },
        { method: "GET", path: "/anidb/httpapi", response: { body: "<error>Anime not found</error>", headers: { "content-type": "text/xml" } } },
        { method: "GET", path: "/anidb-dump/anime-titles.xml.gz", response: { body: titleDump, headers: { "content-type": "application/gzip" } } },
        { method: "GET", path: "/cdn/*", response: image }
      ]
      yield* Effect.forEach([...routes].reverse(), server.addRoute, { discard: true })
      const dataDir = yield* Effect.acquireRelease(
        Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "ms-anime-"))),
        (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
      )
      const cdn = `${server.url}/cdn`
      const { url, sql, admin } = yield* libraryNode("meta_anime", {
        ...env,
        DATA_DIR: dataDir,
        METADATA_PROVIDERS: "tmdb,anilist,mal,kitsu,anidb,trakt",
        ANILIST_BASE_URL: `${server.url}/anilist`, ANILIST_IMAGE_BASE_URL: cdn,
        MAL_API_KEY: "an old mal client id", MAL_BASE_URL: `${server.url}/mal/v2`, MAL_IMAGE_BASE_URL: cdn,
        KITSU_BASE_URL: `${server.url}/kitsu`, KITSU_IMAGE_BASE_URL: cdn,
        TRAKT_API_KEY: TRAKT_KEY, TRAKT_BASE_URL: `${server.url}/trakt`,
        SIMKL_API_KEY: SIMKL_KEY, SIMKL_BASE_URL: `${server.url}/simkl`,
        ANIDB_API_KEY: ANIDB_CLIENT, ANIDB_BASE_URL: `${server.url}/anidb/httpapi`, ANIDB_IMAGE_BASE_URL: cdn,
        ANIDB_TITLES_URL: `${server.url}/anidb-dump/anime-titles.xml.gz`
      })
      const requestsOf = (prefix: string) => Effect.map(server.requests, (all) => all.filter((r) => r.path.startsWith(prefix)))
      const shows = yield* tree({ "Attack on Titan/Season 01/Attack on Titan S01E01.mkv": "" })
      const library = yield* createLibrary(url, admin, { name: "Anime", kind: "tvshow", paths: [shows] })
      yield* scanNow(url, admin, library.id)
      yield* metadataIdle(sql)

      const scores = sql<{ id: string; ratings: ReadonlyArray<{ source: string; value: number }> }>`SELECT id, ratings FROM series`
      const [first] = yield* scores
      const sources = (first?.ratings ?? []).map((r) => r.source)
      // Round 1: AniList (title), AniDB (title, in its title dump) and Trakt (IMDb id); round 2: Kitsu through AniList's MyAnimeList id.
      expect(sources).toEqual(expect.arrayContaining(["anilist", "trakt", "kitsu", "anidb"]))
      expect(sources).not.toContain("mal")
      expect(first?.ratings).toContainEqual({ source: "anidb", value: 8.32, max: 10, votes: 25136 })
      expect(first?.ratings).toContainEqual({ source: "kitsu", value: 84.8, max: 100, votes: 155743 })
      expect((yield* requestsOf("/kitsu/mappings")).length).toBe(1)
      expect((yield* requestsOf("/trakt/search/")).length).toBe(2)
      expect((yield* requestsOf("/anidb/")).map((r) => r.query["aid"])).toEqual(["9541"])
      expect((yield* requestsOf("/anidb-dump/")).length).toBe(1)
      // MyAnimeList refused the client id: its state says so.
      const states = (yield* request(url, "GET", "/api/v1/metadata/providers", { auth: admin })).body
      expect(states).toEqual(expect.arrayContaining([
        expect.objectContaining({ name: "mal", healthy: false, configurationError: expect.stringContaining("refused our credentials") }),
        expect.objectContaining({ name: "trakt", healthy: true, keySet: true, rateLimitRemaining: 997 }),
        expect.objectContaining({ name: "anidb", healthy: true, keySet: true, ratePerSecond: 0.4, requestsLastHour: 2 }),
        expect.objectContaining({ name: "kitsu", healthy: true, keySet: false }),
        expect.objectContaining({ name: "simkl", enabled: false }),
        expect.objectContaining({ name: "letterboxd", healthy: false, unavailable: expect.stringContaining("no public API") })
      ]))
      const refusedCalls = (yield* requestsOf("/mal/")).length
      expect(refusedCalls).toBe(1)

      // A second refresh: MyAnimeList is not called with the refused id; AniDB is not asked again (kept a day).
      const refresh = () => request(url, "POST", `/api/v1/tvshows/${first?.id ?? ""}/refresh`, { auth: admin })
      const completed = (n: number) =>
        eventually(
          sql<{ n: number }>`SELECT count(*)::int AS n FROM job_runs WHERE kind = 'metadata.refresh_series' AND state = 'completed'`,
          (rows) => (rows[0]?.n ?? 0) >= n,
          { what: `series refresh ${n}`, timeout: Duration.seconds(60), interval: Duration.millis(200) }
        )
      expect((yield* refresh()).status).toBe(202)
      yield* completed(2)
      expect((yield* requestsOf("/mal/")).length).toBe(refusedCalls)

      // An admin sets the right client id and enables Simkl: both are asked (Simkl by the IMDb id TMDb gave).
      const patch = (name: string, body: unknown) => request(url, "PATCH", `/api/v1/admin/metadata/providers/${name}`, { auth: admin, body })
      expect((yield* patch("mal", { apiKey: MAL_CLIENT })).body).toMatchObject({ name: "mal", keySet: true, configurationError: null })
      expect((yield* patch("simkl", { enabled: true })).body).toMatchObject({ name: "simkl", enabled: true })
      // And priorities per field group: Kitsu's synopsis first, MyAnimeList's picture first.
      expect((yield* patch("kitsu", { priorities: { overview: 1 } })).body).toMatchObject({ priorities: { overview: 1 } })
      expect((yield* patch("tmdb", { priorities: { overview: 2, images: 2 } })).body).toMatchObject({ priorities: { overview: 2, images: 2 } })
      expect((yield* patch("mal", { priorities: { images: 1 } })).body).toMatchObject({ priorities: { images: 1 } })
      yield* metadataIdle(sql)
      // A manual refresh is unique per item for a while: a confirmed match refreshes again.
      expect((yield* request(url, "POST", `/api/v1/tvshows/${first?.id ?? ""}/match`, { auth: admin, body: { tmdbId: "1429" } })).status).toBeLessThan(300)
      yield* completed(3)
      const [after] = yield* scores
      const [text] = yield* sql<{ overview: string; poster_path: string }>`SELECT overview, poster_path FROM series`
      expect(text?.overview).toMatch(/^Several hundred years ago, humans were nearly exterminated by titans\./)
      expect(text?.poster_path).toBe("/mal_images__anime__10__47347l.jpg")
      expect((after?.ratings ?? []).map((r) => r.source)).toEqual(expect.arrayContaining(["anilist", "trakt", "kitsu", "anidb", "mal", "simkl"]))
      expect((yield* requestsOf("/mal/")).filter((r) => r.headers["x-mal-client-id"] === MAL_CLIENT).length).toBe(1)
      expect((yield* requestsOf("/anidb/")).length).toBe(1)
    }), { timeout: 120_000 })
})
