/**
 * HLS playlists, written up front from the probe (VOD: every segment of the whole duration is listed
 * before any exists, so players can seek anywhere). Segments follow the session's layout: fixed for a
 * transcode (the encoder forces a keyframe at each boundary), the source's keyframes for a copy.
 */
import type { AudioStream, MediaInfo, PlaybackSubtitle, SegmentFormat, VideoStream } from "@mediaserver/domain"
import { AUDIO_BITRATE, type Variant } from "./Decision.js"
import type { Layout } from "./Layout.js"

export const segmentName = (index: number, format: SegmentFormat) => `${index}.${format === "ts" ? "ts" : "m4s"}`

// H.264 levels by frame size and macroblock rate (ITU-T H.264 table A-1), from 3.0 up.
const AVC_LEVELS: ReadonlyArray<readonly [level: number, maxFrameMbs: number, maxMbPerSecond: number]> = [
  [30, 1620, 40500], [31, 3600, 108000], [32, 5120, 216000], [40, 8192, 245760], [42, 8704, 522240],
  [50, 22080, 589824], [51, 36864, 983040], [52, 36864, 2073600]
]

/** The smallest H.264 level for a picture size and frame rate (what x264 picks, and what we ask it for). */
export const avcLevel = (width: number, height: number, frameRate: number | null): number => {
  const mbs = Math.ceil(width / 16) * Math.ceil(height / 16)
  const rate = mbs * (frameRate ?? 30)
  return AVC_LEVELS.find(([, frame, perSecond]) => mbs <= frame && rate <= perSecond)?.[0] ?? 52
}

const hex = (n: number) => n.toString(16).padStart(2, "0")

const avcProfiles: Readonly<Record<string, string>> = {
  "constrained baseline": "42e0", baseline: "4200", main: "4d00", high: "6400", "high 10": "6e00"
}

/** RFC 6381 codec string of the variant's video. Copied H.264 keeps its profile; the level follows its size. */
export const videoCodecs = (video: VideoStream, variant: Variant): string => {
  if (!variant.copy) return `avc1.6400${hex(avcLevel(variant.width, variant.height, video.frameRate))}`
  if (video.codec === "hevc") {
    const main10 = (video.profile ?? "").toLowerCase().includes("10")
    const level = video.height > 1080 ? 153 : video.height > 720 ? 123 : 93
    return main10 ? `hvc1.2.4.L${level}.B0` : `hvc1.1.6.L${level}.B0`
  }
  const profile = avcProfiles[(video.profile ?? "high").toLowerCase()] ?? "6400"
  return `avc1.${profile}${hex(avcLevel(video.width, video.height, video.frameRate))}`
}

const audioCodecNames: Readonly<Record<string, string>> = { aac: "mp4a.40.2", mp3: "mp4a.40.34", ac3: "ac-3", eac3: "ec-3" }

export const audioCodecs = (audio: AudioStream | null, copy: boolean): string | null =>
  audio === null ? null : copy ? (audioCodecNames[audio.codec] ?? "mp4a.40.2") : "mp4a.40.2"

export interface MasterInput {
  readonly info: MediaInfo
  readonly video: VideoStream
  readonly audio: AudioStream | null
  readonly copyAudio: boolean
  readonly variants: ReadonlyArray<Variant>
  /** Text tracks offered as WebVTT renditions; `selected` is shown by default. */
  readonly subtitles: ReadonlyArray<PlaybackSubtitle>
  readonly selectedSubtitle: number | null
  /** The file's other audio tracks, offered as renditions beside the one the variants carry. */
  readonly alternateAudio: ReadonlyArray<AudioStream>
  readonly format: SegmentFormat
}

const audioName = (a: AudioStream) => `${a.title ?? a.language ?? "Audio"} (${a.index})`

/**
 * The variants carry the session's audio (a rendition without URI, RFC 8216 4.3.4.1); each other track
 * is a rendition of its own, so a player can offer every language.
 */
