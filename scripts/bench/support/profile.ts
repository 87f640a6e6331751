/** CPU profile summaries for the profiling scripts: self time per function and per package. */
import { type Profiler, type Runtime } from "node:inspector/promises"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { progress } from "../report.js"

export const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../../..")

/** `node_modules/@scope/name` or `node_modules/name`, the project file, or V8's pseudo-frames. */
export const owner = (url: string, functionName: string): string => {
  if (url === "") return functionName.startsWith("(") ? functionName : `(native) ${functionName}`
  const path = url.startsWith("file://") ? fileURLToPath(url) : url
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)
  if (match?.[1] !== undefined) return match[1]
  if (path.startsWith("node:")) return "node (core)"
  return Path.relative(root, path)
}

export const location = (frame: Runtime.CallFrame): string => {
  if (frame.url === "") return ""
  const path = frame.url.startsWith("file://") ? fileURLToPath(frame.url) : frame.url
  const short = path.includes("node_modules/") ? path.slice(path.lastIndexOf("node_modules/") + 13) : Path.relative(root, path)
  return `${short}:${frame.lineNumber + 1}`
}

/** Self time in ms per key, from the samples and their time deltas (µs). */
export const selfTimes = (profile: Profiler.Profile, key: (frame: Runtime.CallFrame) => string) => {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const totals = new Map<string, number>()
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  samples.forEach((id, i) => {
    const node = nodes.get(id)
    if (node === undefined) return
    const k = key(node.callFrame)
    totals.set(k, (totals.get(k) ?? 0) + (deltas[i] ?? 0) / 1000)
  })
  return [...totals.entries()].sort((a, b) => b[1] - a[1])
}

export const table = (title: string, rows: ReadonlyArray<readonly [string, number]>, busyMs: number, limit: number) => {
  progress(title)
  for (const [name, ms] of rows.slice(0, limit)) {
    progress(`  ${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / busyMs).toFixed(1).padStart(5)}%  ${name}`)
  }
}


/** Inclusive time in ms per key: each sample counts once for every distinct key on its stack. */
export const totalTimes = (profile: Profiler.Profile, key: (frame: Runtime.CallFrame) => string | undefined) => {
  const parents = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id)
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const totals = new Map<string, number>()
  const deltas = profile.timeDeltas ?? []
  ;(profile.samples ?? []).forEach((id, i) => {
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const frame = nodes.get(at)?.callFrame
      const k = frame === undefined ? undefined : key(frame)
      if (k !== undefined) seen.add(k)
    }
    for (const k of seen) totals.set(k, (totals.get(k) ?? 0) + (deltas[i] ?? 0) / 1000)
  })
  return [...totals.entries()].sort((a, b) => b[1] - a[1])
}
