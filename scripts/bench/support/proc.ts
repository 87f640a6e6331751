/**
 * What a server process holds, read from /proc (Linux; empty or NaN elsewhere): resident memory, open
 * file descriptors, and the processes below it (to find ffmpeg it left behind).
 */
import * as Fs from "node:fs/promises"
import { Effect } from "effect"

const read = (path: string) => Effect.promise(() => Fs.readFile(path, "utf8").catch(() => ""))

/** Resident set size in MB (VmRSS), NaN if the process is gone. */
export const rssMb = (pid: number): Effect.Effect<number> =>
  Effect.map(read(`/proc/${pid}/status`), (status) => {
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]
    return kb === undefined ? Number.NaN : Number(kb) / 1024
  })

/** Open file descriptors (entries of /proc/PID/fd), NaN if the process is gone. */
export const fdCount = (pid: number): Effect.Effect<number> =>
  Effect.promise(() => Fs.readdir(`/proc/${pid}/fd`).then((fds) => fds.length, () => Number.NaN))

export interface ProcessInfo {
  readonly pid: number
  readonly ppid: number
  /** The executable's name as the kernel knows it (`comm`, 15 characters at most). */
  readonly name: string
  /** State letter: R, S, T (stopped), Z (zombie, exited but not reaped), ... */
  readonly state: string
}

const processInfo = (pid: number) =>
  Effect.map(read(`/proc/${pid}/stat`), (stat): ReadonlyArray<ProcessInfo> => {
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split at the last ")".
    const open = stat.indexOf("(")
    const close = stat.lastIndexOf(")")
    if (open < 0 || close < 0) return []
    const [state = "?", ppid = "0"] = stat.slice(close + 2).split(" ")
    return [{ pid, ppid: Number(ppid), name: stat.slice(open + 1, close), state }]
  })

/** Every live process below `root` (children, their children, ...), zombies included. */
export const descendants = (root: number): Effect.Effect<ReadonlyArray<ProcessInfo>> =>
  Effect.gen(function* () {
    const pids = yield* Effect.promise(() => Fs.readdir("/proc").catch(() => []))
    const all = (yield* Effect.forEach(pids.filter((p) => /^\d+$/.test(p)), (p) => processInfo(Number(p)), { concurrency: 16 })).flat()
    const below = new Set([root])
    // Parents are not always listed before their children: repeat until nothing is added.
    for (let added = true; added;) {
      added = false
      for (const p of all) {
        if (!below.has(p.pid) && below.has(p.ppid)) {
          below.add(p.pid)
          added = true
        }
      }
    }
    return all.filter((p) => p.pid !== root && below.has(p.pid))
  })

/** Open descriptors by what they point at (`socket`, `pipe`, `anon_inode:[eventfd]`, files by folder: `/data/pg/base/5/*`). */
export const fdKinds = (pid: number): Effect.Effect<ReadonlyMap<string, number>> =>
  Effect.promise(async () => {
    const kinds = new Map<string, number>()
    const fds = await Fs.readdir(`/proc/${pid}/fd`).catch(() => [])
    for (const fd of fds) {
      const target = await Fs.readlink(`/proc/${pid}/fd/${fd}`).catch(() => "gone")
      // Sockets and pipes by kind, files by folder (a database keeps one file per table open).
      const kind = target.replace(/^(socket|pipe):\[\d+\]$/, "$1").replace(/^(\/.*\/)[^/]+$/, "$1*")
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1)
    }
    return kinds
  })

/** What changed between two `fdKinds` readings, e.g. `socket +3, /data/pg/base/5/* -1`. */
export const fdChanges = (before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>) =>
  [...new Set([...before.keys(), ...after.keys()])]
    .map((kind) => [kind, (after.get(kind) ?? 0) - (before.get(kind) ?? 0)] as const)
    .filter(([, delta]) => delta !== 0)
    .map(([kind, delta]) => `${kind} ${delta > 0 ? "+" : ""}${delta}`)
    .join(", ")
