/**
 * `npm run bench -- NAME` runs scripts/bench/NAME.ts. Each benchmark prints one JSON line per figure
 * on stdout (see report.ts) and compares against a baseline measured in the same run; there are no
 * pass/fail thresholds. An unknown or missing NAME exits with code 2 and lists the benchmarks.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Cause, type Effect, Exit } from "effect"

export interface BenchModule {
  readonly run: Effect.Effect<void, unknown>
}

const benchmarks = {
  "http-baseline": () => import("./http-baseline.js"),
  auth: () => import("./auth.js"),
  browse: () => import("./browse.js"),
  cache: () => import("./cache.js"),
  jobs: () => import("./jobs.js"),
  scan: () => import("./scan.js"),
  search: () => import("./search.js"),
  playback: () => import("./playback.js"),
  embedded: () => import("./embedded.js"),
  web: () => import("./web.js"),
  events: () => import("./events.js"),
  soak: () => import("./soak.js"),
  cluster: () => import("./cluster.js")
} satisfies Record<string, () => Promise<BenchModule>>

const isBenchmark = (name: string): name is keyof typeof benchmarks => Object.hasOwn(benchmarks, name)

const name = process.argv[2]
if (name === undefined || !isBenchmark(name)) {
  const available = Object.keys(benchmarks).join(", ")
  process.stderr.write(
    name === undefined
      ? `Usage: npm run bench -- NAME\nAvailable benchmarks: ${available}\n`
      : `Unknown benchmark "${name}". Available benchmarks: ${available}\n`
  )
  process.exitCode = 2
} else {
  const bench: BenchModule = await benchmarks[name]()
  // Ctrl-C under `npm run` delivers SIGINT several times (terminal, npm, tsx). runMain handles the first
  // by interrupting, and then removes its listener; these keep the repeats from killing the process
  // before the scope has torn everything down (children, server, database).
  let interrupted = false
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return
    interrupted = true
    process.stderr.write(`[bench] ${signal}: tearing down before exit\n`)
  }
  process.on("SIGINT", onSignal)
  process.on("SIGTERM", onSignal)
  // Interrupted: exit code 130, after teardown.
  NodeRuntime.runMain(bench.run, {
    teardown: (exit, onExit) =>
      onExit(Exit.isSuccess(exit) ? 0 : Cause.isInterruptedOnly(exit.cause) ? 130 : 1)
  })
}
