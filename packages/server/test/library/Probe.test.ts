import { isDiscard, isRetryable, type MediaInfo } from "@mediaserver/domain"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Layer, Option } from "effect"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { AppConfig } from "../../src/config/AppConfig.js"
import { MediaProbe, type ProbeOptions } from "../../src/library/Probe.js"
import { eventually } from "../support/Poll.js"
import { TestMedia } from "../support/TestMedia.js"

const probeLayer = (options: Partial<ProbeOptions> = {}, ffprobePath?: string) =>
  MediaProbe.layerWith(options).pipe(
    Layer.provide(ffprobePath === undefined ? AppConfig.layerWith({}) : AppConfig.layerWith({ ffprobePath: Option.some(ffprobePath) }))
  )

const probe = (path: string) => Effect.flatMap(MediaProbe, (service) => service.probe(path))

const tempDir = Effect.acquireRelease(
  Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "ms-probe-test-"))),
  (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
)

/** An executable shell script standing in for ffprobe. */
const fakeFfprobe = (dir: string, body: string) =>
  Effect.promise(async () => {
    const path = Path.join(dir, "fake-ffprobe")
    await Fs.writeFile(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 })
    return path
  })

const isAlive = (pid: number) =>
  Effect.try(() => process.kill(pid, 0)).pipe(Effect.as(true), Effect.orElseSucceed(() => false))

const encode = (args: ReadonlyArray<string>, out: string) =>
  Effect.flatMap(TestMedia.ffmpegPath, (ffmpeg) =>
    TestMedia.exec(ffmpeg, ["-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
      "testsrc2=size=320x180:rate=24:duration=1", ...args, out]))

const streamSummary = (info: MediaInfo) => ({
  audio: info.audio.map((a) => [a.codec, a.language, a.title, a.default]),
  subtitles: info.subtitles.map((s) => [s.index, s.codec, s.language, s.external, s.path])
})

