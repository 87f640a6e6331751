import { describe, expect, it } from "@effect/vitest"
import { PlaybackHealthJob } from "@mediaserver/domain"
import { Events } from "@mediaserver/server/events"
import { Jobs } from "@mediaserver/server/jobs"
import { Context, Duration, Effect, Fiber, Option, Schema, Stream } from "effect"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { account, read, request, sansRequestId } from "@mediaserver/testkit/Http"
import { eventually } from "@mediaserver/testkit/Poll"
import { TestMedia } from "@mediaserver/testkit/TestMedia"
import { libraryNode } from "@mediaserver/testkit/LibraryNode"
import {
  createSession,
  fetchRaw,
  ffmpegPids,
  getSession,
  longClip,
  playableMovies,
  processState,
  Session,
  tempDir,
  uris,
  writeTemp
} from "@mediaserver/testkit/PlaybackNode"

const OpenApi = Schema.Struct({ paths: Schema.Record({ key: Schema.String, value: Schema.Unknown }) })
const browser = { containers: ["mp4"], videoCodecs: ["h264"], audioCodecs: ["aac"] }
const noVideo = { containers: ["mp4"], videoCodecs: ["vp9"], audioCodecs: ["aac"] }

const node = (transcodes: string, env: Record<string, string> = {}) =>
  libraryNode("playback", { PLAYBACK_SEGMENT_SECONDS: "2", PLAYBACK_TRANSCODE_DIR: transcodes, PLAYBACK_THROTTLE_SEGMENTS: "3", ...env })

/** The entity's reach: a segment at most this far past the last produced is waited for, not re-encoded. */
const SEEK_GAP = 2

