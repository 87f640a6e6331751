/**
 * Small real video files made with ffmpeg, for scanner, probe and streaming tests.
 *
 *   const { mp4, hevcMkv, multiTrackMkv, srt, dir } = yield* TestMedia.files
 *
 * Files live in `<os.tmpdir()>/mediaserver-test-media-<hash of the recipe>/` and are reused by later calls,
 * test files and runs; change the recipe and the hash (so the directory) changes. Each file is written
 * under a temporary name and then linked into place, so a parallel test file never sees a half-written one.
 * Treat the files as read-only: copy them if a test needs to move, rename or delete.
 */
import { execFile } from "node:child_process"
import { createHash } from "node:crypto"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { Config, Data, Effect, Schema } from "effect"

export class TestMediaError extends Data.TaggedError("TestMediaError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

export interface TestMediaFiles {
  /** H.264 + AAC stereo, 640x360, 30 fps, 5 s, a keyframe every 2 s (0, 2, 4). */
  readonly mp4: string
  /** HEVC (libx265) + AAC in Matroska, same picture and length. */
  readonly hevcMkv: string
  /** H.264 + AAC `eng` + AAC `fra` + SubRip `eng`, in Matroska. */
  readonly multiTrackMkv: string
  /** The SubRip file muxed into multiTrackMkv, also present as its sidecar (`multitrack.en.srt`). */
  readonly srt: string
  readonly dir: string
}

/** `FFMPEG_PATH`, else `ffmpeg` on PATH. */
export const ffmpegPath: Effect.Effect<string, TestMediaError> = Config.string("FFMPEG_PATH").pipe(
  Config.withDefault("ffmpeg"),
  Effect.mapError((cause) => new TestMediaError({ message: "cannot read FFMPEG_PATH", cause }))
)

/** `FFPROBE_PATH`, else `ffprobe` on PATH. */
export const ffprobePath: Effect.Effect<string, TestMediaError> = Config.string("FFPROBE_PATH").pipe(
  Config.withDefault("ffprobe"),
  Effect.mapError((cause) => new TestMediaError({ message: "cannot read FFPROBE_PATH", cause }))
)

/** Runs a binary and returns its stdout; fails with its stderr. Interrupting kills the process. */
export const exec = (binary: string, args: ReadonlyArray<string>): Effect.Effect<string, TestMediaError> =>
  Effect.async<string, TestMediaError>((resume) => {
    const child = execFile(binary, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resume(
        error === null
          ? Effect.succeed(stdout)
          : Effect.fail(new TestMediaError({ message: `${binary} failed: ${stderr.trim() || error.message}`, cause: error }))
      )
    })
    return Effect.sync(() => child.kill("SIGKILL"))
  })

// ---------------------------------------------------------------------------------------------------------
// Recipe

const SRT = [
  "1",
  "00:00:00,500 --> 00:00:02,000",
  "Hello from the test subtitle.",
  "",
  "2",
  "00:00:02,500 --> 00:00:04,500",
  "Second line, still English.",
  ""
].join("\n")

const DURATION = 5
const picture = ["-f", "lavfi", "-i", `testsrc2=size=640x360:rate=30:duration=${DURATION}`]
const tone = (hz: number) => ["-f", "lavfi", "-i", `sine=frequency=${hz}:duration=${DURATION}`]
// GOP of 60 frames at 30 fps = a keyframe every 2 s, never on scene changes: segmenters rely on it.
const h264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "60", "-keyint_min", "60",
  "-sc_threshold", "0"]
const aac = ["-c:a", "aac", "-ac", "2", "-b:a", "96k"]

interface Output {
  readonly name: string
  /** ffmpeg arguments before the output path; `{srt}` stands for the subtitle file path. */
  readonly args: ReadonlyArray<string>
}

const OUTPUTS = {
  mp4: {
    name: "h264-aac.mp4",
    args: [...picture, ...tone(440), "-map", "0:v", "-map", "1:a", ...h264, ...aac, "-movflags", "+faststart",
      "-f", "mp4"]
  },
  hevcMkv: {
    name: "hevc-aac.mkv",
    args: [...picture, ...tone(440), "-map", "0:v", "-map", "1:a", "-c:v", "libx265", "-preset", "ultrafast",
      "-pix_fmt", "yuv420p", "-x265-params", "log-level=error:keyint=60:min-keyint=60:scenecut=0", ...aac,
      "-f", "matroska"]
  },
  multiTrackMkv: {
    name: "multitrack.mkv",
    args: [...picture, ...tone(440), ...tone(660), "-i", "{srt}", "-map", "0:v", "-map", "1:a", "-map", "2:a",
      "-map", "3:s", ...h264, ...aac, "-c:s", "srt", "-metadata:s:a:0", "language=eng", "-metadata:s:a:0",
      "title=English", "-metadata:s:a:1", "language=fra", "-metadata:s:a:1", "title=Français",
      "-metadata:s:s:0", "language=eng", "-f", "matroska"]
  }
} satisfies Record<string, Output>

