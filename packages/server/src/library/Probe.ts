/**
 * Probing media files with ffprobe (FFPROBE_PATH, else `ffprobe` on PATH) for library scanning.
 * At most `concurrency` ffprobe processes per node (a scan must not fork hundreds), each bounded by
 * `timeout` (a hung network mount must not hold a permit forever); a timeout or an interrupt kills
 * the process. Embedded streams only: external subtitle files are Subtitles.ts.
 */
import { type MediaInfo, ProbeFailed, ProbeTimeout, ProbeUnavailable } from "@mediaserver/domain"
import { Context, Duration, Effect, Either, Layer, Schema } from "effect"
import { AppConfig, probeConcurrency } from "../config/AppConfig.js"
import { runToCompletion } from "../system/Process.js"
import { toolPath } from "../system/ToolPaths.js"
import { mediaInput } from "./Disc.js"
import { FfprobeFrames, FfprobeOutput, mainVideo, mayBeHdr10Plus, toMediaInfo } from "./FfprobeJson.js"

export interface ProbeOptions {
  /** Per file, from the start of ffprobe (waiting for a permit not included). */
  readonly timeout: Duration.DurationInput
  /** ffprobe processes at once on this node (default: PROBE_CONCURRENCY, see `probeConcurrency`). */
  readonly concurrency: number
}

export const defaultProbeTimeout = Duration.seconds(30)

export type ProbeError = ProbeFailed | ProbeTimeout | ProbeUnavailable

// Generous: a file with thousands of chapters or attachments still prints a few hundred KiB.
const MAX_OUTPUT = 16 * 1024 * 1024

/** Runs ffprobe; interrupting kills it. Exit codes are the file's fault, spawn errors are not. */
const run = (binary: string, args: ReadonlyArray<string>, path: string) =>
  runToCompletion({
    binary,
    args,
    maxOutput: MAX_OUTPUT,
    cannotStart: (message) => new ProbeUnavailable({ binary, message }),
    failed: (stderr, status) => {
      const reason = stderr.trim().split("\n").at(-1) ?? ""
      return new ProbeFailed({ path, message: reason === "" ? status : reason })
    }
  })

const decode = <A, I>(schema: Schema.Schema<A, I>, path: string) => (stdout: string) =>
  Schema.decodeUnknown(Schema.parseJson(schema))(stdout).pipe(
    Effect.mapError(() => new ProbeFailed({ path, message: "unreadable ffprobe output" }))
  )

export const makeMediaProbe = (options: Partial<ProbeOptions> = {}) =>
  Effect.gen(function* () {
    const config = yield* AppConfig
    const binary = toolPath(config, "ffprobe")
    const timeout = Duration.decode(options.timeout ?? defaultProbeTimeout)
    const permits = yield* Effect.makeSemaphore(options.concurrency ?? probeConcurrency(config))

    // HDR10+ metadata sits on frames; only PQ streams pay for reading one. Best effort: any failure is "no".
    const frameSideData = (input: string, stream: number, path: string) =>
      run(binary, ["-v", "error", "-print_format", "json", "-select_streams", String(stream), "-read_intervals",
        "%+#1", "-show_frames", input], path).pipe(
        Effect.flatMap(decode(FfprobeFrames, path)),
        Effect.map((out) => out.frames.flatMap((f) => (f.side_data_list ?? []).flatMap((s) => s.side_data_type ?? []))),
        Effect.orElseSucceed((): ReadonlyArray<string> => [])
      )

    const probeOnce = (path: string): Effect.Effect<MediaInfo, ProbeFailed | ProbeUnavailable> =>
      Effect.gen(function* () {
        // `file:` and an absolute path (a name like `concat:...` or `-x.mkv` is never read as anything
        // else), or a disc folder's main title.
        const input = mediaInput(path)
        const output = yield* run(binary, ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", input],
          path).pipe(Effect.flatMap(decode(FfprobeOutput, path)))
        const main = mainVideo(output)
        const frames = main !== undefined && mayBeHdr10Plus(main) ? yield* frameSideData(input, main.index, path) : []
        return yield* Either.match(toMediaInfo(output, path, frames), {
          onLeft: (message) => Effect.fail(new ProbeFailed({ path, message })),
          onRight: Effect.succeed
        })
      })

    const probe = (path: string): Effect.Effect<MediaInfo, ProbeError> =>
      permits.withPermits(1)(
        probeOnce(path).pipe(
          Effect.timeoutFail({
            duration: timeout,
            onTimeout: () =>
              new ProbeTimeout({
                path,
                timeoutMs: Duration.toMillis(timeout),
                message: `ffprobe took longer than ${Duration.format(timeout)}`
              })
          })
        )
      ).pipe(Effect.withSpan("MediaProbe.probe", { attributes: { path } }))

    return { probe }
  })

export class MediaProbe extends Context.Tag("@mediaserver/library/MediaProbe")<
  MediaProbe,
  {
    /** Container, duration, main video, audio and embedded subtitle tracks of one file. */
    readonly probe: (path: string) => Effect.Effect<MediaInfo, ProbeError>
  }
>() {
  static readonly layer = Layer.effect(MediaProbe, makeMediaProbe())
  static readonly layerWith = (options: Partial<ProbeOptions>) => Layer.effect(MediaProbe, makeMediaProbe(options))
}