const audioRenditions = (main: AudioStream | null, others: ReadonlyArray<AudioStream>): ReadonlyArray<string> =>
  main === null || others.length === 0 ? [] : [main, ...others].map((a) =>
    `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME=${quoted(audioName(a))},` +
    (a.language === null ? "" : `LANGUAGE=${quoted(a.language)},`) +
    (a === main ? "DEFAULT=YES,AUTOSELECT=YES" : `DEFAULT=NO,AUTOSELECT=YES,URI=${quoted(`audio/${a.index}.m3u8`)}`))

const quoted = (value: string) => `"${value.replace(/["\r\n]/g, "")}"`

export const masterPlaylist = (input: MasterInput): string => {
  const version = input.format === "fmp4" ? 7 : 3
  const lines = ["#EXTM3U", `#EXT-X-VERSION:${version}`, "#EXT-X-INDEPENDENT-SEGMENTS"]
  const texts = input.subtitles.filter((s) => s.delivery === "webvtt")
  for (const s of texts) {
    const name = s.title ?? s.language ?? `Subtitle ${s.id}`
    const isDefault = s.id === input.selectedSubtitle ? "YES" : "NO"
    lines.push(
      `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME=${quoted(`${name} (${s.id})`)},` +
        (s.language === null ? "" : `LANGUAGE=${quoted(s.language)},`) +
        `DEFAULT=${isDefault},AUTOSELECT=${isDefault},URI=${quoted(`subtitles/${s.id}.m3u8`)}`
    )
  }
  const renditions = audioRenditions(input.audio, input.alternateAudio)
  lines.push(...renditions)
  const audioCodec = audioCodecs(input.audio, input.copyAudio)
  for (const v of input.variants) {
    const audioRate = input.audio === null ? 0 : AUDIO_BITRATE
    const codecs = [videoCodecs(input.video, v), ...(audioCodec === null ? [] : [audioCodec])].join(",")
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${Math.round(v.bitrate + audioRate)},RESOLUTION=${v.width}x${v.height},` +
        `CODECS=${quoted(codecs)}${renditions.length > 0 ? ",AUDIO=\"audio\"" : ""}${texts.length > 0 ? ",SUBTITLES=\"subs\"" : ""}`,
      `${v.profile}/index.m3u8`
    )
  }
  return `${lines.join("\n")}\n`
}

export const mediaPlaylist = (
  layout: Layout,
  format: SegmentFormat,
  name: (segment: number) => string = (i) => segmentName(i, format)
): string => {
  const lines = [
    "#EXTM3U",
    `#EXT-X-VERSION:${format === "fmp4" ? 7 : 3}`,
    // Rounded, as RFC 8216 asks: no segment may be longer than the target once rounded.
    `#EXT-X-TARGETDURATION:${Math.max(1, Math.round(layout.longest))}`,
    "#EXT-X-MEDIA-SEQUENCE:0",
    "#EXT-X-PLAYLIST-TYPE:VOD",
    "#EXT-X-INDEPENDENT-SEGMENTS",
    ...(format === "fmp4" ? ["#EXT-X-MAP:URI=\"init.mp4\""] : [])
  ]
  for (let i = 0; i < layout.count; i++) {
    lines.push(`#EXTINF:${layout.duration(i).toFixed(6)},`, name(i))
  }
  lines.push("#EXT-X-ENDLIST")
  return `${lines.join("\n")}\n`
}

/** A subtitle rendition: the whole track as one WebVTT file. */
export const subtitlePlaylist = (durationSeconds: number, track: number): string =>
  [
    "#EXTM3U",
    "#EXT-X-VERSION:3",
    `#EXT-X-TARGETDURATION:${Math.ceil(durationSeconds)}`,
    "#EXT-X-MEDIA-SEQUENCE:0",
    "#EXT-X-PLAYLIST-TYPE:VOD",
    `#EXTINF:${durationSeconds.toFixed(6)},`,
    `${track}.vtt`,
    "#EXT-X-ENDLIST",
    ""
  ].join("\n")