const SRT_NAME = "multitrack.en.srt"

const recipeHash = createHash("sha256")
  .update(JSON.stringify({ OUTPUTS, SRT, SRT_NAME }))
  .digest("hex")
  .slice(0, 12)

/** The cache directory for the current recipe (it may not exist yet). */
export const mediaDir: string = Path.join(Os.tmpdir(), `mediaserver-test-media-${recipeHash}`)

// ---------------------------------------------------------------------------------------------------------
// Generation

const fsError = (message: string) => (cause: unknown) => new TestMediaError({ message, cause })

const isReady = (path: string): Effect.Effect<boolean> =>
  Effect.promise(() => Fs.stat(path).then((stat) => stat.isFile() && stat.size > 0, () => false))

// Hard-links a finished temp file into place. Unlike rename, link never replaces: when two test files
// race, the first one wins and the file (and its mtime) never changes under a reader.
const publish = (tmp: string, path: string): Effect.Effect<void, TestMediaError> =>
  Effect.tryPromise({
    try: () => Fs.link(tmp, path).catch((error: unknown) => isExists(error) ? undefined : Promise.reject(error)),
    catch: fsError(`cannot publish ${tmp} as ${path}`)
  })

const isExists = (error: unknown): boolean =>
  error instanceof Error && "code" in error && error.code === "EEXIST"

// Writes through `write(tmp)` then publishes it as `path`; a complete file already there is kept.
const ensureFile = (
  path: string,
  write: (tmp: string) => Effect.Effect<void, TestMediaError>
): Effect.Effect<string, TestMediaError> =>
  Effect.gen(function*() {
    if (yield* isReady(path)) return path
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
    yield* write(tmp).pipe(
      Effect.zipRight(publish(tmp, path)),
      Effect.ensuring(Effect.promise(() => Fs.rm(tmp, { force: true })))
    )
    return path
  })

const generate: Effect.Effect<TestMediaFiles, TestMediaError> = Effect.gen(function*() {
  const ffmpeg = yield* ffmpegPath
  yield* Effect.tryPromise({
    try: () => Fs.mkdir(mediaDir, { recursive: true }),
    catch: fsError(`cannot create ${mediaDir}`)
  })
  const srt = yield* ensureFile(
    Path.join(mediaDir, SRT_NAME),
    (tmp) => Effect.tryPromise({ try: () => Fs.writeFile(tmp, SRT), catch: fsError(`cannot write ${tmp}`) })
  )
  const encode = (output: Output) =>
    ensureFile(Path.join(mediaDir, output.name), (tmp) =>
      exec(ffmpeg, [
        "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
        ...output.args.map((arg) => (arg === "{srt}" ? srt : arg)),
        tmp
      ]).pipe(Effect.asVoid))
  // Two at a time: the CI machine has two cores and libx265 is the slow one.
  const [mp4, hevcMkv, multiTrackMkv] = yield* Effect.all(
    [encode(OUTPUTS.mp4), encode(OUTPUTS.hevcMkv), encode(OUTPUTS.multiTrackMkv)],
    { concurrency: 2 }
  )
  return { mp4, hevcMkv, multiTrackMkv, srt, dir: mediaDir }
})

// ---------------------------------------------------------------------------------------------------------
// Probing (for assertions in tests)

export const ProbeStream = Schema.Struct({
  index: Schema.Number,
  codec_type: Schema.String,
  codec_name: Schema.optional(Schema.String),
  width: Schema.optional(Schema.Number),
  height: Schema.optional(Schema.Number),
  channels: Schema.optional(Schema.Number),
  tags: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String }))
})

export const Probe = Schema.Struct({
  streams: Schema.Array(ProbeStream),
  format: Schema.Struct({
    format_name: Schema.String,
    duration: Schema.optional(Schema.String)
  })
})
export type Probe = typeof Probe.Type

/** `ffprobe -show_streams -show_format` as JSON, decoded to the fields tests usually need. */
export const probe = (file: string): Effect.Effect<Probe, TestMediaError> =>
  Effect.gen(function*() {
    const ffprobe = yield* ffprobePath
    const out = yield* exec(ffprobe, ["-v", "error", "-print_format", "json", "-show_streams", "-show_format", file])
    return yield* Schema.decodeUnknown(Schema.parseJson(Probe))(out).pipe(
      Effect.mapError((cause) => new TestMediaError({ message: `unexpected ffprobe output for ${file}`, cause }))
    )
  })

export const TestMedia = {
  /** Generates (first time) or reuses the test media set. */
  files: generate,
  probe,
  exec,
  ffmpegPath,
  ffprobePath,
  dir: mediaDir
}
