/**
 * CPU seconds (user + system) a process has used so far, from /proc/PID/stat (Linux; undefined
 * elsewhere). Lets a benchmark report CPU per request, which a busy machine distorts far less than
 * req/s. Clock ticks are assumed to be 100 per second (USER_HZ on every common Linux build).
 */
import * as Fs from "node:fs/promises"
import { Effect, Option } from "effect"

const TICKS_PER_SECOND = 100

export const cpuSeconds = (pid: number): Effect.Effect<Option.Option<number>> =>
  Effect.promise(() => Fs.readFile(`/proc/${pid}/stat`, "utf8").catch(() => "")).pipe(
    Effect.map((stat) => {
      // Fields after the command name (which may contain spaces, hence the last ")"): state is
      // field 3, utime 14 and stime 15 (man 5 proc).
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
      const utime = Number(fields[11])
      const stime = Number(fields[12])
      return stat === "" || !Number.isFinite(utime) || !Number.isFinite(stime)
        ? Option.none()
        : Option.some((utime + stime) / TICKS_PER_SECOND)
    })
  )

/** Runs `effect` and returns its result with the CPU seconds `pid` used meanwhile (if known). */
export const withCpu = <A, E, R>(pid: number, effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const before = yield* cpuSeconds(pid)
    const result = yield* effect
    const after = yield* cpuSeconds(pid)
    return { result, cpuS: Option.zipWith(before, after, (b, a) => a - b) }
  })

/** CPU seconds the whole machine has been busy (all processes, all cores), from /proc/stat. */
export const machineBusySeconds: Effect.Effect<Option.Option<number>> = Effect.promise(() =>
  Fs.readFile("/proc/stat", "utf8").catch(() => "")
).pipe(
  Effect.map((stat) => {
    // First line: "cpu user nice system idle iowait irq softirq steal ..." in clock ticks.
    const ticks = (stat.split("\n")[0] ?? "").trim().split(/\s+/).slice(1).map(Number)
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0)
    const total = ticks.slice(0, 8).reduce((sum, t) => sum + t, 0)
    return ticks.length < 8 || !Number.isFinite(total) ? Option.none() : Option.some((total - idle) / TICKS_PER_SECOND)
  })
)

/** Runs `effect` and returns its result with the machine CPU (ms, all processes) per item of `n`; NaN off Linux. */
export const withMachineCpuPer = <A, E, R>(n: number, effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const before = yield* machineBusySeconds
    const result = yield* effect
    const after = yield* machineBusySeconds
    return { result, cpuMsPer: Option.getOrElse(Option.zipWith(before, after, (b, a) => ((a - b) * 1000) / n), () => Number.NaN) }
  })
