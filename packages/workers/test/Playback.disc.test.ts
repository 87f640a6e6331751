/**
 * Disc folders as rips come: `Old Movie (1979)/VIDEO_TS/` and `New Movie (2009)/BDMV/` are listed as
 * the movies their folders name (not as the clips inside), probed as their main title (the largest
 * title set, split over two VOBs; the longest playlist, split over two clips, not the largest clip),
 * and hls.js in headless Chromium plays each through in the main title's duration.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { BLURAY_SECONDS, blurayFolder, DVD_SECONDS, dvdFolder, mplsBytes } from "@mediaserver/testkit/DiscMedia"
import { eventually } from "@mediaserver/testkit/Poll"
import { request } from "@mediaserver/testkit/Http"
import { createLibrary, libraryNode, scanNow, writeTree } from "@mediaserver/testkit/LibraryNode"
import { createSession, tempDir } from "@mediaserver/testkit/PlaybackNode"
import { browserPage, playThrough } from "./support/Browser.js"

const client = { containers: ["mp4"], videoCodecs: ["h264"], audioCodecs: ["aac"] }

describe("disc folders", () => {
  it.scopedLive("a DVD and a Blu-ray folder are listed as their movies, probed as their main titles and played through", () =>
    Effect.gen(function* () {
      const root = yield* tempDir("ms-disc-lib-")
      const scratch = yield* tempDir("ms-disc-src-")
      const dvd = yield* dvdFolder(Path.join(root, "Old Movie (1979)"), scratch)
      const bluray = yield* blurayFolder(Path.join(root, "New Movie (2009)"), scratch)
      const { url, sql, admin } = yield* libraryNode("playback_disc", { PLAYBACK_SEGMENT_SECONDS: "2" })
      const library = yield* createLibrary(url, admin, { name: "Movies", kind: "movie", paths: [root] })
      const scan = yield* scanNow(url, admin, library.id)
      expect(scan.counts.unmatched).toBe(0)
      const rows = yield* eventually(
        sql<{ title: string; year: number | null; id: string; path: string; container: string | null; duration_ms: number | null }>`
          SELECT m.title, m.year, m.id, f.path, f.probe->>'container' AS container, (f.probe->>'durationMs')::float AS duration_ms
          FROM movies m JOIN media_files f ON f.movie_id = m.id ORDER BY m.year
        `,
        (rows) => rows.length >= 2 && rows.every((r) => r.container !== null),
        { what: "disc folders probed", timeout: Duration.seconds(60), interval: Duration.millis(100) }
      )
      // Two movies, one file each: no clip, VOB or menu of the discs became an item of its own.
      expect(rows.map((r) => [r.title, r.year, r.path, r.container])).toEqual([
        ["Old Movie", 1979, dvd, "dvd"],
        ["New Movie", 2009, bluray, "bluray"]
      ])
      const [dvdRow, blurayRow] = rows
      expect(Math.abs((dvdRow?.duration_ms ?? 0) / 1000 - DVD_SECONDS)).toBeLessThan(0.5)
      expect(Math.abs((blurayRow?.duration_ms ?? 0) / 1000 - BLURAY_SECONDS)).toBeLessThan(0.5)

      const page = yield* browserPage(url)
      const token = "token" in admin ? admin.token : ""
      for (const [row, seconds, method] of [[dvdRow, DVD_SECONDS, "transcode"], [blurayRow, BLURAY_SECONDS, "remux"]] as const) {
        const session = yield* createSession(url, admin, { item: { _tag: "movie", id: row?.id }, client, startSeconds: 0 })
        // MPEG-2 video is encoded; the Blu-ray's H.264 is copied, its AC-3 encoded for this client.
        expect(session.decision.method, row?.title).toBe(method)
        expect(session.urls.direct).toBeNull()
        const played = yield* playThrough(page, session.urls.master ?? "", token, row?.title ?? "")
        expect(Math.abs(played.currentTime - seconds), `${row?.title} end time`).toBeLessThan(0.5)
        expect(Math.abs(played.played - seconds), `${row?.title} played`).toBeLessThan(0.5)
      }
    }), { timeout: 180_000 })

  it.scopedLive("a disc folder copied into a watched library becomes its movie (a scan), not one movie per clip", () =>
    Effect.gen(function* () {
      const root = yield* tempDir("ms-disc-watch-")
      const { url, sql, admin } = yield* libraryNode("disc_watch", { SCAN_WATCH_RECONCILE: "200 millis", SCAN_WATCH_DEBOUNCE: "300 millis" })
      const library = yield* createLibrary(url, admin, {
        name: "Watched", kind: "movie", paths: [root], scan: { intervalMinutes: 0, watch: true, extensions: [".mkv", ".m2ts"], exclude: [] }
      })
      yield* scanNow(url, admin, library.id)
      yield* eventually(
        request(url, "GET", `/api/v1/libraries/${library.id}`, { auth: admin }),
        (res) => typeof res.body === "object" && res.body !== null && "watchState" in res.body && res.body.watchState === "watching",
        { what: "the watcher is up", timeout: Duration.seconds(20), interval: Duration.millis(100) }
      )
      // Bytes only: listing needs the layout, not playable media.
      yield* Effect.promise(() => writeTree(root, {
        "New Movie (2009)/BDMV/index.bdmv": "INDX0200",
        "New Movie (2009)/BDMV/STREAM/00001.m2ts": "clip one",
        "New Movie (2009)/BDMV/STREAM/00002.m2ts": "clip two"
      }))
      yield* Effect.promise(() => Fs.mkdir(Path.join(root, "New Movie (2009)/BDMV/PLAYLIST")))
      yield* Effect.promise(() => Fs.writeFile(Path.join(root, "New Movie (2009)/BDMV/PLAYLIST/00800.mpls"),
        mplsBytes([{ clip: "00001", seconds: 60 }, { clip: "00002", seconds: 60 }])))
      const rows = yield* eventually(
        sql<{ title: string; path: string }>`SELECT m.title, f.path FROM movies m JOIN media_files f ON f.movie_id = m.id`,
        (rows) => rows.length > 0,
        { what: "the disc listed", timeout: Duration.seconds(30), interval: Duration.millis(100) }
      )
      expect(rows).toEqual([{ title: "New Movie", path: Path.join(root, "New Movie (2009)", "BDMV") }])
      const files = yield* sql<{ path: string }>`SELECT path FROM media_files`
      expect(files.map((f) => f.path)).toEqual([Path.join(root, "New Movie (2009)", "BDMV")])
    }), { timeout: 120_000 })
})
