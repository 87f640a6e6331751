import { describe, expect, it } from "@effect/vitest"
import { AudioStream, ClientProfile, MediaInfo, VideoStream } from "@mediaserver/domain"
import { Either } from "effect"
import { decide, variantOf } from "../../src/playback/Decision.js"
import { hlsArgs } from "../../src/playback/Ffmpeg.js"
import { parseKeyframes } from "../../src/library/Keyframes.js"
import { cutsFrom, layoutOf } from "../../src/playback/Layout.js"
import { mediaPlaylist, masterPlaylist } from "../../src/playback/Playlists.js"
import { parseStreamPath } from "../../src/playback/Names.js"
import { parseRange } from "../../src/playback/DirectPlay.js"

const video = (height: number, codec = "h264") =>
  new VideoStream({
    index: 0, codec, profile: "High", width: Math.round((height * 16) / 9), height, frameRate: 24, bitDepth: 8,
    hdr: "sdr", pixelFormat: "yuv420p"
  })
const audio = (index: number, codec = "aac", channels = 2, isDefault = index === 1) =>
  new AudioStream({ index, codec, channels, channelLayout: null, language: null, title: null, default: isDefault })
const info = (container: string, v: VideoStream, a: ReadonlyArray<AudioStream>, bitrate = 4_000_000) =>
  new MediaInfo({ container, durationMs: 7_200_000, bitrate, sizeBytes: null, video: v, audio: a, subtitles: [] })
const client = (fields: Partial<ConstructorParameters<typeof ClientProfile>[0]> = {}) =>
  new ClientProfile({ containers: ["mp4"], videoCodecs: ["h264"], audioCodecs: ["aac"], ...fields })

const run = (i: MediaInfo, c: ClientProfile, choice = {}) => Either.getOrThrow(decide(i, c, choice))