describe("MediaProbe", () => {
  it.live("mp4: H.264 640x360 30 fps SDR, AAC stereo without a language, duration about 5 s", () =>
    Effect.gen(function*() {
      const files = yield* TestMedia.files
      const info = yield* probe(files.mp4)
      expect(info.container).toBe("mp4")
      expect(info.durationMs).toBeGreaterThanOrEqual(4900)
      expect(info.durationMs).toBeLessThanOrEqual(5100)
      expect(info.sizeBytes).toBe((yield* Effect.promise(() => Fs.stat(files.mp4))).size)
      expect(info.bitrate).toBeGreaterThan(0)
      expect(info.video).toMatchObject({
        index: 0, codec: "h264", width: 640, height: 360, frameRate: 30, bitDepth: 8, hdr: "sdr",
        pixelFormat: "yuv420p"
      })
      expect(info.video?.profile).not.toBeNull()
      expect(info.audio).toHaveLength(1)
      expect(info.audio[0]).toMatchObject({ index: 1, codec: "aac", channels: 2, channelLayout: "stereo", language: null })
      expect(info.subtitles).toEqual([])
    }).pipe(Effect.provide(probeLayer())), 120_000)

  it.live("hevcMkv: HEVC in Matroska, duration from the format (streams have none)", () =>
    Effect.gen(function*() {
      const files = yield* TestMedia.files
      const info = yield* probe(files.hevcMkv)
      expect(info.container).toBe("mkv")
      expect(info.video).toMatchObject({ codec: "hevc", width: 640, height: 360, hdr: "sdr", bitDepth: 8 })
      expect(info.durationMs).toBeGreaterThanOrEqual(4900)
      expect(info.durationMs).toBeLessThanOrEqual(5100)
      expect(info.audio.map((a) => a.codec)).toEqual(["aac"])
    }).pipe(Effect.provide(probeLayer())), 120_000)

  it.live("multiTrackMkv: eng and fra audio with titles, one embedded eng SubRip track", () =>
    Effect.gen(function*() {
      const files = yield* TestMedia.files
      const info = yield* probe(files.multiTrackMkv)
      expect(info.video?.codec).toBe("h264")
      expect(streamSummary(info)).toEqual({
        audio: [["aac", "eng", "English", true], ["aac", "fra", "Français", false]],
        subtitles: [[3, "subrip", "eng", false, null]]
      })
    }).pipe(Effect.provide(probeLayer())), 120_000)

  it.scopedLive("HDR10 (PQ, 10-bit HEVC) and HLG (10-bit H.264) made with ffmpeg", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const bt2020 = ["-color_primaries", "bt2020", "-colorspace", "bt2020nc"]
      const pq = Path.join(dir, "pq.mkv")
      const hlg = Path.join(dir, "hlg.mp4")
      yield* encode(["-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le", "-color_trc", "smpte2084",
        ...bt2020, "-x265-params", "log-level=error"], pq)
      yield* encode(["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le", "-color_trc",
        "arib-std-b67", ...bt2020], hlg)
      expect((yield* probe(pq)).video).toMatchObject({ codec: "hevc", hdr: "hdr10", bitDepth: 10 })
      expect((yield* probe(hlg)).video).toMatchObject({ codec: "h264", hdr: "hlg", bitDepth: 10 })
    }).pipe(Effect.provide(probeLayer())), 60_000)

  it.scopedLive("a text file is ProbeFailed (discard)", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const path = Path.join(dir, "notes.mkv")
      yield* Effect.promise(() => Fs.writeFile(path, "not a video, just some words\n".repeat(50)))
      const error = yield* Effect.flip(probe(path))
      expect(error).toMatchObject({ _tag: "ProbeFailed", path })
      expect(isDiscard(error)).toBe(true)
    }).pipe(Effect.provide(probeLayer())))

  it.live("a missing file is ProbeFailed naming the cause", () =>
    Effect.gen(function*() {
      const path = Path.join(Os.tmpdir(), "ms-probe-no-such-dir", "missing.mkv")
      const error = yield* Effect.flip(probe(path))
      expect(error._tag).toBe("ProbeFailed")
      expect(error.message).toMatch(/No such file or directory/)
    }).pipe(Effect.provide(probeLayer())))

  it.scopedLive("a hanging ffprobe is ProbeTimeout (retryable) and its process is killed", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const pidFile = Path.join(dir, "pid")
      const fake = yield* fakeFfprobe(dir, `echo $$ > "${pidFile}"\nexec sleep 30`)
      const started = Date.now()
      const error = yield* Effect.flip(
        probe(Path.join(dir, "any.mkv")).pipe(Effect.provide(probeLayer({ timeout: Duration.millis(300) }, fake)))
      )
      expect(error).toMatchObject({ _tag: "ProbeTimeout", timeoutMs: 300 })
      expect(error._tag === "ProbeTimeout" && isRetryable(error)).toBe(true)
      expect(Date.now() - started).toBeLessThan(5_000)
      const pid = Number(yield* Effect.promise(() => Fs.readFile(pidFile, "utf8")))
      yield* eventually(isAlive(pid), (alive) => !alive, { what: `fake ffprobe ${pid} to exit`, timeout: "3 seconds" })
    }))

  it.live("ffprobe that cannot be started is ProbeUnavailable (retryable), not the file's fault", () =>
    Effect.gen(function*() {
      const files = yield* TestMedia.files
      const error = yield* Effect.flip(probe(files.mp4))
      expect(error._tag).toBe("ProbeUnavailable")
      expect(isRetryable(error)).toBe(true)
    }).pipe(Effect.provide(probeLayer({}, "/nonexistent/ffprobe"))), 120_000)

  it.scopedLive("at most `concurrency` processes at once; waiting for a turn does not count toward the timeout", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const json = JSON.stringify({
        streams: [{ index: 0, codec_type: "audio", codec_name: "flac", channels: 2 }],
        format: { format_name: "flac", duration: "1.5" }
      })
      const fake = yield* fakeFfprobe(dir, `sleep 0.4\necho '${json}'`)
      const started = Date.now()
      // 4 probes of 0.4 s, 2 at a time: the last two wait 0.4 s, then run 0.4 s, within their 0.6 s.
      const results = yield* Effect.all(
        Array.from({ length: 4 }, (_, i) => probe(Path.join(dir, `track${i}.flac`))),
        { concurrency: "unbounded" }
      ).pipe(Effect.provide(probeLayer({ concurrency: 2, timeout: Duration.millis(600) }, fake)))
      expect(Date.now() - started).toBeGreaterThanOrEqual(750)
      expect(results.map((r) => [r.container, r.durationMs, r.video])).toEqual(Array(4).fill(["flac", 1500, null]))
    }))
})
