import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Duration, Effect } from "effect"
import { request } from "@mediaserver/testkit/Http"
import { eventually } from "@mediaserver/testkit/Poll"
import { holdTable } from "@mediaserver/testkit/TableHold"
import { allScansFinished, awaitScan, createLibrary, libraryNode, overlapping, scanNow, startScan, tree } from "@mediaserver/testkit/LibraryNode"

const TVSHOW_NFO = `<tvshow><title>Breaking Bad</title><uniqueid type="tvdb">81189</uniqueid><uniqueid type="tmdb">1396</uniqueid></tvshow>`

describe("TV library scan", () => {
  it.scopedLive("series, seasons and episodes: multi-episode files, specials, air dates, absolute numbers; unmatched files reported", () =>
    Effect.gen(function* () {
      const { url, sql, admin } = yield* libraryNode("scan_tv")
      const root = yield* tree({
        "Breaking Bad (2008)/tvshow.nfo": TVSHOW_NFO,
        "Breaking Bad (2008)/Season 01/Breaking Bad S01E01.mkv": "",
        "Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E02-E03 - Cat's in the Bag... + ...And the Bag's in the River [WEBDL-2160p].mkv": "",
        "Breaking Bad (2008)/Specials/Breaking Bad S00E02.mkv": "",
        "Breaking Bad (2008)/Random Clip.mkv": "",
        "Loose S01E01.mkv": "",
        "Breaking Bad (2008)/Season 01/Breaking Bad S01E01-trailer.mkv": "",
        "The Daily Show/Season 2024/The Daily Show - 2024-03-11 - Jon Stewart.mkv": "",
        "One Piece (1999)/Season 01/One Piece - 001 - I'm Luffy! The Man Who Will Become the Pirate King!.mkv": ""
      })
      const library = yield* createLibrary(url, admin, { name: "Shows", kind: "tvshow", paths: [root] })
      const scan = yield* scanNow(url, admin, library.id)
      // The trailer is skipped by the walk; a video the parser cannot place is reported, not dropped.
      expect(scan.counts).toMatchObject({ seen: 7, new: 7, matched: 5, unmatched: 2 })
      expect(scan.unmatched.map((u) => u.path).sort()).toEqual([`${root}/Breaking Bad (2008)/Random Clip.mkv`, `${root}/Loose S01E01.mkv`])

      const series = yield* sql<{ title: string; year: number | null; tvdb_id: string | null; tmdb_id: string | null }>`
        SELECT title, year, tvdb_id, tmdb_id FROM series ORDER BY title`
      expect(series).toEqual([
        { title: "Breaking Bad", year: 2008, tvdb_id: "81189", tmdb_id: "1396" },
        { title: "One Piece", year: 1999, tvdb_id: null, tmdb_id: null },
        { title: "The Daily Show", year: null, tvdb_id: null, tmdb_id: null }
      ])
      const episodes = yield* sql<{ series: string; season: number; episode: number | null; absolute: number | null; air_date: string | null; files: number }>`
        SELECT s.title AS series, e.season_number AS season, e.episode_number AS episode, e.absolute_number AS absolute,
          to_char(e.air_date, 'YYYY-MM-DD') AS air_date, count(l.media_file_id)::int AS files
        FROM episodes e JOIN series s ON s.id = e.series_id LEFT JOIN media_file_episodes l ON l.episode_id = e.id
        GROUP BY s.title, e.id ORDER BY s.title, e.season_number, e.episode_number`
      expect(episodes).toEqual([
        { series: "Breaking Bad", season: 0, episode: 2, absolute: null, air_date: null, files: 1 },
        { series: "Breaking Bad", season: 1, episode: 1, absolute: null, air_date: null, files: 1 },
        { series: "Breaking Bad", season: 1, episode: 2, absolute: null, air_date: null, files: 1 },
        { series: "Breaking Bad", season: 1, episode: 3, absolute: null, air_date: null, files: 1 },
        { series: "One Piece", season: 1, episode: 1, absolute: 1, air_date: null, files: 1 },
        { series: "The Daily Show", season: 2024, episode: null, absolute: null, air_date: "2024-03-11", files: 1 }
      ])
      const unmatched = yield* sql<{ match_state: string }>`SELECT match_state FROM media_files WHERE path LIKE '%Random Clip.mkv'`
      expect(unmatched.map((r) => r.match_state)).toEqual(["unmatched"])
    }), { timeout: 120_000 })

  it.scopedLive("one scan per library: concurrent triggers get the running scan; cancel ends it; cancelling with none running is 409", () =>
    Effect.gen(function* () {
      const { url, admin, sql } = yield* libraryNode("scan_once")
      const files: Record<string, string> = {}
      for (let i = 0; i < 3000; i++) files[`Show ${i % 300}/Season ${1 + Math.floor(i / 300)}/Show ${i % 300} S${1 + Math.floor(i / 300)}E01.mkv`] = ""
      const root = yield* tree(files)
      const library = yield* createLibrary(url, admin, { name: "Shows", kind: "tvshow", paths: [root] })

      const triggers = yield* Effect.all(Array.from({ length: 5 }, () => startScan(url, admin, library.id)), { concurrency: "unbounded" })
      const history = yield* allScansFinished(url, admin, library.id)
      expect(overlapping(history)).toBe(0)
      expect(triggers.every((t) => history.some((s) => s.id === t.id))).toBe(true)
      expect(history.reduce((n, s) => n + s.counts.new, 0)).toBe(3000)
      const noneRunning = yield* request(url, "DELETE", `/api/v1/libraries/${library.id}/scan`, { auth: admin })
      expect(noneRunning.status).toBe(409)

      // The rescan is held at its first statement (loading the library's files), so the cancel finds it
      // running however fast the machine; released after the cancel, it must not complete.
      const hold = yield* Effect.provideService(holdTable("media_files"), SqlClient.SqlClient, sql)
      const next = yield* startScan(url, admin, library.id)
      yield* eventually(hold.waiting, (waiting) => waiting, { what: "the rescan to reach the held table", timeout: Duration.seconds(30) })
      const cancelled = yield* request(url, "DELETE", `/api/v1/libraries/${library.id}/scan`, { auth: admin })
      expect(cancelled.status).toBe(204)
      yield* hold.release
      expect((yield* awaitScan(url, admin, library.id, next.id)).status).toBe("cancelled")
      // A new trigger after a cancel starts a new scan.
      const again = yield* startScan(url, admin, library.id)
      expect(again.id).not.toBe(next.id)
      expect((yield* awaitScan(url, admin, library.id, again.id)).status).toBe("completed")
    }), { timeout: 120_000 })
})
