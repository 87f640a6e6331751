/**
 * Remux of files made the way real ones are: a keyframe every 1, 4 and 10.4 s (x264's default maximum
 * at 24 fps), with B-frames. Segments start at the source's keyframes with their true durations, hold
 * every frame once (none repeated, none lost), line up when a run restarts at a far segment, and hls.js
 * in headless Chromium plays each file through in its own duration.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { createHash } from "node:crypto"
import { TestMedia } from "@mediaserver/testkit/TestMedia"
import { browserPage, playThrough } from "./support/Browser.js"
import { libraryNode } from "@mediaserver/testkit/LibraryNode"
import { createSession, fetchRaw, keyframeClip, playableMovies, tempDir, uris, writeTemp } from "@mediaserver/testkit/PlaybackNode"

/** Plays H.264/AAC but not MP4 as a file: a remux. */
const client = { containers: ["webm"], videoCodecs: ["h264"], audioCodecs: ["aac"] }
const GOPS = { K1: 24, K4: 96, K10: 250 }

const durations = (playlist: string) => [...playlist.matchAll(/#EXTINF:([\d.]+),/g)].map((m) => Number(m[1]))

describe("remux from real keyframes", () => {
  it.scopedLive("keyframes every 1, 4 and 10.4 s: true durations, every frame once, restarts line up, hls.js plays through", () =>
    Effect.gen(function* () {
      const media = yield* tempDir("ms-gop-")
      const out = yield* tempDir("ms-seg-")
      const transcodes = yield* tempDir("ms-tx-")
      const clips = Object.fromEntries(yield* Effect.forEach(Object.entries(GOPS), ([name, gop]) =>
        Effect.map(keyframeClip(media, gop), (path) => [name, path] as const)))
      const { url, sql, admin } = yield* libraryNode("playback_keyframes", { PLAYBACK_SEGMENT_SECONDS: "3", PLAYBACK_TRANSCODE_DIR: transcodes })
      const { movies } = yield* playableMovies(url, admin, sql, clips)
      const ffprobe = yield* TestMedia.ffprobePath
      /** Start time and packet count of the video of a segment. */
      const videoOf = (bytes: Uint8Array, name: string) =>
        Effect.gen(function* () {
          const path = yield* writeTemp(out, name, bytes)
          const line = yield* TestMedia.exec(ffprobe, ["-v", "error", "-select_streams", "v:0", "-count_packets",
            "-show_entries", "stream=start_time,nb_read_packets", "-of", "csv=p=0", path])
          // MPEG-TS lists the stream twice (under its program too): the first line.
          const [start = "", packets = ""] = (line.trim().split("\n")[0] ?? "").split(",")
          return { start: Number(start), packets: Number(packets) }
        })
      const page = yield* browserPage(url)
      const token = "token" in admin ? admin.token : ""

      for (const [name, clip] of Object.entries(clips)) {
        const source = yield* TestMedia.probe(clip)
        const duration = Number(source.format.duration)
        const frames = Number((yield* TestMedia.exec(ffprobe, ["-v", "error", "-select_streams", "v:0", "-count_packets",
          "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", clip])).trim())
        const item = { _tag: "movie", id: movies[name] }
        const session = yield* createSession(url, admin, { item, client, startSeconds: 0 })
        expect(session.decision.method).toBe("remux")
        const base = `/api/v1/playback/stream/${session.id}/original`
        const playlist = (yield* fetchRaw(url, `${base}/index.m3u8`, admin)).text
        const lengths = durations(playlist)
        const total = lengths.reduce((a, b) => a + b, 0)
        expect(Math.abs(total - duration), name).toBeLessThan(0.5)
        if (name === "K10") expect(lengths.map(Math.round)).toEqual([10, 10])
        if (name === "K1") expect(lengths.slice(0, -1).every((l) => Math.abs(l - 3) < 0.01)).toBe(true)
        if (name === "K4") expect(lengths.slice(0, -1).every((l) => Math.abs(l - 4) < 0.01)).toBe(true)

        const hashes = new Set<string>()
        const starts: Array<number> = []
        let packets = 0
        for (const segment of uris(playlist)) {
          const fetched = yield* fetchRaw(url, `${base}/${segment}`, admin)
          expect(fetched.status, `${name} ${segment}`).toBe(200)
          hashes.add(createHash("sha256").update(fetched.bytes).digest("hex"))
          const video = yield* videoOf(fetched.bytes, `${name}-${segment}`)
          starts.push(video.start)
          packets += video.packets
        }
        expect(hashes.size, `${name}: no segment repeats another`).toBe(lengths.length)
        expect(packets, `${name}: every frame once`).toBe(frames)
        // Each segment's pictures start where the playlist says (timestamps relative to the first).
        const listed = lengths.map((_, i) => lengths.slice(0, i).reduce((a, b) => a + b, 0))
        starts.forEach((start, i) => expect(Math.abs(start - (starts[0] ?? 0) - (listed[i] ?? 0)), `${name} segment ${i}`).toBeLessThan(0.05))

        // A new session asked for the last segment first restarts ffmpeg there: the same timestamps.
        const seek = yield* createSession(url, admin, { item, client, startSeconds: 0 })
        const last = uris(playlist).at(-1) ?? ""
        const far = yield* fetchRaw(url, `/api/v1/playback/stream/${seek.id}/original/${last}`, admin)
        expect(far.status).toBe(200)
        expect(Math.abs((yield* videoOf(far.bytes, `${name}-seek-${last}`)).start - (starts.at(-1) ?? 0))).toBeLessThan(0.05)

        // hls.js plays it through (at 4x) in the source's duration.
        const played = yield* playThrough(page, session.urls.master ?? "", token, name)
        expect(Math.abs(played.currentTime - duration), `${name} end time`).toBeLessThan(0.5)
        expect(Math.abs(played.played - duration), `${name} played`).toBeLessThan(0.5)
      }
    }), { timeout: 240_000 })
})
