/**
 * Where a session's HLS segments start and end, and which files ffmpeg writes for each. A transcode
 * forces a keyframe every `segmentSeconds`, so its segments are fixed and one file each. A stream copy
 * can only be cut at the source's keyframes: its segments start at real keyframes (read once per file)
 * with their true durations, and ffmpeg writes one file per keyframe interval (numbered by keyframe),
 * a segment being the files of its keyframes. So a restarted run, from any segment, writes the same
 * files a run from the start would, and no segment repeats another's content.
 */
import { Schema } from "effect"

/** A segment start: its time in seconds and the number of its keyframe (its first file). */
export const Cut = Schema.Tuple(Schema.Number, Schema.Int)
export type Cut = typeof Cut.Type

/**
 * Segment starts from keyframe times (seconds from the start, ascending): each segment is at least
 * `target` seconds long where the keyframes allow, and a last entry closes the series at `duration`
 * with the keyframe count (one past the last file).
 */
export const cutsFrom = (keyframes: ReadonlyArray<number>, target: number, duration: number): ReadonlyArray<Cut> => {
  // Keyframes at or past the end (a rounding of the last frame) start nothing.
  const usable = keyframes.filter((t) => t < duration)
  const cuts: Array<Cut> = [[0, 0]]
  let last = 0
  for (let k = 1; k < usable.length; k++) {
    const at = usable[k] ?? 0
    if (at - last >= target - 1e-6) {
      cuts.push([at, k])
      last = at
    }
  }
  cuts.push([duration, Math.max(1, usable.length)])
  return cuts
}

export interface Layout {
  readonly count: number
  readonly start: (segment: number) => number
  readonly duration: (segment: number) => number
  /** The ffmpeg files of a segment: from (inclusive) to (exclusive). */
  readonly files: (segment: number) => readonly [number, number]
  /** The segment a file belongs to (`count` for one past the last file). */
  readonly segmentOfFile: (file: number) => number
  /** The segment holding a time: the one starting at or before it. */
  readonly segmentAt: (seconds: number) => number
  /** Cut at the source's keyframes (a copy) rather than at fixed times. */
  readonly keyframed: boolean
  readonly longest: number
}

export const segmentCount = (durationSeconds: number, segmentSeconds: number) =>
  Math.max(1, Math.ceil(durationSeconds / segmentSeconds - 1e-6))

const fixed = (duration: number, seconds: number): Layout => {
  const count = segmentCount(duration, seconds)
  const clamp = (i: number) => Math.min(Math.max(0, i), count - 1)
  return {
    count,
    start: (i) => i * seconds,
    duration: (i) => Math.max(Math.min(seconds, duration - i * seconds), 0.001),
    files: (i) => [i, i + 1],
    segmentOfFile: (f) => f,
    segmentAt: (t) => clamp(Math.floor(t / seconds)),
    keyframed: false,
    longest: seconds
  }
}

/** The largest index whose value is at or below `x` (values ascending); 0 when none is. */
const floorIndex = (values: ReadonlyArray<number>, x: number) => {
  let lo = 0
  let hi = values.length - 1
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if ((values[mid] ?? Infinity) <= x) lo = mid
    else hi = mid - 1
  }
  return lo
}

const keyframed = (cuts: ReadonlyArray<Cut>): Layout => {
  const times = cuts.map((c) => c[0])
  const keys = cuts.map((c) => c[1])
  const count = cuts.length - 1
  const at = (i: number) => cuts[i] ?? [times.at(-1) ?? 0, keys.at(-1) ?? 0]
  const duration = (i: number) => Math.max(at(i + 1)[0] - at(i)[0], 0.001)
  return {
    count,
    start: (i) => at(i)[0],
    duration,
    files: (i) => [at(i)[1], at(i + 1)[1]],
    segmentOfFile: (f) => floorIndex(keys, f),
    segmentAt: (t) => Math.min(floorIndex(times, t), count - 1),
    keyframed: true,
    longest: Math.max(...Array.from({ length: count }, (_, i) => duration(i)))
  }
}

/** A session's layout: its keyframe cuts when it has them (a copy), else fixed segments. */
export const layoutOf = (durationSeconds: number, segmentSeconds: number, cuts: ReadonlyArray<Cut>): Layout =>
  cuts.length >= 2 ? keyframed(cuts) : fixed(durationSeconds, segmentSeconds)
