/**
 * Disc folders as rips come: `Old Movie (1979)/VIDEO_TS/` and `New Movie (2009)/BDMV/` are listed as
 * the movies their folders name (not as the clips inside), probed as their main title (the largest
 * title set, split over two VOBs; the longest playlist, split over two clips, not the largest clip),
 * and hls.js in headless Chromium plays each through in the main title's duration.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import * as Path from "node:path"
import { BLURAY_SECONDS, blurayFolder, DVD_SECONDS, dvdFolder } from "@mediaserver/testkit/DiscMedia"
import { eventually } from "@mediaserver/testkit/Poll"
import { createLibrary, libraryNode, scanNow } from "@mediaserver/testkit/LibraryNode"
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
})