describe("playback decision", () => {
  const cases: ReadonlyArray<readonly [string, MediaInfo, ClientProfile, object, string, ReadonlyArray<string>]> = [
    ["plays as is", info("mp4", video(1080), [audio(1)]), client(), {}, "direct", []],
    ["a file without audio plays as is", info("mp4", video(1080), []), client(), {}, "direct", []],
    ["container only", info("mkv", video(1080), [audio(1)]), client(), {}, "remux", ["original", "720p", "480p"]],
    ["audio codec unsupported: video copied, audio encoded", info("mkv", video(1080), [audio(1, "dts", 6)]), client(), {}, "remux", ["original", "720p", "480p"]],
    ["video codec unsupported", info("mkv", video(2160, "hevc"), [audio(1)]), client(), {}, "transcode", ["original", "1080p", "720p", "480p"]],
    ["above the client's height", info("mp4", video(2160), [audio(1)], 20_000_000), client({ maxHeight: 1080 }), {}, "transcode", ["1080p", "720p", "480p"]],
    ["above the client's bitrate", info("mp4", video(1080), [audio(1)], 8_000_000), client({ maxBitrate: 3_000_000 }), {}, "transcode", ["720p", "480p"]],
    ["another audio track", info("mp4", video(720), [audio(1), audio(2, "aac", 2, false)]), client(), { audioStream: 2 }, "remux", ["original", "480p"]],
    ["downmix", info("mp4", video(720), [audio(1, "aac", 6)]), client(), { downmix: true }, "remux", ["original", "480p"]],
    ["burn-in", info("mp4", video(480), [audio(1)]), client(), { burnSubtitle: true }, "transcode", ["original"]],
    ["never above the source", info("mkv", video(360, "vp9"), [audio(1)]), client(), {}, "transcode", ["original"]]
  ]
  for (const [name, i, c, choice, method, profiles] of cases) {
    it(name, () => {
      const decision = run(i, c, choice)
      expect(decision.method).toBe(method)
      expect(decision.profiles).toEqual(profiles)
      expect(decision.reasons.length).toBeGreaterThan(0)
    })
  }

  it("says why", () => {
    const d = run(info("mkv", video(1080, "hevc"), [audio(1, "dts", 6)]), client({ maxHeight: 720 }), { downmix: true })
    expect(d.reasons).toEqual([
      "container mkv is not supported by the client",
      "video codec hevc is not supported by the client",
      "audio codec dts is not supported by the client",
      "resolution 1080p is above the client's 720p",
      "audio is mixed down from 6 channels to stereo"
    ])
    expect(d.copyVideo).toBe(false)
    expect(d.copyAudio).toBe(false)
  })

  it("refuses what it cannot do, naming the field", () => {
    const noVideo = new MediaInfo({ container: "mp3", durationMs: 1000, bitrate: null, sizeBytes: null, video: null, audio: [audio(0)], subtitles: [] })
    const none = decide(noVideo, client(), {})
    expect(Either.isLeft(none) && none.left.details).toEqual({ field: "fileId" })
    const bad = decide(info("mp4", video(1080), [audio(1)]), client(), { audioStream: 7 })
    expect(Either.isLeft(bad) && bad.left.details).toEqual({ field: "audioStream" })
    const tiny = decide(info("mkv", video(1080, "hevc"), [audio(1)]), client({ maxHeight: 240 }), {})
    expect(Either.isLeft(tiny) && tiny.left.details).toEqual({ field: "client.maxHeight" })
  })

  it("master playlist: one variant per profile, bandwidth, resolution and codecs", () => {
    const i = info("mkv", video(1080), [audio(1)])
    const d = run(i, client())
    const v = i.video ?? video(1080)
    const master = masterPlaylist({
      info: i, video: v, audio: i.audio[0] ?? null, copyAudio: d.copyAudio,
      variants: d.profiles.map((p) => variantOf(i, v, d, p)), subtitles: [], selectedSubtitle: null, alternateAudio: [], format: "ts"
    })
    expect(master.split("\n").filter((l) => l.startsWith("#EXT-X-STREAM-INF"))).toEqual([
      "#EXT-X-STREAM-INF:BANDWIDTH=4128000,RESOLUTION=1920x1080,CODECS=\"avc1.640028,mp4a.40.2\"",
      "#EXT-X-STREAM-INF:BANDWIDTH=2928000,RESOLUTION=1280x720,CODECS=\"avc1.64001f,mp4a.40.2\"",
      "#EXT-X-STREAM-INF:BANDWIDTH=1528000,RESOLUTION=854x480,CODECS=\"avc1.64001e,mp4a.40.2\""
    ])
  })

  it("master playlist: the other audio tracks as renditions beside the variants' own", () => {
    const i = info("mkv", video(1080), [audio(1), audio(2, "ac3", 6)])
    const d = run(i, client())
    const v = i.video ?? video(1080)
    const master = masterPlaylist({
      info: i, video: v, audio: i.audio[0] ?? null, copyAudio: true, variants: [variantOf(i, v, d, "original")],
      subtitles: [], selectedSubtitle: null, alternateAudio: i.audio.slice(1), format: "ts"
    })
    const media = master.split("\n").filter((l) => l.startsWith("#EXT-X-MEDIA:TYPE=AUDIO"))
    expect(media).toHaveLength(2)
    expect(media[0]).toContain("DEFAULT=YES")
    expect(media[0]).not.toContain("URI=")
    expect(media[1]).toContain("DEFAULT=NO,AUTOSELECT=YES,URI=\"audio/2.m3u8\"")
    expect(master).toContain(",AUDIO=\"audio\"")
    expect(Either.getOrThrow(parseStreamPath(["audio", "2.m3u8"]))).toEqual({ _tag: "audioPlaylist", stream: 2 })
    expect(Either.getOrThrow(parseStreamPath(["audio", "2.17.ts"]))).toEqual({ _tag: "audioSegment", stream: 2, part: 17 })
    for (const bad of [["audio", "2.ts"], ["audio", "x.m3u8"], ["audio", "2.01.ts"], ["audio", "../2.m3u8"]]) {
      expect(Either.isLeft(parseStreamPath(bad)), bad.join("/")).toBe(true)
    }
  })

  it("ffmpeg: a run starts at its segment with timestamps in place; burn-in overlays the image track", () => {
    const i = info("mkv", video(1080), [audio(1, "dts", 6)])
    const d = run(i, client(), { burnSubtitle: true, downmix: true })
    const v = i.video ?? video(1080)
    const args = hlsArgs({
      input: "/media/a.mkv", video: v, audio: i.audio[0] ?? null, variant: variantOf(i, v, d, "720p"), copyAudio: d.copyAudio,
      downmix: true, burnStream: 3, startSeconds: 12, startNumber: 4, segmentSeconds: 3, keyframed: false, format: "ts", dir: "/tmp/x", preset: "veryfast", legacyHls: false
    }).join(" ")
    expect(args).toContain("-ss 12 -i file:/media/a.mkv")
    expect(args).toContain("-filter_complex [0:0][0:3]overlay,scale=1280:720[v] -map [v]")
    expect(args).toContain("-c:v libx264")
    expect(args).toContain("-force_key_frames expr:gte(t,n_forced*3)")
    expect(args).toContain("-map 0:1 -c:a aac -b:a 128k -ac 2")
    expect(args).toContain("-output_ts_offset 12")
    expect(args).toContain("-start_number 4")
    // A copy cuts at every keyframe; the packaged 2018 muxer needs a cut time past the audio's lead.
    const copy = (legacyHls: boolean) => hlsArgs({
      input: "/media/a.mkv", video: v, audio: null, variant: variantOf(i, v, d, "original"), copyAudio: true, downmix: false,
      burnStream: null, startSeconds: 0, startNumber: 0, segmentSeconds: 3, keyframed: true, format: "ts", dir: "/tmp/x", preset: "veryfast", legacyHls
    }).join(" ")
    expect(copy(false)).toContain("-hls_time 0.001 ")
    expect(copy(true)).toContain("-hls_time 0.25 ")
  })

  it("media playlist covers the whole duration", () => {
    const playlist = mediaPlaylist(layoutOf(10.5, 3, []), "ts")
    expect(playlist.match(/#EXTINF:([\d.]+)/g)).toEqual(["#EXTINF:3.000000", "#EXTINF:3.000000", "#EXTINF:3.000000", "#EXTINF:1.500000"])
    expect(playlist).toContain("#EXT-X-TARGETDURATION:3")
    expect(playlist.endsWith("#EXT-X-ENDLIST\n")).toBe(true)
  })

  it("a copy's segments start at keyframes, at least the target long, with true durations", () => {
    // Sparse (10.44 s), dense (1 s) and irregular keyframes.
    const sparse = layoutOf(20, 3, cutsFrom([0, 10.44, 20], 3, 20))
    expect([sparse.count, sparse.start(1), sparse.duration(0), sparse.duration(1)]).toEqual([2, 10.44, 10.44, 20 - 10.44])
    expect(sparse.files(0)).toEqual([0, 1])
    expect(sparse.files(1)).toEqual([1, 2])
    const dense = layoutOf(10, 3, cutsFrom(Array.from({ length: 10 }, (_, i) => i), 3, 10))
    expect(Array.from({ length: dense.count }, (_, i) => dense.start(i))).toEqual([0, 3, 6, 9])
    expect(dense.files(1)).toEqual([3, 6])
    expect(dense.files(3)).toEqual([9, 10])
    expect([dense.segmentOfFile(4), dense.segmentOfFile(9), dense.segmentOfFile(10)]).toEqual([1, 3, 4])
    // A seek lands on the keyframe segment at or before the position.
    expect([dense.segmentAt(0), dense.segmentAt(5.9), dense.segmentAt(6), dense.segmentAt(99)]).toEqual([0, 1, 2, 3])
    const odd = layoutOf(9, 2, cutsFrom([0, 0.5, 2.5, 3, 7.9], 2, 9))
    const total = Array.from({ length: odd.count }, (_, i) => odd.duration(i)).reduce((a, b) => a + b, 0)
    expect(total).toBeCloseTo(9, 6)
    expect(Array.from({ length: odd.count }, (_, i) => odd.start(i))).toEqual([0, 2.5, 7.9])
    const playlist = mediaPlaylist(sparse, "ts")
    expect(playlist).toContain("#EXT-X-TARGETDURATION:10")
    expect(playlist.match(/#EXTINF:([\d.]+)/g)).toEqual(["#EXTINF:10.440000", "#EXTINF:9.560000"])
  })

  it("keyframe times from ffprobe's packets, from the file's start time", () => {
    const out = ["packet|pts_time=1.400000|flags=K_", "packet|pts_time=1.441667|flags=__", "packet|pts_time=N/A|flags=K_",
      "packet|pts_time=11.400000|flags=K_", "format|start_time=1.400000", ""].join("\n")
    expect(parseKeyframes(out)).toEqual([0, 10])
  })

  it("stream names: a closed grammar", () => {
    expect(Either.getOrThrow(parseStreamPath(["720p", "12.ts"]))).toEqual({ _tag: "segment", profile: "720p", part: 12, format: "ts" })
    expect(Either.getOrThrow(parseStreamPath(["original", "init.mp4"]))).toMatchObject({ part: "init" })
    for (const bad of [["..", "index.m3u8"], ["original", "../x.ts"], ["original", "01.ts"], ["subtitles", "a.vtt"], ["x"], ["a", "b", "c"]]) {
      expect(Either.isLeft(parseStreamPath(bad)), bad.join("/")).toBe(true)
    }
  })

  it("byte ranges", () => {
    expect(parseRange("bytes=0-9", 100)).toEqual(Either.right({ start: 0, end: 9 }))
    expect(parseRange("bytes=90-200", 100)).toEqual(Either.right({ start: 90, end: 99 }))
    expect(parseRange("bytes=-10", 100)).toEqual(Either.right({ start: 90, end: 99 }))
    expect(parseRange("bytes=0-1,5-6", 100)).toEqual(Either.right("none"))
    expect(Either.isLeft(parseRange("bytes=100-", 100))).toBe(true)
    expect(Either.isLeft(parseRange("bytes=-0", 100))).toBe(true)
  })
})
