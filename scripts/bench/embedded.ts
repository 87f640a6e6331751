/**
 * `npm run bench -- embedded`: what a newcomer does on the default embedded database (PGlite), as a
 * separate server process: a movie library of BENCH_EMBEDDED_MOVIES (5000) small real files scanned
 * while another client pages through the movies, then a second scan requested while the first one's
 * probes run. Baseline in the same run: the same list pages once nothing runs in the background.
 * `crashes` counts server processes that ended on their own (must be 0); a scenario that did not
 * finish prints that figure and fails, with no latency figures.
 * Settings (env): BENCH_EMBEDDED_MOVIES (5000), BENCH_EMBEDDED_NODE_OPTIONS (none).
 */
import { Config, Effect } from "effect"
import { runEmbeddedScenario } from "@mediaserver/testkit/EmbeddedScenario"
import { emit, progress, round } from "./report.js"

const BENCH = "embedded"

const percentile = (values: ReadonlyArray<number>, p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

export const run: Effect.Effect<void, unknown> = Effect.gen(function* () {
  const movies = yield* Config.integer("BENCH_EMBEDDED_MOVIES").pipe(Config.withDefault(5000))
  // For a CPU profile of the server: BENCH_EMBEDDED_NODE_OPTIONS="--require /path/to/preload.cjs" (a preload that starts the inspector profiler; --cpu-prof is refused in NODE_OPTIONS).
  const nodeOptions = yield* Config.string("BENCH_EMBEDDED_NODE_OPTIONS").pipe(Config.withDefault(""))
  progress(`embedded scenario with ${movies} movies`)
  // Listing caches off: idle pages would otherwise be cache hits (about 1 ms) while pages during the work
  // miss (each scan or probe batch drops the listings), and the ratio would compare a lookup with a query.
  const env: Record<string, string> = { CACHE_ENABLED: "false", ...(nodeOptions === "" ? {} : { NODE_OPTIONS: nodeOptions }) }
  const result = yield* runEmbeddedScenario({ movies, env }).pipe(
    Effect.tapError((failure) =>
      Effect.sync(() => {
        progress(`scenario failed: ${failure.message}`)
        emit(BENCH, "crashes", failure.message.includes("server process ended") ? 1 : 0, "count")
      })
    )
  )
  progress(`scan ${round(result.scanSeconds, 1)} s; ${result.busyMs.length} pages during work, ${result.idleMs.length} idle; probes settled: ${result.probesSettled}; listed ${result.moviesListed}`)
  if (result.moviesListed !== movies) return yield* Effect.fail(`listed ${result.moviesListed} of ${movies} movies`)
  const idleP50 = percentile(result.idleMs, 50)
  const busyP95 = percentile(result.busyMs, 95)
  emit(BENCH, "scan_files_per_s", round(result.files / result.scanSeconds, 1), "files/s")
  emit(BENCH, "list_p50_idle_ms", round(idleP50, 2), "ms")
  emit(BENCH, "list_p50_during_scan_ms", round(percentile(result.busyMs, 50), 2), "ms")
  emit(BENCH, "list_p95_during_scan_ms", round(busyP95, 2), "ms")
  emit(BENCH, "ratio_busy_to_idle", round(busyP95 / idleP50, 2), "ratio")
  emit(BENCH, "crashes", result.crashed ? 1 : 0, "count")
}).pipe(Effect.scoped)
