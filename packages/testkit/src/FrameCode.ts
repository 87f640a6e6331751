/**
 * Clips whose every frame carries its number, and a reader of those numbers: a black strip across the
 * top holds ten 32x32 boxes, box i white when bit i of the source frame number is set (up to 1023
 * frames). Blocks that size survive any encode; the reader scales the strip to 10x1 pixels (each the
 * average of one box) and reads each as a bit. Comparing the numbers of a stream with its source's
 * tells a frame shown twice or lost.
 */
import { Effect } from "effect"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { TestMedia } from "./TestMedia.js"

const BITS = 10
const BOX = 32

const codeFilter = (): string =>
  [`drawbox=x=0:y=0:w=${BITS * BOX}:h=${BOX}:color=black:t=fill`,
    ...Array.from({ length: BITS }, (_, i) => `drawbox=x=${i * BOX}:y=0:w=${BOX}:h=${BOX}:color=white:t=fill:enable='bitand(n,${2 ** i})'`)
  ].join(",")

export interface CodedClip {
  readonly seconds: number
  readonly rate: number
  /** Frames between keyframes. */
  readonly gop: number
  /** Variable frame rate: every frame for the first 4 s, then every third (a third of the rate). */
  readonly vfr?: boolean
  readonly container: "mp4" | "mkv"
}

/** An H.264 (with B-frames) + AAC clip, 320x180, each frame numbered (see above). */
export const codedClip = (dir: string, name: string, clip: CodedClip) =>
  Effect.gen(function* () {
    const out = Path.join(dir, `${name}.${clip.container}`)
    const select = clip.vfr === true ? ",select='lt(t\\,4)+not(mod(n\\,3))'" : ""
    yield* TestMedia.exec(yield* TestMedia.ffmpegPath, [
      "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
      "-f", "lavfi", "-i", `testsrc2=size=320x180:rate=${clip.rate}:duration=${clip.seconds}`,
      "-f", "lavfi", "-i", `sine=frequency=440:duration=${clip.seconds}`,
      "-vf", codeFilter() + select, ...(clip.vfr === true ? ["-fps_mode", "vfr"] : []),
      "-c:v", "libx264", "-preset", "veryfast", "-bf", "2", "-pix_fmt", "yuv420p", "-g", String(clip.gop),
      "-keyint_min", String(clip.gop), "-sc_threshold", "0", "-c:a", "aac", "-ac", "2", "-shortest", out
    ])
    return out
  })

/** The frame numbers of a video file's frames in presentation order, each decoded frame once. */
export const frameCodes = (path: string) =>
  Effect.gen(function* () {
    const raw = `${path}.codes.gray`
    yield* TestMedia.exec(yield* TestMedia.ffmpegPath, [
      "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", path, "-map", "0:v:0",
      "-vf", `crop=${BITS * BOX}:${BOX}:0:0,scale=${BITS}:1:flags=area`, "-fps_mode", "passthrough",
      "-f", "rawvideo", "-pix_fmt", "gray", raw
    ])
    const bytes = Fs.readFileSync(raw)
    Fs.rmSync(raw, { force: true })
    return Array.from({ length: Math.floor(bytes.length / BITS) }, (_, f) =>
      Array.from({ length: BITS }, (_, i) => ((bytes[f * BITS + i] ?? 0) > 128 ? 2 ** i : 0)).reduce((a, b) => a + b, 0))
  })
