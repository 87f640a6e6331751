/**
 * The keyframe times of a file's video stream, from its packets' flags (demuxing only, no decoding:
 * a feature film takes a second or two). Times are seconds from the file's start time, ascending,
 * as ffmpeg places them on output.
 */
import { ProbeFailed, ProbeUnavailable } from "@mediaserver/domain"
import { Effect } from "effect"
import { runToCompletion } from "../system/Process.js"
import { mediaInput } from "./Disc.js"

// A packet line is ~40 bytes: this holds a day of 60 fps video.
const MAX_OUTPUT = 256 * 1024 * 1024

/** Parses ffprobe's `compact` output of `packet=pts_time,flags` and `format=start_time`. */
export const parseKeyframes = (output: string): ReadonlyArray<number> => {
  let start = 0
  const times: Array<number> = []
  for (const line of output.split("\n")) {
    const fields = new Map(line.split("|").slice(1).map((f) => {
      const at = f.indexOf("=")
      return [f.slice(0, at), f.slice(at + 1)] as const
    }))
    if (line.startsWith("format|")) {
      const value = Number(fields.get("start_time"))
      if (Number.isFinite(value)) start = value
    } else if (line.startsWith("packet|") && (fields.get("flags") ?? "").startsWith("K")) {
      const value = Number(fields.get("pts_time"))
      if (Number.isFinite(value)) times.push(value)
    }
  }
  const sorted = [...new Set(times.map((t) => Math.max(0, Math.round((t - start) * 1e6) / 1e6)))].sort((a, b) => a - b)
  return sorted
}

export const readKeyframes = (binary: string, path: string, stream: number) =>
  runToCompletion({
    binary,
    args: [
      "-v", "error", "-select_streams", String(stream),
      "-show_entries", "packet=pts_time,flags:format=start_time", "-of", "compact",
      mediaInput(path)
    ],
    maxOutput: MAX_OUTPUT,
    cannotStart: (message) => new ProbeUnavailable({ binary, message }),
    failed: (stderr, status) => new ProbeFailed({ path, message: stderr.trim().split("\n").at(-1) || status })
  }).pipe(Effect.map(parseKeyframes), Effect.withSpan("readKeyframes", { attributes: { path } }))
