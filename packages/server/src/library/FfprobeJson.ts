/**
 * ffprobe's JSON (`-show_format -show_streams`) and its mapping to `MediaInfo`. Pure, so every rule is
 * unit-testable. The schema lists only what we read: other fields are ignored, missing ones absent.
 * ffprobe prints integers as numbers and everything else (durations, rates, sizes) as strings.
 */
import { type HdrFormat, AudioStream, MediaInfo, SubtitleStream, VideoStream } from "@mediaserver/domain"
import { Either, Schema } from "effect"
import { normaliseLanguage } from "@mediaserver/domain"

const SideData = Schema.Struct({ side_data_type: Schema.optional(Schema.String) })
const SideDataList = Schema.optional(Schema.Array(SideData))
const Tags = Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String }))

export const FfprobeStream = Schema.Struct({
  index: Schema.Number,
  codec_type: Schema.optional(Schema.String),
  codec_name: Schema.optional(Schema.String),
  codec_tag_string: Schema.optional(Schema.String),
  profile: Schema.optional(Schema.String),
  width: Schema.optional(Schema.Number),
  height: Schema.optional(Schema.Number),
  pix_fmt: Schema.optional(Schema.String),
  bits_per_raw_sample: Schema.optional(Schema.String),
  color_transfer: Schema.optional(Schema.String),
  avg_frame_rate: Schema.optional(Schema.String),
  r_frame_rate: Schema.optional(Schema.String),
  channels: Schema.optional(Schema.Number),
  channel_layout: Schema.optional(Schema.String),
  duration: Schema.optional(Schema.String),
  disposition: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Number })),
  tags: Tags,
  side_data_list: SideDataList
})
export type FfprobeStream = typeof FfprobeStream.Type

export const FfprobeOutput = Schema.Struct({
  streams: Schema.optionalWith(Schema.Array(FfprobeStream), { default: () => [] }),
  format: Schema.optional(Schema.Struct({
    format_name: Schema.optional(Schema.String),
    duration: Schema.optional(Schema.String),
    size: Schema.optional(Schema.String),
    bit_rate: Schema.optional(Schema.String),
    tags: Tags
  }))
})
export type FfprobeOutput = typeof FfprobeOutput.Type

/** `-show_frames` of the first video frame: HDR10+ metadata lives on frames, not on the stream. */
export const FfprobeFrames = Schema.Struct({
  frames: Schema.optionalWith(Schema.Array(Schema.Struct({ side_data_list: SideDataList })), { default: () => [] })
})

// ---------------------------------------------------------------------------------------------------------

const finite = (raw: string | undefined): number | null => {
  if (raw === undefined) return null
  const n = Number(raw)
  return raw.trim() !== "" && Number.isFinite(n) ? n : null
}

/** `30000/1001` → 29.97; `0/0` (unknown) → null. */
export const frameRate = (raw: string | undefined): number | null => {
  const [num, den] = (raw ?? "").split("/").map(Number)
  if (num === undefined || den === undefined || !(num > 0) || !(den > 0)) return null
  return Math.round((num / den) * 1000) / 1000
}

/** Matroska's `tags.DURATION`: `00:00:05.023000000`. */
const clockMs = (raw: string | undefined): number | null => {
  const match = raw?.match(/^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/)
  if (match === null || match === undefined) return null
  return Math.round((Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3])) * 1000)
}

// Tag keys vary in case by container (`language` in MP4, sometimes `LANGUAGE` in Matroska).
const tag = (tags: Readonly<Record<string, string>> | undefined, key: string): string | undefined => {
  if (tags === undefined) return undefined
  return tags[key] ?? Object.entries(tags).find(([k]) => k.toLowerCase() === key)?.[1]
}

const flag = (stream: FfprobeStream, name: string): boolean => (stream.disposition?.[name] ?? 0) === 1

const nonEmpty = (value: string | undefined): string | null => (value === undefined || value.trim() === "" ? null : value)

/** The number of bits per sample: ffprobe's own when given, else read off the pixel format. */
export const bitDepth = (stream: FfprobeStream): number | null => {
  const raw = finite(stream.bits_per_raw_sample)
  if (raw !== null && raw > 0) return raw
  if (stream.pix_fmt === undefined) return null
  const deep = stream.pix_fmt.match(/p(9|10|12|14|16)(le|be)$/)
  return deep === null ? 8 : Number(deep[1])
}

const DOLBY_VISION_TAGS = new Set(["dvh1", "dvhe", "dva1", "dvav", "dav1"])

/**
 * Dolby Vision (a DOVI configuration record, or a DV codec tag) wins over HDR10+ (dynamic metadata
 * on frames), which wins over the transfer function: PQ is HDR10, ARIB STD-B67 is HLG.
 */
