/**
 * Playback that does not wait for background work: a file the probe queue has not reached is probed
 * by the request itself, and its keyframes are read once and kept with the probe.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestMedia } from "@mediaserver/testkit/TestMedia"
import { request } from "@mediaserver/testkit/Http"
import { createLibrary, libraryNode, scanNow, tree } from "@mediaserver/testkit/LibraryNode"
import { createSession, fetchRaw, playableMovies, tempDir } from "@mediaserver/testkit/PlaybackNode"

const remuxClient = { containers: ["webm"], videoCodecs: ["h264"], audioCodecs: ["aac"] }

describe("playback on demand", () => {
  it.scopedLive("an unprobed file is probed by the playback request (no 409); keyframes are cached with the probe", () =>
    Effect.gen(function* () {
      const media = yield* TestMedia.files
      const transcodes = yield* tempDir("ms-tx-")
      const { url, sql, admin } = yield* libraryNode("playback_demand", { PLAYBACK_SEGMENT_SECONDS: "2", PLAYBACK_TRANSCODE_DIR: transcodes })
      const { movies } = yield* playableMovies(url, admin, sql, { Clip: media.mp4 })
      // As if the probe queue had not reached it yet (the scan's probe job has finished: nothing probes it again).
      yield* sql`UPDATE media_files SET probe = NULL, probe_size = NULL, probe_mtime_ms = NULL, keyframes = NULL`
      yield* sql`DELETE FROM media_streams`
      const session = yield* createSession(url, admin, { item: { _tag: "movie", id: movies["Clip"] }, client: remuxClient })
      expect(session.decision.method).toBe("remux")
      expect(session.durationSeconds).toBeCloseTo(5, 1)
      const [row] = yield* sql<{ probed: boolean; keyframes: ReadonlyArray<number> | null; streams: number }>`
        SELECT f.probe IS NOT NULL AND f.probe_size = f.size_bytes AS probed, f.keyframes,
          (SELECT count(*)::int FROM media_streams s WHERE s.media_file_id = f.id) AS streams
        FROM media_files f`
      expect(row).toMatchObject({ probed: true, streams: 2 })
      // The clip has a keyframe every 2 s: 0, 2, 4.
      expect(row?.keyframes?.map(Math.round)).toEqual([0, 2, 4])
      const playlist = yield* fetchRaw(url, `/api/v1/playback/stream/${session.id}/original/index.m3u8`, admin)
      expect(playlist.status).toBe(200)
      expect(playlist.text.match(/#EXTINF/g)?.length).toBe(3)
      // Read once: a later session takes the cached times (changed here to show where they come from).
      yield* sql`UPDATE media_files SET keyframes = '[0, 4]'::jsonb`
      const again = yield* createSession(url, admin, { item: { _tag: "movie", id: movies["Clip"] }, client: remuxClient })
      const second = yield* fetchRaw(url, `/api/v1/playback/stream/${again.id}/original/index.m3u8`, admin)
      expect(second.text.match(/#EXTINF/g)?.length).toBe(2)
    }), { timeout: 90_000 })

  it.scopedLive("without ffprobe, playback answers 503 naming it (not a 409 that never ends)", () =>
    Effect.gen(function* () {
      const media = yield* TestMedia.files
      const transcodes = yield* tempDir("ms-tx-")
      const { url, sql, admin } = yield* libraryNode("playback_noprobe", { FFPROBE_PATH: "/nonexistent/ffprobe", PLAYBACK_TRANSCODE_DIR: transcodes })
      const root = yield* tree({ "Clip (2020)/Clip (2020).mp4": { copyOf: media.mp4 } })
      const library = yield* createLibrary(url, admin, { name: "Movies", kind: "movie", paths: [root] })
      yield* scanNow(url, admin, library.id)
      const [movie] = yield* sql<{ id: string }>`SELECT id FROM movies`
      const res = yield* request(url, "POST", "/api/v1/playback/sessions", {
        auth: admin, body: { item: { _tag: "movie", id: movie?.id }, client: remuxClient }
      })
      expect(res.status).toBe(503)
      expect(res.headers["retry-after"]).toBeDefined()
      expect(JSON.stringify(res.body)).toContain("ffprobe")
    }), { timeout: 90_000 })
})
