/**
 * Anime numbering: files named by their absolute number alone ("Attack on Titan - 26.mkv", no season
 * anywhere) are kept in season 1 until their series' refresh; TVDb's absolute order (its aired order's
 * `absoluteNumber`s) then moves each to its season and episode, and later scans put new files there
 * at once.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { envelope, fixture, type Route } from "@mediaserver/testkit/FakeHttp"
import { fakeTmdb } from "@mediaserver/testkit/FakeTmdb"
import { createLibrary, libraryNode, metadataIdle, scanNow, tree, writeTree } from "@mediaserver/testkit/LibraryNode"

const ATTACK_ON_TITAN = {
  id: 1429, name: "Attack on Titan", original_name: "進撃の巨人", original_language: "ja", first_air_date: "2013-04-07",
  overview: "Many years ago, the last remnants of humanity were forced to retreat behind the towering walls of a fortified city.",
  vote_average: 8.7, genre_ids: [16], origin_country: ["JP"], popularity: 120.5, poster_path: "/hTP1DtLGFamjfu8WqjnuQdP1n4i.jpg"
}

describe("absolute episode numbers", () => {
  it.scopedLive("a file named by its absolute number ends up as its season and episode in TVDb's order", () =>
    Effect.gen(function* () {
      const routes: ReadonlyArray<Route> = [
        {
          method: "GET", path: "/3/search/tv", match: { query: { query: "Attack on Titan" } },
          response: { body: { page: 1, total_pages: 1, total_results: 1, results: [ATTACK_ON_TITAN] } }
        },
        // TMDb's answer names no seasons: the order can only come from TVDb.
        { method: "GET", path: "/3/tv/1429", response: { body: { ...ATTACK_ON_TITAN, external_ids: { imdb_id: "tt2560140", tvdb_id: 267440 } } } },
        { method: "POST", path: "/tvdb/v4/login", response: { body: fixture("tvdb/POST_login.json") } },
        { method: "GET", path: "/tvdb/v4/series/267440/episodes/default", response: { body: fixture("tvdb/series_267440_episodes_default.json") } },
        { method: "GET", path: "/tvdb/v4/*", response: envelope("tvdb/ERROR_404_not_found.json") }
      ]
      const { server, env } = yield* fakeTmdb()
      yield* Effect.forEach([...routes].reverse(), server.addRoute, { discard: true })
      const dataDir = yield* Effect.acquireRelease(
        Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "ms-absolute-"))),
        (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
      )
      const { url, sql, admin } = yield* libraryNode("meta_absolute", {
        ...env, DATA_DIR: dataDir, METADATA_PROVIDERS: "tmdb,tvdb", TVDB_API_KEY: "test-tvdb-key", TVDB_BASE_URL: `${server.url}/tvdb/v4`
      })
      const root = yield* tree({
        "Attack on Titan/Attack on Titan - 01.mkv": "",
        "Attack on Titan/Attack on Titan - 26.mkv": "",
        "Attack on Titan/[Group] Attack on Titan - 37 (1080p).mkv": ""
      })
      const library = yield* createLibrary(url, admin, { name: "Anime", kind: "tvshow", paths: [root] })
      yield* scanNow(url, admin, library.id)
      const episodes = sql<{ file: string; season_number: number; episode_number: number; episode_key: string; absolute_number: number }>`
        SELECT regexp_replace(f.path, '^.*/', '') AS file, e.season_number, e.episode_number, e.episode_key, e.absolute_number
        FROM episodes e JOIN media_file_episodes l ON l.episode_id = e.id JOIN media_files f ON f.id = l.media_file_id
        JOIN seasons s ON s.id = e.season_id AND s.season_number = e.season_number
        ORDER BY e.absolute_number`
      // Before the refresh: season 1, by absolute number.
      expect((yield* episodes).map((e) => [e.season_number, e.episode_key])).toEqual([[1, "a1"], [1, "a26"], [1, "a37"]])
      yield* metadataIdle(sql)
      const mapped = yield* episodes
      expect(mapped.map((e) => [e.file, e.season_number, e.episode_number, e.absolute_number])).toEqual([
        ["Attack on Titan - 01.mkv", 1, 1, 1],
        ["Attack on Titan - 26.mkv", 2, 1, 26],
        ["[Group] Attack on Titan - 37 (1080p).mkv", 2, 12, 37]
      ])
      expect(mapped.every((e) => e.episode_key === `e${e.episode_number}`)).toBe(true)
      expect(yield* sql`SELECT season_number FROM seasons ORDER BY 1`).toEqual([{ season_number: 1 }, { season_number: 2 }])
      // A later scan puts a new file where the series' order says, at once.
      yield* Effect.promise(() => writeTree(root, { "Attack on Titan/Attack on Titan - 25.mkv": "" }))
      yield* scanNow(url, admin, library.id)
      const rescanned = yield* episodes
      expect(rescanned.map((e) => [e.season_number, e.episode_key, e.absolute_number])).toEqual([[1, "e1", 1], [1, "e25", 25], [2, "e1", 26], [2, "e12", 37]])
      expect((yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM episodes`)[0]?.n).toBe(4)
    }), { timeout: 90_000 })
})
