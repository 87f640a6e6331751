/**
 * Where ffmpeg and ffprobe come from: a node whose PATH has neither (and no *_PATH variable) uses the
 * packaged binaries, says so in the system info, and probes and streams with them; a node with a wrong
 * FFMPEG_PATH and the packaged fallback off answers playback with a 503 naming ffmpeg.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { request } from "@mediaserver/testkit/Http"
import { libraryNode } from "@mediaserver/testkit/LibraryNode"
import { createSession, fetchRaw, playableMovies, tempDir, uris, writeTemp } from "@mediaserver/testkit/PlaybackNode"
import { TestMedia } from "@mediaserver/testkit/TestMedia"

const remuxClient = { containers: ["webm"], videoCodecs: ["h264"], audioCodecs: ["aac"] }
/** Does not name H.264 as a codec it plays: an encode (HLS carries H.264 all the same). */
const transcodeClient = { containers: ["webm"], videoCodecs: ["vp9"], audioCodecs: ["aac"] }

describe("media tools for playback", () => {
  it.scopedLive("PATH without ffmpeg or ffprobe: the packaged ones probe and stream", () =>
    Effect.gen(function* () {
      const media = yield* TestMedia.files
      const transcodes = yield* tempDir("ms-tx-")
      const emptyBin = yield* tempDir("ms-bin-")
      const { url, sql, admin } = yield* libraryNode("playback_packaged", {
        PATH: emptyBin, PLAYBACK_SEGMENT_SECONDS: "2", PLAYBACK_TRANSCODE_DIR: transcodes
      })
      const info = yield* request(url, "GET", "/api/v1/system/info", { auth: admin })
      expect(info.body).toMatchObject({
        mediaTools: [
          { tool: "ffmpeg", source: "packaged", path: expect.stringContaining("@ffmpeg-installer/"), error: null },
          { tool: "ffprobe", source: "packaged", path: expect.stringContaining("@ffprobe-installer/"), error: null }
        ]
      })
      // The scan's probe job ran the packaged ffprobe.
      const { movies } = yield* playableMovies(url, admin, sql, { Clip: media.mp4 })
      // An encode and a copy (cut at the source's keyframes, every 2 s).
      for (const client of [transcodeClient, remuxClient]) {
        const session = yield* createSession(url, admin, { item: { _tag: "movie", id: movies["Clip"] }, client })
        expect(session.decision.method).toBe(client === remuxClient ? "remux" : "transcode")
        const base = `/api/v1/playback/stream/${session.id}/${session.decision.profiles[0]}`
        const playlist = yield* fetchRaw(url, `${base}/index.m3u8`, admin)
        expect(playlist.status).toBe(200)
        const first = uris(playlist.text)[0] ?? ""
        const segment = yield* fetchRaw(url, `${base}/${first}`, admin)
        expect(segment.status).toBe(200)
        // An MPEG-TS segment: sync byte 0x47 every 188 bytes.
        expect(segment.bytes.length).toBeGreaterThan(188 * 10)
        expect([segment.bytes[0], segment.bytes[188]]).toEqual([0x47, 0x47])
        // Whole: that ffmpeg writes segments in place, and a half-written one must not be served.
        const written = yield* TestMedia.probe(yield* writeTemp(transcodes, `${session.decision.method}.ts`, segment.bytes))
        expect(Number(written.format.duration), session.decision.method).toBeCloseTo(2, 0)
      }
    }), { timeout: 120_000 })

  it.scopedLive("a wrong FFMPEG_PATH with the packaged fallback off: playback answers 503 naming ffmpeg", () =>
    Effect.gen(function* () {
      const media = yield* TestMedia.files
      const { url, sql, admin } = yield* libraryNode("playback_noffmpeg", { FFMPEG_PATH: "/nonexistent/ffmpeg", MEDIA_TOOLS_PACKAGED: "false" })
      const { movies } = yield* playableMovies(url, admin, sql, { Clip: media.mp4 })
      const res = yield* request(url, "POST", "/api/v1/playback/sessions", {
        auth: admin, body: { item: { _tag: "movie", id: movies["Clip"] }, client: remuxClient }
      })
      expect(res.status).toBe(503)
      expect(res.headers["retry-after"]).toBeDefined()
      expect(JSON.stringify(res.body)).toContain("/nonexistent/ffmpeg")
      // Direct play needs no ffmpeg: a client that takes the file as it is still plays.
      const direct = yield* createSession(url, admin, {
        item: { _tag: "movie", id: movies["Clip"] }, client: { containers: ["mp4"], videoCodecs: ["h264"], audioCodecs: ["aac"] }
      })
      expect(direct.decision.method).toBe("direct")
    }), { timeout: 120_000 })
})
