import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import { isDiscard, isRetryable, MediaInfo, ProbeFailed, ProbeTimeout, ProbeUnavailable } from "../src/index.js"

describe("media", () => {
  it("a file ffprobe cannot read is discarded; a slow or missing ffprobe is retried", () => {
    expect(isDiscard(new ProbeFailed({ path: "/m/a.mkv", message: "Invalid data" }))).toBe(true)
    expect(isRetryable(new ProbeTimeout({ path: "/m/a.mkv", timeoutMs: 30_000, message: "slow" }))).toBe(true)
    expect(isRetryable(new ProbeUnavailable({ binary: "ffprobe", message: "ENOENT" }))).toBe(true)
  })

  it("a probe result survives a JSON round trip (it is cached)", () => {
    const info = Schema.decodeUnknownSync(MediaInfo)({
      container: "mkv", durationMs: 5023, bitrate: 2_165_367, sizeBytes: 1_359_580,
      video: { index: 0, codec: "hevc", profile: "Main 10", width: 3840, height: 2160, frameRate: 23.976,
        bitDepth: 10, hdr: "hdr10", pixelFormat: "yuv420p10le" },
      audio: [{ index: 1, codec: "eac3", channels: 6, channelLayout: "5.1(side)", language: "eng", title: null,
        default: true }],
      subtitles: [{ index: null, codec: "subrip", language: "fra", title: null, default: false, forced: true,
        external: true, path: "/m/A.fr.forced.srt" }]
    })
    const json = Schema.encodeSync(Schema.parseJson(MediaInfo))(info)
    expect(Schema.decodeUnknownSync(Schema.parseJson(MediaInfo))(json)).toEqual(info)
    expect(() => Schema.decodeUnknownSync(Schema.parseJson(MediaInfo))(json.replace('"hdr10"', '"hdr11"'))).toThrow()
  })
})
