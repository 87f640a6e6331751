/**
 * What probing a media file tells us (ffprobe in server/library/Probe.ts): container, duration, the
 * main video stream, audio tracks, subtitle tracks (embedded, and external files beside the video).
 * Languages are ISO 639-2/T three-letter codes (`eng`, `fra`, `deu`); `null` when unknown (`und`).
 */
import { Schema } from "effect"

export const HdrFormat = Schema.Literal("sdr", "hdr10", "hdr10plus", "hlg", "dolby_vision")
export type HdrFormat = typeof HdrFormat.Type

export class VideoStream extends Schema.Class<VideoStream>("VideoStream")({
  index: Schema.Number,
  codec: Schema.String,
  profile: Schema.NullOr(Schema.String),
  width: Schema.Number,
  height: Schema.Number,
  frameRate: Schema.NullOr(Schema.Number),
  bitDepth: Schema.NullOr(Schema.Number),
  hdr: HdrFormat,
  pixelFormat: Schema.NullOr(Schema.String)
}) {}

export class AudioStream extends Schema.Class<AudioStream>("AudioStream")({
  index: Schema.Number,
  codec: Schema.String,
  channels: Schema.NullOr(Schema.Number),
  channelLayout: Schema.NullOr(Schema.String),
  language: Schema.NullOr(Schema.String),
  title: Schema.NullOr(Schema.String),
  default: Schema.Boolean
}) {}

export class SubtitleStream extends Schema.Class<SubtitleStream>("SubtitleStream")({
  /** The stream index inside the file; `null` for an external file. */
  index: Schema.NullOr(Schema.Number),
  codec: Schema.String,
  language: Schema.NullOr(Schema.String),
  title: Schema.NullOr(Schema.String),
  default: Schema.Boolean,
  forced: Schema.Boolean,
  external: Schema.Boolean,
  /** The subtitle file of an external track; `null` when embedded. */
  path: Schema.NullOr(Schema.String)
}) {}

export class MediaInfo extends Schema.Class<MediaInfo>("MediaInfo")({
  /** `mp4`, `mkv`, `webm`, `mov`, `ts`, `avi`, ... (else ffprobe's first format name). */
  container: Schema.String,
  durationMs: Schema.NullOr(Schema.Number),
  /** Overall bits per second. */
  bitrate: Schema.NullOr(Schema.Number),
  sizeBytes: Schema.NullOr(Schema.Number),
  /** The main video stream (cover art is not one); `null` for audio-only files. */
  video: Schema.NullOr(VideoStream),
  audio: Schema.Array(AudioStream),
  subtitles: Schema.Array(SubtitleStream)
}) {}

/** ffprobe cannot read the file (missing, not media, corrupt). Discard: trying again gives the same. */
export class ProbeFailed extends Schema.TaggedError<ProbeFailed>()("ProbeFailed", {
  path: Schema.String,
  message: Schema.String
}) {
  get family(): "Discard" {
    return "Discard"
  }
}

/** ffprobe did not answer in time (slow disk, network mount). Retryable. */
export class ProbeTimeout extends Schema.TaggedError<ProbeTimeout>()("ProbeTimeout", {
  path: Schema.String,
  timeoutMs: Schema.Number,
  message: Schema.String
}) {
  get family(): "Retryable" {
    return "Retryable"
  }
}

/** ffprobe itself could not be started (not installed, FFPROBE_PATH wrong). Retryable: not the file's fault. */
export class ProbeUnavailable extends Schema.TaggedError<ProbeUnavailable>()("ProbeUnavailable", {
  binary: Schema.String,
  message: Schema.String
}) {
  get family(): "Retryable" {
    return "Retryable"
  }
}
