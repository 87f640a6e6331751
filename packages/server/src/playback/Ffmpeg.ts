/**
 * ffmpeg for playback: the arguments of one HLS run (a variant from a segment on) and the process
 * itself (suspend/resume for throttling, kill). A run starts at a segment boundary: the input is
 * seeked there and the output timestamps shifted back (`-output_ts_offset`), so a restarted run's
 * segments line up with the playlist. Encoded video gets a keyframe at every boundary; copied video
 * is cut at every source keyframe (one file per keyframe, see Layout).
 */
import type { AudioStream, SegmentFormat, VideoStream } from "@mediaserver/domain"
import { Unavailable } from "@mediaserver/domain"
import { Deferred, Effect } from "effect"
import * as Path from "node:path"
import type { Variant } from "./Decision.js"
import { mediaInput } from "../library/Disc.js"
import { runForBytes, runToCompletion } from "../system/Process.js"
import { spawnTool } from "../system/Spawner.js"
import { avcLevel } from "./Playlists.js"

export interface HlsRun {
  readonly input: string
  readonly video: VideoStream
  readonly audio: AudioStream | null
  readonly variant: Variant
  readonly copyAudio: boolean
  readonly downmix: boolean
  /** An embedded image subtitle stream (its index in the file) to burn in. */
  readonly burnStream: number | null
  /** Where the run starts (a segment start) and the number of its first file. */
  readonly startSeconds: number
  readonly startNumber: number
  readonly segmentSeconds: number
  /** Copied video cut at every source keyframe (a keyframed layout), else every `segmentSeconds`. */
  readonly keyframed: boolean
  readonly format: SegmentFormat
  readonly dir: string
  readonly preset: string
  /** The packaged ffmpeg (a 2018 build): its HLS muxer needs `LEGACY_EVERY_KEYFRAME`. */
  readonly legacyHls: boolean
}

const level = (n: number) => `${Math.floor(n / 10)}.${n % 10}`

/**
 * A copy seeks a little past its keyframe (an input seek lands on the keyframe at or before the time,
 * so rounding can never land on the one before), and shifts its output by a constant second: a run
 * from the start otherwise moves its timestamps by its first negative decode time (B-frames, audio
 * priming), which a seeked run lacks, and restarted runs would not line up with it.
 */
const COPY_SEEK_PAST = 0.005
const COPY_TS_BASE = 1
/** Below any keyframe interval: the HLS muxer then cuts at every keyframe. */
const EVERY_KEYFRAME = "0.001"
/**
 * The 2018 muxer measures from the first packet of any stream: audio that starts before the first
 * keyframe (AAC priming, B-frame delay: up to about 0.1 s) made it cut an empty first file. Above
 * that lead and below the keyframe intervals of nearly every file (only keyframes closer than this,
 * as in all-intra video, would share a file).
 */
const LEGACY_EVERY_KEYFRAME = "0.25"

export const hlsArgs = (run: HlsRun): ReadonlyArray<string> => {
  const { variant } = run
  const start = run.startSeconds > 0 ? run.startSeconds + (run.keyframed ? COPY_SEEK_PAST : 0) : 0
  const offset = start + (run.keyframed ? COPY_TS_BASE : 0)
  const scale = variant.height !== run.video.height || variant.width !== run.video.width
    ? `scale=${variant.width}:${variant.height}`
    : null
  const picture = run.burnStream === null
    ? ["-map", `0:${run.video.index}`, ...(scale === null ? [] : ["-vf", scale])]
    : ["-filter_complex", `[0:${run.video.index}][0:${run.burnStream}]overlay${scale === null ? "" : `,${scale}`}[v]`, "-map", "[v]"]
  const video = variant.copy
    ? ["-c:v", "copy", ...(run.video.codec === "hevc" ? ["-tag:v", "hvc1"] : [])]
    : [
      "-c:v", "libx264", "-preset", run.preset, "-profile:v", "high",
      "-level:v", level(avcLevel(variant.width, variant.height, run.video.frameRate)), "-pix_fmt", "yuv420p",
      "-b:v", String(variant.bitrate), "-maxrate", String(variant.bitrate), "-bufsize", String(variant.bitrate * 2),
      "-force_key_frames", `expr:gte(t,n_forced*${run.segmentSeconds})`, "-sc_threshold", "0"
    ]
  const audio = run.audio === null
    ? ["-an"]
    : ["-map", `0:${run.audio.index}`, ...(run.copyAudio ? ["-c:a", "copy"] : ["-c:a", "aac", "-b:a", "128k"]),
      // Copied audio is already what the client takes (the decision encodes it when a downmix is needed).
      ...(run.downmix && !run.copyAudio ? ["-ac", "2"] : [])]
  const ext = run.format === "ts" ? "ts" : "m4s"
  return [
    "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
    ...(start > 0 ? ["-ss", String(start)] : []),
    "-i", mediaInput(run.input),
    ...picture, ...video, "-sn", "-dn", ...audio,
    "-max_muxing_queue_size", "1024",
    ...(offset > 0 ? ["-output_ts_offset", String(offset)] : []),
    "-f", "hls", "-hls_time", run.keyframed ? (run.legacyHls ? LEGACY_EVERY_KEYFRAME : EVERY_KEYFRAME) : String(run.segmentSeconds), "-hls_list_size", "0", "-hls_playlist_type", "vod",
    "-hls_segment_type", run.format === "ts" ? "mpegts" : "fmp4",
    ...(run.format === "fmp4" ? ["-hls_fmp4_init_filename", "init.mp4"] : []),
    // Segments appear under their name only once complete.
    "-hls_flags", "temp_file",
    "-start_number", String(run.startNumber),
    "-hls_segment_filename", Path.join(run.dir, `%d.${ext}`),
    Path.join(run.dir, "ffmpeg.m3u8")
  ]
}

