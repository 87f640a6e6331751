import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { request } from "@mediaserver/testkit/Http"
import { eventually } from "@mediaserver/testkit/Poll"
import { TestMedia } from "@mediaserver/testkit/TestMedia"
import { createLibrary, libraryNode, scanNow, tree } from "@mediaserver/testkit/LibraryNode"

const NFO = `<?xml version="1.0" encoding="UTF-8"?>
<movie><title>Alien</title><year>1979</year><uniqueid type="tmdb" default="true">348</uniqueid></movie>`

describe("movie library scan", () => {
  it.scopedLive("matches movies from names and NFOs, skips extras, detects new/changed/removed files, probes real media", () =>
    Effect.gen(function* () {
      const media = yield* TestMedia.files
      const { url, sql, admin } = yield* libraryNode("scan_movies")
      const root = yield* tree({
        "The Matrix (1999)/The Matrix (1999).mkv": { copyOf: media.mp4 },
        "The Matrix (1999)/The Matrix (1999).en.srt": "1\n00:00:00,500 --> 00:00:02,000\nHello\n",
        "Heat (1995).mkv": "",
        "Best_Movie_Ever (1994) [tmdbid-680] [imdbid-tt0110912]/Best_Movie_Ever (1994) [tmdbid-680].mp4": "",
        "Avatar (2009)/Avatar (2009)-cd1.avi": "",
        "Avatar (2009)/Avatar (2009)-cd2.avi": "",
        "Inception (2010)/Inception (2010) - 2160p.mkv": "",
        "Inception (2010)/Inception (2010) - 1080p.mkv": "",
        "Inception (2010)/behind the scenes/Making of Inception.mkv": "",
        "Inception (2010)/Inception (2010)-sample.mkv": "",
        "Alien 1979 Directors Cut/alien.dc.mkv": "",
        "Alien 1979 Directors Cut/movie.nfo": NFO,
        ".hidden/Secret (2000).mkv": "",
        "notes.txt": "not media",
        "Download (2020)/Download (2020).mkv.!qB": ""
      })
      const library = yield* createLibrary(url, admin, { name: "Movies", kind: "movie", paths: [root] })

      const first = yield* scanNow(url, admin, library.id)
      expect(first.status).toBe("completed")
      expect(first.counts).toMatchObject({ seen: 8, new: 8, changed: 0, unchanged: 0, removed: 0, matched: 8, unmatched: 0 })
      const movies = yield* sql<{ title: string; year: number | null; tmdb_id: string | null; imdb_id: string | null; files: number }>`
        SELECT m.title, m.year, m.tmdb_id, m.imdb_id, count(f.id)::int AS files
        FROM movies m JOIN media_files f ON f.movie_id = m.id GROUP BY m.id ORDER BY m.title`
      expect(movies).toEqual([
        { title: "Alien", year: 1979, tmdb_id: "348", imdb_id: null, files: 1 },
        { title: "Avatar", year: 2009, tmdb_id: null, imdb_id: null, files: 2 },
        { title: "Best_Movie_Ever", year: 1994, tmdb_id: "680", imdb_id: "tt0110912", files: 1 },
        { title: "Heat", year: 1995, tmdb_id: null, imdb_id: null, files: 1 },
        { title: "Inception", year: 2010, tmdb_id: null, imdb_id: null, files: 2 },
        { title: "The Matrix", year: 1999, tmdb_id: null, imdb_id: null, files: 1 }
      ])
      const parts = yield* sql<{ part: number }>`SELECT part FROM media_files WHERE path LIKE '%Avatar%' ORDER BY part`
      expect(parts.map((p) => p.part)).toEqual([1, 2])

      // The probe job runs after the scan: the real file gets its streams, external subtitle included.
      const matrix = Path.join(root, "The Matrix (1999)/The Matrix (1999).mkv")
      const streams = yield* eventually(
        sql<{ kind: string; codec: string; language: string | null; external_path: string | null }>`
          SELECT s.kind, s.codec, s.language, s.external_path FROM media_streams s
          JOIN media_files f ON f.id = s.media_file_id WHERE f.path = ${matrix} ORDER BY s.position`,
        (rows) => rows.length >= 3,
        { what: "streams of the probed file", timeout: Duration.seconds(30), interval: Duration.millis(200) }
      )
      expect(streams.map((s) => [s.kind, s.codec, s.language])).toEqual([["video", "h264", null], ["audio", "aac", null], ["subtitle", "subrip", "eng"]])
      expect(streams[2]?.external_path).toBe(Path.join(root, "The Matrix (1999)/The Matrix (1999).en.srt"))
      // A placeholder that ffprobe cannot read is remembered as such (not retried every scan).
      const heat = yield* eventually(
        sql<{ probe_error: string | null }>`SELECT probe_error FROM media_files WHERE path = ${Path.join(root, "Heat (1995).mkv")}`,
        (rows) => rows[0]?.probe_error !== null && rows[0]?.probe_error !== undefined,
        { what: "probe failure recorded", timeout: Duration.seconds(30), interval: Duration.millis(200) }
      )
      expect(heat[0]?.probe_error).toBeTruthy()

      // Nothing changed: no file is written.
      const before = yield* sql<{ max: Date }>`SELECT max(updated_at) AS max FROM media_files`
      const unchanged = yield* scanNow(url, admin, library.id)
      expect(unchanged.counts).toMatchObject({ seen: 8, new: 0, changed: 0, unchanged: 8, removed: 0 })
      const after = yield* sql<{ max: Date }>`SELECT max(updated_at) AS max FROM media_files`
      expect(after[0]?.max.getTime()).toBe(before[0]?.max.getTime())

      // Touched, removed and added files.
      const future = new Date(Date.now() + 60_000)
      yield* Effect.promise(() => Fs.utimes(Path.join(root, "Heat (1995).mkv"), future, future))
      yield* Effect.promise(() => Fs.rm(Path.join(root, "Avatar (2009)/Avatar (2009)-cd2.avi")))
      yield* Effect.promise(() => Fs.mkdir(Path.join(root, "Up (2009)")))
      yield* Effect.promise(() => Fs.writeFile(Path.join(root, "Up (2009)/Up (2009).mkv"), ""))
      const third = yield* scanNow(url, admin, library.id)
      expect(third.counts).toMatchObject({ seen: 8, new: 1, changed: 1, unchanged: 6, removed: 1 })
      const missing = yield* sql<{ state: string }>`SELECT state FROM media_files WHERE path LIKE '%cd2.avi'`
      expect(missing.map((r) => r.state)).toEqual(["missing"])

      // History, newest first.
      const history = yield* request(url, "GET", `/api/v1/libraries/${library.id}/scans`, { auth: admin })
      expect(history.body).toMatchObject({ total: 3, items: [{ id: third.id }, { id: unchanged.id }, { id: first.id }] })
    }), { timeout: 120_000 })
})

describe("a library's own extensions", () => {
  it.scopedLive("a file found by an extension the library adds is matched, not reported as 'not a video'", () =>
    Effect.gen(function* () {
      const { url, admin } = yield* libraryNode("scan_extensions")
      const root = yield* tree({ "Film (2000)/Film (2000).vid": "", "Other (2001)/Other (2001).mkv": "" })
      const library = yield* createLibrary(url, admin, {
        name: "Odd",
        kind: "movie",
        paths: [root],
        scan: { intervalMinutes: 0, watch: false, extensions: [".vid"], exclude: [] }
      })
      const scan = yield* scanNow(url, admin, library.id)
      expect(scan.counts).toMatchObject({ seen: 1, matched: 1, unmatched: 0 })
    }))
})