export const hdrFormat = (stream: FfprobeStream, frameSideData: ReadonlyArray<string> = []): HdrFormat => {
  const sideData = [...(stream.side_data_list ?? []).flatMap((s) => s.side_data_type ?? []), ...frameSideData]
  if (sideData.some((type) => /DOVI configuration/i.test(type))) return "dolby_vision"
  if (DOLBY_VISION_TAGS.has(stream.codec_tag_string ?? "")) return "dolby_vision"
  if (sideData.some((type) => /HDR10\+|SMPTE ?2094-40/i.test(type))) return "hdr10plus"
  if (stream.color_transfer === "smpte2084") return "hdr10"
  if (stream.color_transfer === "arib-std-b67") return "hlg"
  return "sdr"
}

/** Whether HDR10+ is possible, so the first frame is worth a look: PQ without Dolby Vision. */
export const mayBeHdr10Plus = (stream: FfprobeStream): boolean => hdrFormat(stream) === "hdr10"

/** The main picture: the first video stream with a size that is not cover art. */
export const mainVideo = (output: FfprobeOutput): FfprobeStream | undefined =>
  output.streams.find((s) =>
    s.codec_type === "video" && !flag(s, "attached_pic") && (s.width ?? 0) > 0 && (s.height ?? 0) > 0
  )

/** Short container names for the families ffprobe lumps together; the extension tells them apart. */
export const containerName = (formatName: string, path: string): string => {
  const ext = path.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? ""
  const first = formatName.split(",")[0] ?? formatName
  if (formatName.includes("matroska")) return ext === "webm" ? "webm" : "mkv"
  if (formatName.includes("mp4")) return ext === "mov" ? "mov" : "mp4"
  if (first === "mpegts") return "ts"
  return first
}

const codecOf = (stream: FfprobeStream): string => stream.codec_name ?? nonEmpty(stream.codec_tag_string) ?? "unknown"

const video = (stream: FfprobeStream, frameSideData: ReadonlyArray<string>): VideoStream =>
  new VideoStream({
    index: stream.index,
    codec: codecOf(stream),
    profile: nonEmpty(stream.profile),
    width: stream.width ?? 0,
    height: stream.height ?? 0,
    frameRate: frameRate(stream.avg_frame_rate) ?? frameRate(stream.r_frame_rate),
    bitDepth: bitDepth(stream),
    hdr: hdrFormat(stream, frameSideData),
    pixelFormat: nonEmpty(stream.pix_fmt)
  })

const audio = (stream: FfprobeStream): AudioStream =>
  new AudioStream({
    index: stream.index,
    codec: codecOf(stream),
    channels: stream.channels ?? null,
    channelLayout: nonEmpty(stream.channel_layout),
    language: normaliseLanguage(tag(stream.tags, "language")),
    title: nonEmpty(tag(stream.tags, "title")),
    default: flag(stream, "default")
  })

const subtitle = (stream: FfprobeStream): SubtitleStream =>
  new SubtitleStream({
    index: stream.index,
    codec: codecOf(stream),
    language: normaliseLanguage(tag(stream.tags, "language")),
    title: nonEmpty(tag(stream.tags, "title")),
    default: flag(stream, "default"),
    forced: flag(stream, "forced"),
    external: false,
    path: null
  })

// Matroska streams carry no `duration`, only `tags.DURATION`; the format's duration comes first anyway.
const durationMs = (output: FfprobeOutput): number | null => {
  const seconds = finite(output.format?.duration)
  if (seconds !== null) return Math.round(seconds * 1000)
  const streams = output.streams.flatMap((s) => {
    const ms = finite(s.duration)
    return ms !== null ? [Math.round(ms * 1000)] : (clockMs(tag(s.tags, "duration")) ?? [])
  })
  return streams.length === 0 ? null : Math.max(...streams)
}

/**
 * The probe result, or why the output is not a media file: no format, or neither picture nor sound
 * (ffprobe reads some text and image files as "media" with one odd stream).
 */
export const toMediaInfo = (
  output: FfprobeOutput,
  path: string,
  frameSideData: ReadonlyArray<string> = []
): Either.Either<MediaInfo, string> => {
  const format = output.format
  if (format?.format_name === undefined) return Either.left("ffprobe found no container format")
  const main = mainVideo(output)
  const audioStreams = output.streams.filter((s) => s.codec_type === "audio")
  if (main === undefined && audioStreams.length === 0) return Either.left("no video or audio stream")
  return Either.right(new MediaInfo({
    container: containerName(format.format_name, path),
    durationMs: durationMs(output),
    bitrate: finite(format.bit_rate),
    sizeBytes: finite(format.size),
    video: main === undefined ? null : video(main, frameSideData),
    audio: audioStreams.map(audio),
    subtitles: output.streams.filter((s) => s.codec_type === "subtitle").map(subtitle)
  }))
}
