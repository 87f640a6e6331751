import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Fs from "node:fs/promises"
import { type Probe, TestMedia } from "@mediaserver/testkit/TestMedia"

const kinds = (probe: Probe) => probe.streams.map((s) => `${s.codec_type}:${s.codec_name ?? "?"}`)
const languages = (probe: Probe, type: string) =>
  probe.streams.filter((s) => s.codec_type === type).map((s) => s.tags?.["language"])

const mtimes = (paths: ReadonlyArray<string>) =>
  Effect.promise(() => Promise.all(paths.map((path) => Fs.stat(path).then((stat) => stat.mtimeMs))))

describe("TestMedia", () => {
  // Generous timeout: the first run on a cold cache encodes everything (a few seconds on 2 cores).
  it.live("generates the media set with the expected streams", () =>
    Effect.gen(function*() {
      const files = yield* TestMedia.files

      const mp4 = yield* TestMedia.probe(files.mp4)
      expect(kinds(mp4)).toEqual(["video:h264", "audio:aac"])
      expect(mp4.streams[0]).toMatchObject({ width: 640, height: 360 })
      expect(Number(mp4.format.duration)).toBeCloseTo(5, 0)
      const keyframes = yield* TestMedia.exec(yield* TestMedia.ffprobePath, [
        "-v", "error", "-select_streams", "v", "-skip_frame", "nokey",
        "-show_entries", "frame=pts_time", "-of", "csv=p=0", files.mp4
      ])
      // Lines look like "0.000000," (a side-data column may follow); keep the leading number.
      const times = keyframes.split("\n").flatMap((line) => line.match(/^\d+(\.\d+)?/)?.[0] ?? []).map(Number)
      expect(times).toEqual([0, 2, 4])

      const hevc = yield* TestMedia.probe(files.hevcMkv)
      expect(kinds(hevc)).toEqual(["video:hevc", "audio:aac"])
      expect(hevc.format.format_name).toContain("matroska")

      const multi = yield* TestMedia.probe(files.multiTrackMkv)
      expect(kinds(multi)).toEqual(["video:h264", "audio:aac", "audio:aac", "subtitle:subrip"])
      expect(languages(multi, "audio")).toEqual(["eng", "fra"])
      expect(languages(multi, "subtitle")).toEqual(["eng"])

      expect(yield* Effect.promise(() => Fs.readFile(files.srt, "utf8"))).toContain("00:00:00,500 --> 00:00:02,000")
    }), 120_000)

  it.live("reuses the cached files on a second call", () =>
    Effect.gen(function*() {
      const first = yield* TestMedia.files
      const paths = [first.mp4, first.hevcMkv, first.multiTrackMkv, first.srt]
      const before = yield* mtimes(paths)
      const second = yield* TestMedia.files
      // Reused, not remade: the same paths, untouched (no timing: a remake rewrites the files).
      expect(second).toEqual(first)
      expect(yield* mtimes(paths)).toEqual(before)
      const leftovers = (yield* Effect.promise(() => Fs.readdir(first.dir))).filter((name) => name.endsWith(".tmp"))
      expect(leftovers).toEqual([])
    }), 120_000)
})