/** A text subtitle track (an embedded stream or an external file) as WebVTT on stdout. */
const webvttArgs = (input: string, stream: number | null): ReadonlyArray<string> => [
  "-nostdin", "-hide_banner", "-loglevel", "error",
  "-i", mediaInput(input),
  "-map", stream === null ? "0:s:0" : `0:${stream}`, "-c:s", "webvtt", "-f", "webvtt", "pipe:1"
]

export interface FfmpegProcess {
  readonly pid: number | undefined
  /** Completes with the exit code when the process ends (null: killed by a signal). */
  readonly exited: Deferred.Deferred<number | null>
  readonly stderr: () => string
  /** False once the process has ended. */
  readonly running: () => boolean
  readonly suspended: () => boolean
  /** SIGSTOP / SIGCONT: throttling without losing the encoder's state. */
  readonly suspend: Effect.Effect<void>
  readonly resume: Effect.Effect<void>
  /** SIGKILL (works on a suspended process too) and waits for the exit. */
  readonly kill: Effect.Effect<void>
}

const TAIL = 4096

export const startFfmpeg = (binary: string, args: ReadonlyArray<string>): Effect.Effect<FfmpegProcess> =>
  Effect.gen(function* () {
    const exited = yield* Deferred.make<number | null>()
    const child = spawnTool(binary, args, { stdout: false, stderr: true })
    let tail = ""
    let stopped = false
    let running = true
    child.stderr.on("data", (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-TAIL)
    })
    child.once("error", (error) => {
      tail += `\n${error.message}`
      running = false
      Deferred.unsafeDone(exited, Effect.succeed(-1))
    })
    child.once("exit", (code) => {
      running = false
      Deferred.unsafeDone(exited, Effect.succeed(code))
    })
    const signal = (name: NodeJS.Signals) => Effect.sync(() => void child.kill(name))
    return {
      // Known once the helper has started it (see system/Spawner).
      get pid() {
        return child.pid
      },
      exited,
      stderr: () => tail,
      running: () => running,
      suspended: () => stopped,
      suspend: Effect.zipRight(signal("SIGSTOP"), Effect.sync(() => void (stopped = true))),
      resume: Effect.zipRight(signal("SIGCONT"), Effect.sync(() => void (stopped = false))),
      kill: Effect.zipRight(signal("SIGKILL"), Deferred.await(exited)).pipe(Effect.asVoid)
    }
  })

/** A text subtitle track as WebVTT (small: a film's subtitles are a few hundred KiB). */
export const extractWebvtt = (binary: string, input: string, stream: number | null) =>
  runToCompletion({
    binary,
    args: webvttArgs(input, stream),
    maxOutput: 8 * 1024 * 1024,
    cannotStart: (message) => new Unavailable({ message }),
    failed: (stderr, status) => new Unavailable({ message: `ffmpeg failed (${status}): ${stderr.trim()}` })
  })

export interface AudioSegment {
  readonly input: string
  readonly stream: number
  readonly startSeconds: number
  readonly durationSeconds: number
  /** Copied when HLS carries the codec, else AAC. */
  readonly copy: boolean
}

/**
 * One segment of an alternate audio rendition (a copy session's other tracks) as MPEG-TS on stdout:
 * the same times as the video's segment and the same timestamp base as a copy run, so the player
 * lines the two up. Small and quick (seconds of one audio track): one short ffmpeg per segment.
 */
export const audioSegmentArgs = (a: AudioSegment): ReadonlyArray<string> => [
  "-nostdin", "-hide_banner", "-loglevel", "error",
  ...(a.startSeconds > 0 ? ["-ss", String(a.startSeconds)] : []),
  "-i", mediaInput(a.input),
  "-t", String(a.durationSeconds),
  "-map", `0:${a.stream}`, ...(a.copy ? ["-c:a", "copy"] : ["-c:a", "aac", "-b:a", "128k", "-ac", "2"]), "-vn", "-sn", "-dn",
  "-output_ts_offset", String(a.startSeconds + COPY_TS_BASE),
  "-f", "mpegts", "pipe:1"
]

export const audioSegment = (binary: string, segment: AudioSegment) =>
  runForBytes({
    binary,
    args: audioSegmentArgs(segment),
    maxOutput: 64 * 1024 * 1024,
    cannotStart: (message) => new Unavailable({ message }),
    failed: (stderr, status) => new Unavailable({ message: `ffmpeg failed (${status}): ${stderr.trim()}` })
  })