describe("playback", () => {
  it.scopedLive("direct play: ranges (206, Content-Range, 416), type, ETag; only the owner or an admin", () =>
    Effect.gen(function* () {
      const media = yield* TestMedia.files
      const transcodes = yield* tempDir("ms-tx-")
      const { url, sql, admin } = yield* node(transcodes)
      const { libraryId, movies } = yield* playableMovies(url, admin, sql, { Clip: media.mp4 })
      const alice = (yield* account(url, "alice")).auth
      const session = yield* createSession(url, admin, { item: { _tag: "movie", id: movies["Clip"] }, client: browser })
      expect(session.decision.method).toBe("direct")
      expect(session.decision.reasons.join()).toContain("as is")
      const path = session.urls.direct ?? ""
      const file = Fs.readFileSync(media.mp4)

      const whole = yield* fetchRaw(url, path, admin)
      expect(whole.status).toBe(200)
      expect(whole.headers.get("content-type")).toBe("video/mp4")
      expect(whole.headers.get("etag")).toBeTruthy()
      expect(Buffer.from(whole.bytes).equals(file)).toBe(true)

      const first = yield* fetchRaw(url, path, admin, { range: "bytes=0-99" })
      expect(first.status).toBe(206)
      expect(first.headers.get("content-range")).toBe(`bytes 0-99/${file.length}`)
      expect(Buffer.from(first.bytes).equals(file.subarray(0, 100))).toBe(true)
      const open = yield* fetchRaw(url, path, admin, { range: `bytes=${file.length - 5}-` })
      expect(open.status).toBe(206)
      expect(Buffer.from(open.bytes).equals(file.subarray(file.length - 5))).toBe(true)
      const suffix = yield* fetchRaw(url, path, admin, { range: "bytes=-10" })
      expect(suffix.headers.get("content-range")).toBe(`bytes ${file.length - 10}-${file.length - 1}/${file.length}`)
      const past = yield* fetchRaw(url, path, admin, { range: `bytes=${file.length}-` })
      expect(past.status).toBe(416)
      expect(past.headers.get("content-range")).toBe(`bytes */${file.length}`)

      // Someone else's session does not exist for them; HLS URLs of a direct session are 404.
      expect((yield* fetchRaw(url, path, alice)).status).toBe(404)
      expect((yield* request(url, "GET", `/api/v1/playback/sessions/${session.id}`, { auth: alice })).status).toBe(404)
      // File paths (external subtitles) stay on the server.
      expect((yield* request(url, "GET", `/api/v1/playback/sessions/${session.id}`, { auth: admin })).body).not.toHaveProperty("sources")
      expect((yield* fetchRaw(url, `/api/v1/playback/stream/${session.id}/master.m3u8`, admin)).status).toBe(404)

      // A user with a grant plays only while the library stays visible to them: a revoke ends it at once.
      const bob = yield* account(url, "bob")
      const grants = `/api/v1/libraries/${libraryId}/permissions`
      expect((yield* request(url, "POST", grants, { auth: admin, body: { userId: bob.user.id } })).status).toBe(200)
      const his = (yield* createSession(url, bob.auth, { item: { _tag: "movie", id: movies["Clip"] }, client: browser })).urls.direct ?? ""
      for (const _ of [1, 2]) expect((yield* fetchRaw(url, his, bob.auth, { range: "bytes=0-9" })).status).toBe(206)
      expect((yield* request(url, "DELETE", `${grants}/${bob.user.id}`, { auth: admin })).status).toBe(204)
      expect((yield* fetchRaw(url, his, bob.auth, { range: "bytes=0-9" })).status).toBe(404)
      // Starting playback in a library one cannot see answers exactly as for an item that does not exist.
      const start = (id: string) =>
        request(url, "POST", "/api/v1/playback/sessions", { auth: bob.auth, body: { item: { _tag: "movie", id }, client: browser } })
      const absent = "0d6f1c2e-1111-4222-8333-944455556666"
      const hidden = yield* start(movies["Clip"] ?? "")
      const missing = yield* start(absent)
      expect(hidden.status).toBe(404)
      expect(missing.status).toBe(404)
      expect(JSON.stringify(sansRequestId(hidden.body)).replace(movies["Clip"] ?? "", "ID")).toBe(JSON.stringify(sansRequestId(missing.body)).replace(absent, "ID"))
      expect(JSON.stringify(hidden.body)).not.toContain(libraryId)

      // The reference's playback operations and the stream paths are in the OpenAPI document.
      const openapi = yield* Effect.flatMap(request(url, "GET", "/api/openapi.json"), read(OpenApi))
      const paths = Object.keys(openapi.paths)
      expect(paths).toEqual(expect.arrayContaining([
        "/api/v1/playback/sessions", "/api/v1/playback/sessions/{sessionId}", "/api/v1/playback/sessions/{sessionId}/heartbeat",
        "/api/v1/playback/stream/{sessionId}/master.m3u8", "/api/v1/playback/stream/{sessionId}/{profile}/{name}",
        "/api/v1/playback/stream/{sessionId}/direct"
      ]))
    }), { timeout: 90_000 })

  it.scopedLive("HLS remux and transcode: master variants, VOD playlists, valid TS and fMP4 segments; subtitles; tracks; progress", () =>
    Effect.gen(function* () {
      const media = yield* TestMedia.files
      const transcodes = yield* tempDir("ms-tx-")
      const out = yield* tempDir("ms-seg-")
      const { url, sql, admin } = yield* node(transcodes)
      const { movies } = yield* playableMovies(url, admin, sql, { Multi: media.multiTrackMkv }, {
        "Multi (2020)/Multi (2020).en.srt": { copyOf: media.srt }
      })
      const item = { _tag: "movie", id: movies["Multi"] }
      const ffprobe = (bytes: Uint8Array, name: string) => Effect.flatMap(writeTemp(out, name, bytes), TestMedia.probe)

      // Remux: Matroska is not playable by the client, its H.264 and AAC are.
      const remux = yield* createSession(url, admin, { item, client: browser, subtitle: 1 })
      expect(remux.decision.method).toBe("remux")
      expect(remux.decision.reasons.join()).toContain("container mkv")
      expect(remux.subtitles.map((s) => [s.id, s.external, s.delivery])).toEqual([[0, false, "webvtt"], [1, true, "webvtt"]])
      const base = `/api/v1/playback/stream/${remux.id}`
      const master = (yield* fetchRaw(url, `${base}/master.m3u8`, admin)).text
      expect(master).toContain("#EXT-X-STREAM-INF:BANDWIDTH=")
      expect(master).toMatch(/RESOLUTION=640x360,CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2",AUDIO="audio",SUBTITLES="subs"/)
      expect(master.match(/TYPE=AUDIO/g)?.length).toBe(2)
      expect(master.match(/TYPE=SUBTITLES/g)?.length).toBe(2)
      expect(master).toMatch(/DEFAULT=YES,AUTOSELECT=YES,URI="subtitles\/1\.m3u8"/)
      expect(uris(master)).toEqual(["original/index.m3u8"])
      const index = yield* fetchRaw(url, `${base}/original/index.m3u8`, admin)
      expect(index.headers.get("content-type")).toBe("application/vnd.apple.mpegurl")
      expect(index.text).toContain("#EXT-X-PLAYLIST-TYPE:VOD")
      expect(index.text).toContain("#EXT-X-ENDLIST")
      expect(uris(index.text)).toEqual(["0.ts", "1.ts", "2.ts"])
      const total = [...index.text.matchAll(/#EXTINF:([\d.]+),/g)].reduce((s, m) => s + Number(m[1]), 0)
      expect(total).toBeCloseTo(remux.durationSeconds, 3)
      for (const name of uris(index.text)) {
        const segment = yield* fetchRaw(url, `${base}/original/${name}`, admin)
        expect(segment.status, segment.text.slice(0, 500)).toBe(200)
        expect(segment.headers.get("content-type")).toBe("video/mp2t")
        const probed = yield* ffprobe(segment.bytes, `remux-${name}`)
        expect(probed.format.format_name).toBe("mpegts")
        expect(probed.streams.map((s) => s.codec_name).sort()).toEqual(["aac", "h264"])
      }
      const vttList = yield* fetchRaw(url, `${base}/subtitles/0.m3u8`, admin)
      expect(uris(vttList.text)).toEqual(["0.vtt"])
      for (const track of [0, 1]) {
        const vtt = yield* fetchRaw(url, `${base}/subtitles/${track}.vtt`, admin)
        expect(vtt.status).toBe(200)
        expect(vtt.text.startsWith("WEBVTT")).toBe(true)
        expect(vtt.text).toContain("Hello from the test subtitle.")
      }
      // Extracted once per session: asked again, the track comes from the session's directory, not ffmpeg.
      const cachedVtt = Path.join(transcodes, remux.id, "subtitles", "0.vtt")
      expect(Fs.readFileSync(cachedVtt, "utf8")).toContain("Hello from the test subtitle.")
      Fs.writeFileSync(cachedVtt, "WEBVTT\n\n00:00.000 --> 00:01.000\nServed from the session's copy.\n")
      expect((yield* fetchRaw(url, `${base}/subtitles/0.vtt`, admin)).text).toContain("Served from the session's copy.")

      // Heartbeats save the position and the user's watch progress.
      const beat = yield* request(url, "POST", `/api/v1/playback/sessions/${remux.id}/heartbeat`, {
        auth: admin, body: { positionSeconds: 3, paused: false }
      })
      expect(beat.status).toBe(200)
      expect(beat.body).toMatchObject({ positionSeconds: 3, paused: false, state: "active" })
      expect((yield* getSession(url, admin, remux.id))).toMatchObject({ positionSeconds: 3, node: (yield* read(Session)(beat)).node })
      const watched = yield* sql<{ position_seconds: number }>`SELECT position_seconds FROM watch_state WHERE movie_id = ${movies["Multi"] ?? ""}`
      expect(watched[0]?.position_seconds).toBe(3)
      // A new session resumes there.
      const resumed = yield* createSession(url, admin, { item, client: browser })
      expect(resumed.positionSeconds).toBe(3)
      // Heartbeats past the watched threshold (90 % of 5 s) mark the movie watched, one play however many follow.
      for (const positionSeconds of [4.6, 4.8, 5]) {
        const past = yield* request(url, "POST", `/api/v1/playback/sessions/${resumed.id}/heartbeat`, { auth: admin, body: { positionSeconds, paused: false } })
        expect(past.status).toBe(200)
      }
      const counted = yield* sql<{ watched: boolean; play_count: number }>`SELECT watched, play_count FROM watch_state WHERE movie_id = ${movies["Multi"] ?? ""}`
      expect(counted).toEqual([{ watched: true, play_count: 1 }])

      // Transcode (the client has no H.264 decoder... it asks for H.264 anyway through HLS), second audio, fMP4.
      const tx = yield* createSession(url, admin, {
        item, client: { ...noVideo, segmentFormat: "fmp4" }, audioStream: 2, downmix: true, startSeconds: 0
      })
      expect(tx.decision.method).toBe("transcode")
      expect(tx.decision.reasons.join()).toContain("video codec h264 is not supported")
      expect(tx.decision.reasons.join()).toContain("audio stream 2 is not the file's default track")
      const txBase = `/api/v1/playback/stream/${tx.id}`
      const txMaster = (yield* fetchRaw(url, `${txBase}/master.m3u8`, admin)).text
      expect(txMaster).toContain("#EXT-X-VERSION:7")
      expect(txMaster).toMatch(/RESOLUTION=640x360,CODECS="avc1\.64001e,mp4a\.40\.2"/)
      const txIndex = (yield* fetchRaw(url, `${txBase}/original/index.m3u8`, admin)).text
      expect(txIndex).toContain("#EXT-X-MAP:URI=\"init.mp4\"")
      expect(uris(txIndex)).toEqual(["0.m4s", "1.m4s", "2.m4s"])
      const init = yield* fetchRaw(url, `${txBase}/original/init.mp4`, admin)
      const first = yield* fetchRaw(url, `${txBase}/original/1.m4s`, admin)
      expect(first.status).toBe(200)
      const joined = new Uint8Array([...init.bytes, ...first.bytes])
      const probed = yield* ffprobe(joined, "tx-1.mp4")
      const video = probed.streams.find((s) => s.codec_type === "video")
      expect(video).toMatchObject({ codec_name: "h264", width: 640, height: 360 })
      expect(probed.streams.filter((s) => s.codec_type === "audio").map((s) => [s.codec_name, s.channels])).toEqual([["aac", 2]])
      // The format that was not asked for is not served.
      expect((yield* fetchRaw(url, `${txBase}/original/1.ts`, admin)).status).toBe(404)
      expect((yield* fetchRaw(url, `${txBase}/480p/index.m3u8`, admin)).status).toBe(404)

      // Text tracks are not burned in.
      const burn = yield* request(url, "POST", "/api/v1/playback/sessions", {
        auth: admin, body: { item, client: browser, subtitle: 0, burnSubtitle: true }
      })
      expect(burn.status).toBe(422)
      expect(burn.body).toMatchObject({ details: { field: "burnSubtitle" } })
      const badAudio = yield* request(url, "POST", "/api/v1/playback/sessions", { auth: admin, body: { item, client: browser, audioStream: 9 } })
      expect(badAudio.body).toMatchObject({ details: { field: "audioStream" } })

      // Stopping kills ffmpeg and removes the session's files.
      for (const s of [remux, resumed, tx]) {
        expect((yield* request(url, "DELETE", `/api/v1/playback/sessions/${s.id}`, { auth: admin })).status).toBe(204)
        expect((yield* getSession(url, admin, s.id))).toMatchObject({ state: "stopped", stopReason: "stopped" })
        expect(yield* ffmpegPids(s.id)).toEqual([])
      }
      expect(Fs.readdirSync(transcodes)).toEqual([])
      expect((yield* fetchRaw(url, `${base}/original/0.ts`, admin)).status).toBe(409)
      // Playlists are written without the entity: the stop reached their cached row too.
      expect((yield* fetchRaw(url, `${base}/master.m3u8`, admin)).status).toBe(409)
    }), { timeout: 120_000 })

  it.scopedLive("seeking far restarts ffmpeg at that segment; ffmpeg is throttled ahead of the player; idle sessions are stopped", () =>
    Effect.gen(function* () {
      const transcodes = yield* tempDir("ms-tx-")
      const out = yield* tempDir("ms-seg-")
      const clip = yield* longClip(out)
      const { url, sql, admin, context } = yield* node(transcodes, { PLAYBACK_IDLE_TIMEOUT: "6 seconds" })
      const events = yield* Effect.forkScoped(
        Effect.flatMap(Context.get(context, Events).subscribe, (stream) =>
          Stream.runCollect(Stream.take(Stream.filter(stream, (e) => e._tag.startsWith("playback.")), 2)))
      )
      const { movies } = yield* playableMovies(url, admin, sql, { Long: clip })
      const tx = yield* createSession(url, admin, { item: { _tag: "movie", id: movies["Long"] }, client: noVideo })
      const base = `/api/v1/playback/stream/${tx.id}/original`
      const dir = Path.join(transcodes, tx.id, "original")
      const produced = () => Fs.readdirSync(dir).filter((n) => n.endsWith(".ts")).map((n) => Number(n.split(".")[0]))

      expect((yield* fetchRaw(url, `${base}/0.ts`, admin)).status).toBe(200)
      // Throttled: ffmpeg stops (SIGSTOP) a few segments ahead of the last one asked for.
      const [pid] = yield* eventually(ffmpegPids(tx.id), (p) => p.length === 1, { what: "one ffmpeg", timeout: Duration.seconds(5) })
      yield* eventually(processState(pid ?? ""), (s) => s === "T", { what: "ffmpeg suspended", timeout: Duration.seconds(20) })
      // Suspended before the end (30 segments of 2 s). Where exactly depends on how busy the machine is
      // between two throttle checks, so the far segment is chosen past the run's reach from there.
      const throttledAt = Math.max(...produced())
      expect(throttledAt).toBeLessThan(29)
      const farPart = Math.min(throttledAt + SEEK_GAP + 3, 29)

      // The player is alive while seeking (each step may take a while on a busy machine); idling comes last.
      const beat = (positionSeconds: number) => request(url, "POST", `/api/v1/playback/sessions/${tx.id}/heartbeat`, {
        auth: admin, body: { positionSeconds, paused: false }
      })
      // A far segment: a new ffmpeg starting there (the old one gone), its timestamps where the playlist puts them.
      expect((yield* beat(farPart * 2)).status).toBe(200)
      const far = yield* fetchRaw(url, `${base}/${farPart}.ts`, admin)
      expect(far.status).toBe(200)
      const [seekPid] = yield* eventually(ffmpegPids(tx.id), (p) => p.length === 1 && p[0] !== pid, {
        what: "one ffmpeg, not the first", timeout: Duration.seconds(10)
      })
      const probed = yield* TestMedia.probe(yield* writeTemp(out, "far.ts", far.bytes))
      expect(Number(probed.format.duration)).toBeGreaterThan(1)
      const start = yield* TestMedia.exec(yield* TestMedia.ffprobePath, ["-v", "error", "-show_entries", "format=start_time", "-of", "csv=p=0", Path.join(out, "far.ts")])
      expect(Math.abs(Number(start) - farPart * 2)).toBeLessThan(2)
      // And back to the first segment never produced: a new run from there, not held back by the far run.
      expect((yield* beat((throttledAt + 1) * 2)).status).toBe(200)
      const back = yield* fetchRaw(url, `${base}/${throttledAt + 1}.ts`, admin)
      expect(back.status).toBe(200)
      yield* eventually(ffmpegPids(tx.id), (p) => p.length === 1 && p[0] !== seekPid, {
        what: "one ffmpeg, not the far one", timeout: Duration.seconds(10)
      })

      // No heartbeat: the entity stops the session, kills ffmpeg and removes its files.
      const stopped = yield* eventually(getSession(url, admin, tx.id), (s) => s.state === "stopped", {
        what: "idle session stopped", timeout: Duration.seconds(30), interval: Duration.millis(200)
      })
      expect(stopped.stopReason).toBe("idle")
      yield* eventually(ffmpegPids(tx.id), (p) => p.length === 0, { what: "ffmpeg gone", timeout: Duration.seconds(5) })
      expect(Fs.existsSync(Path.join(transcodes, tx.id))).toBe(false)
      const [started, ended] = [...(yield* Fiber.join(events))]
      expect(started).toMatchObject({ _tag: "playback.started", sessionId: tx.id, method: "transcode" })
      expect(ended).toMatchObject({ _tag: "playback.stopped", sessionId: tx.id, reason: "idle" })
    }), { timeout: 120_000 })

  it.scopedLive("the health job stops sessions with no heartbeat whose entity is not running", () =>
    Effect.gen(function* () {
      const media = yield* TestMedia.files
      const transcodes = yield* tempDir("ms-tx-")
      const { url, sql, admin, context } = yield* node(transcodes, { PLAYBACK_IDLE_TIMEOUT: "1 second" })
      const { movies } = yield* playableMovies(url, admin, sql, { Clip: media.mp4 })
      // Direct play never starts the entity: only the job can notice this session.
      const session = yield* createSession(url, admin, { item: { _tag: "movie", id: movies["Clip"] }, client: browser })
      yield* eventually(
        sql<{ idle: boolean }>`SELECT last_active_at < now() - interval '1 second' AS idle FROM playback_sessions WHERE id = ${session.id}`,
        (rows) => rows[0]?.idle === true,
        { what: "session idle", timeout: Duration.seconds(10), interval: Duration.millis(100) }
      )
      expect((yield* getSession(url, admin, session.id)).state).toBe("active")
      const subscribed = yield* Context.get(context, Events).subscribe
      const events = yield* Effect.forkScoped(Stream.runHead(Stream.filter(subscribed, (e) => e._tag === "playback.stopped")))
      yield* Context.get(context, Jobs).enqueue(PlaybackHealthJob, {})
      const stopped = yield* eventually(getSession(url, admin, session.id), (s) => s.state === "stopped", {
        what: "stopped by the health job", timeout: Duration.seconds(45), interval: Duration.millis(100)
      })
      expect(stopped.stopReason).toBe("idle")
      expect((yield* fetchRaw(url, session.urls.direct ?? "", admin)).status).toBe(409)
      expect(Option.getOrNull(yield* Fiber.join(events))).toMatchObject({ _tag: "playback.stopped", sessionId: session.id, reason: "idle" })
    }), { timeout: 90_000 })

  it.scopedLive("stream names are validated: no traversal, no arbitrary file", () =>
    Effect.gen(function* () {
      const media = yield* TestMedia.files
      const transcodes = yield* tempDir("ms-tx-")
      const { url, sql, admin } = yield* node(transcodes)
      const { movies } = yield* playableMovies(url, admin, sql, { Multi: media.multiTrackMkv })
      const s = yield* createSession(url, admin, { item: { _tag: "movie", id: movies["Multi"] }, client: browser })
      const base = `/api/v1/playback/stream/${s.id}`
      const attempts = [
        "..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "original/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "original/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "%2e%2e/index.m3u8",
        "original/..%5C..%5Cwindows",
        "subtitles/..%2F..%2Fetc%2Fpasswd",
        "subtitles/0.vtt%00.m3u8",
        "original/-1.ts",
        "original/0.ts%2F..%2F..%2Fx",
        "original/%2Fetc%2Fpasswd",
        "9999p/index.m3u8"
      ]
      for (const attempt of attempts) {
        const res = yield* fetchRaw(url, `${base}/${attempt}`, admin)
        expect([400, 404], attempt).toContain(res.status)
        expect(res.text).not.toContain("root:")
      }
      const named = yield* fetchRaw(url, `${base}/original/..%2F..%2Fetc%2Fpasswd`, admin)
      expect(named.status).toBe(400)
      expect(JSON.parse(named.text)).toMatchObject({ code: "BadRequest", details: { field: "name" } })
    }), { timeout: 90_000 })
})
