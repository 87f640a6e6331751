import { isDiscard, isRetryable, type MediaInfo } from "@mediaserver/domain"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Layer, Option } from "effect"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { AppConfig } from "../../src/config/AppConfig.js"
import { MediaProbe, type ProbeOptions } from "../../src/library/Probe.js"
import { eventually } from "@mediaserver/testkit/Poll"
import { TestMedia } from "@mediaserver/testkit/TestMedia"

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

/** What the fakes print: a FLAC file of 1.5 s. */
const flacJson = JSON.stringify({
  streams: [{ index: 0, codec_type: "audio", codec_name: "flac", channels: 2 }],
  format: { format_name: "flac", duration: "1.5" }
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

  // Each fake records how many fakes were running when it started (itself included) and is held until
  // the test releases it, so the count is the limit's own: 1 would never reach two running, 3 would
  // start the third beside the two held ones.
  it.scopedLive("at most `concurrency` processes at once: the third starts only when one of the two ends", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const running = Path.join(dir, "running")
      const release = Path.join(dir, "release")
      yield* Effect.promise(() => Promise.all([Fs.mkdir(running), Fs.mkdir(release)]))
      const fake = yield* fakeFfprobe(dir, [
        `touch "${running}/$$"`,
        `ls "${running}" | wc -l >> "${dir}/counts"`,
        `while [ ! -e "${release}/$$" ] && [ ! -e "${release}/all" ]; do sleep 0.02; done`,
        `rm "${running}/$$"`,
        `echo '${flacJson}'`
      ].join("\n"))
      const runningPids = Effect.promise(() => Fs.readdir(running))
      const counts = Effect.promise(() =>
        Fs.readFile(Path.join(dir, "counts"), "utf8").then((text) => text.split(/\s+/).filter((n) => n !== "").map(Number), () => []))
      const all = yield* Effect.all(
        Array.from({ length: 3 }, (_, i) => probe(Path.join(dir, `track${i}.flac`))),
        { concurrency: "unbounded" }
      ).pipe(Effect.provide(probeLayer({ concurrency: 2 }, fake)), Effect.fork)

      const firstTwo = yield* eventually(runningPids, (pids) => pids.length === 2, { what: "two fakes running", timeout: "10 seconds" })
      yield* Effect.promise(() => Fs.writeFile(Path.join(release, firstTwo[0] ?? "none"), ""))
      yield* eventually(counts, (seen) => seen.length === 3, { what: "the third fake to start", timeout: "10 seconds" })
      yield* Effect.promise(() => Fs.writeFile(Path.join(release, "all"), ""))
      const results = yield* Fiber.join(all)

      // The first two may each see the other (they start together); none ever saw three running.
      const seen = yield* counts
      expect(seen).toHaveLength(3)
      expect(Math.max(...seen)).toBe(2)
      expect(results.map((r) => [r.container, r.durationMs])).toEqual(Array(3).fill(["flac", 1500]))
    }))

  // With one permit, the second probe waits exactly as long as the first takes to time out: had the
  // wait counted, it would time out with it instead of running.
  it.scopedLive("waiting for a turn does not count toward the timeout", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const fake = yield* fakeFfprobe(dir, `if mkdir "${dir}/held" 2>/dev/null; then exec sleep 30; fi\necho '${flacJson}'`)
      const outcomes = yield* Effect.all(
        [probe(Path.join(dir, "first.flac")), probe(Path.join(dir, "second.flac"))].map(Effect.either),
        { concurrency: "unbounded" }
      ).pipe(Effect.provide(probeLayer({ concurrency: 1, timeout: Duration.seconds(1) }, fake)))
      // The one that started first was held; which one that is, is the semaphore's business.
      const byTag = [...outcomes].sort((a, b) => a._tag.localeCompare(b._tag))
      expect(byTag).toMatchObject([
        { _tag: "Left", left: { _tag: "ProbeTimeout" } },
        { _tag: "Right", right: { container: "flac", durationMs: 1500 } }
      ])
    }))
})
