/**
 * Playback limits: the cluster's transcode limit (counted in the shared database) and the idle timeout
 * that any stream request, not only a heartbeat, holds off.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import * as Path from "node:path"
import { request } from "@mediaserver/testkit/Http"
import { eventually } from "@mediaserver/testkit/Poll"
import { TestMedia } from "@mediaserver/testkit/TestMedia"
import { libraryNode } from "@mediaserver/testkit/LibraryNode"
import { createSession, fetchRaw, getSession, longClip, playableMovies, tempDir, uris } from "@mediaserver/testkit/PlaybackNode"

const noVideo = { containers: ["mp4"], videoCodecs: ["vp9"], audioCodecs: ["aac"] }

/** MPEG-4 Part 2 (which HLS cannot carry) with two audio tracks, in Matroska. */
const mpeg4Clip = (dir: string) =>
  Effect.gen(function* () {
    const out = Path.join(dir, "mpeg4.mkv")
    yield* TestMedia.exec(yield* TestMedia.ffmpegPath, [
      "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
      "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=4", "-f", "lavfi", "-i", "sine=frequency=440:duration=4",
      "-f", "lavfi", "-i", "sine=frequency=660:duration=4", "-map", "0:v", "-map", "1:a", "-map", "2:a",
      "-c:v", "mpeg4", "-c:a", "aac", "-ac", "2", "-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fra", out
    ])
    return out
  })

describe("playback limits", () => {
  it.scopedLive("playback.maxConcurrentTranscodes: over it a client that can plays direct, else 503 with Retry-After", () =>
    Effect.gen(function* () {
      const media = yield* tempDir("ms-lim-")
      const transcodes = yield* tempDir("ms-tx-")
      const { url, sql, admin } = yield* libraryNode("playback_limits", { PLAYBACK_SEGMENT_SECONDS: "2", PLAYBACK_TRANSCODE_DIR: transcodes })
      const { movies } = yield* playableMovies(url, admin, sql, { Long: yield* longClip(media), Old: yield* mpeg4Clip(media) })
      const setLimit = (value: number) =>
        request(url, "PUT", "/api/v1/settings/server/playback.maxConcurrentTranscodes", { auth: admin, body: { value } })
      expect((yield* setLimit(2)).status).toBe(200)
      const transcode = { item: { _tag: "movie", id: movies["Long"] }, client: noVideo, startSeconds: 0 }
      const create = request(url, "POST", "/api/v1/playback/sessions", { auth: admin, body: transcode })

      // Four at once: exactly two get a transcode, whichever node or request comes first.
      const answers = yield* Effect.all([create, create, create, create], { concurrency: "unbounded" })
      expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 503, 503])
      const refused = answers.find((a) => a.status === 503)
      expect(refused?.headers["retry-after"]).toBe("10")
      expect(refused?.body).toMatchObject({ code: "Unavailable", details: { field: "client", limit: 2 } })
      const [active] = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM playback_sessions WHERE state = 'active'`
      expect(active?.n).toBe(2)

      // A client that plays the file as it is gets direct play instead of the transcode its audio choice needs.
      const old = { item: { _tag: "movie", id: movies["Old"] }, client: { containers: ["mkv"], videoCodecs: ["mpeg4"], audioCodecs: ["aac"] } }
      const wanted = yield* request(url, "POST", "/api/v1/playback/sessions", { auth: admin, body: { ...old, audioStream: 2 } })
      expect(wanted.status).toBe(201)
      expect(wanted.body).toMatchObject({ decision: { method: "direct" }, audioStream: null })
      expect(JSON.stringify(wanted.body)).toContain("limit of 2 transcodes")

      // A place frees when a transcode stops.
      const first = answers.find((a) => a.status === 201)?.body
      const firstId = typeof first === "object" && first !== null && "id" in first ? String(first.id) : ""
      expect((yield* request(url, "DELETE", `/api/v1/playback/sessions/${firstId}`, { auth: admin })).status).toBe(204)
      expect((yield* createSession(url, admin, transcode)).decision.method).toBe("transcode")
      expect((yield* create).status).toBe(503)
    }), { timeout: 120_000 })

  it.scopedLive("segment and direct-play requests keep a session alive without heartbeats; idle once they stop", () =>
    Effect.gen(function* () {
      const media = yield* tempDir("ms-idle-")
      const transcodes = yield* tempDir("ms-tx-")
      const { url, sql, admin } = yield* libraryNode("playback_idle", {
        PLAYBACK_SEGMENT_SECONDS: "1", PLAYBACK_TRANSCODE_DIR: transcodes, PLAYBACK_IDLE_TIMEOUT: "6 seconds"
      })
      const { movies } = yield* playableMovies(url, admin, sql, { Long: yield* longClip(media) })
      const item = { _tag: "movie", id: movies["Long"] }
      const remux = yield* createSession(url, admin, { item, client: { containers: ["webm"], videoCodecs: ["h264"], audioCodecs: ["aac"] }, startSeconds: 0 })
      const direct = yield* createSession(url, admin, { item, client: { containers: ["mp4"], videoCodecs: ["h264"], audioCodecs: ["aac"] } })
      expect([remux.decision.method, direct.decision.method]).toEqual(["remux", "direct"])
      const base = `/api/v1/playback/stream/${remux.id}/original`
      const segments = uris((yield* fetchRaw(url, `${base}/index.m3u8`, admin)).text)
      // A player's pace, one request a second, for three idle timeouts and no heartbeat at all.
      for (const [i, segment] of segments.slice(0, 12).entries()) {
        expect((yield* fetchRaw(url, `${base}/${segment}`, admin)).status).toBe(200)
        expect((yield* fetchRaw(url, direct.urls.direct ?? "", admin, { range: `bytes=${i * 1000}-${i * 1000 + 999}` })).status).toBe(206)
        yield* Effect.sleep(Duration.seconds(1))
      }
      expect((yield* getSession(url, admin, remux.id)).state).toBe("active")
      expect((yield* getSession(url, admin, direct.id)).state).toBe("active")
      // What the health job judges by: the direct session's last activity is recent.
      const [row] = yield* sql<{ recent: boolean }>`
        SELECT last_active_at > now() - interval '6 seconds' AS recent FROM playback_sessions WHERE id = ${direct.id}`
      expect(row?.recent).toBe(true)
      // Once the requests stop, the timeout applies.
      const stopped = yield* eventually(getSession(url, admin, remux.id), (s) => s.state === "stopped", {
        what: "idle remux stopped", timeout: Duration.seconds(20), interval: Duration.millis(200)
      })
      expect(stopped.stopReason).toBe("idle")
    }), { timeout: 120_000 })
})
