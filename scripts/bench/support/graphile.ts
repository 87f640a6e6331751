/**
 * The baseline of the `jobs` benchmark: graphile-worker 0.17 (its last line for Node 20), a
 * Postgres job queue with LISTEN/NOTIFY pickup, doing the same work as ours: N no-op jobs enqueued one
 * call each, on its own fresh database, `concurrency` handlers at once. Used only by the benchmark.
 */
import { Effect, Redacted, type Scope } from "effect"
import { Logger, makeWorkerUtils, run } from "graphile-worker"
import Pg from "pg"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"
import { withMachineCpuPer } from "./cpu.js"

export interface QueueFigures {
  readonly enqueuePerS: number
  readonly completedPerS: number
  readonly startLatenciesMs: ReadonlyArray<number>
  readonly machineCpuMsPerJob: number
}

const quiet = new Logger(() => () => {})

export const graphileBaseline = (jobs: number, concurrency: number, enqueueConcurrency: number): Effect.Effect<QueueFigures, Error, Scope.Scope> =>
  Effect.gen(function* () {
    const db = yield* freshDatabase("graphile")
    // Our own pool, so the connections the database drop terminates at the end raise no unhandled error.
    const pgPool = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const created = new Pg.Pool({ connectionString: Redacted.value(db.url), max: concurrency + 2 })
        created.on("error", () => {})
        return created
      }),
      (created) => Effect.promise(() => created.end())
    )
    const latencies: Array<number> = []
    let done = 0
    let allDone: () => void = () => {}
    const finished = new Promise<void>((resolve) => (allDone = resolve))
    yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () =>
          run({
            pgPool,
            concurrency,
            noHandleSignals: true,
            pollInterval: 1000,
            logger: quiet,
            taskList: {
              noop: async (payload) => {
                const enqueuedAt = typeof payload === "object" && payload !== null && "t" in payload && typeof payload.t === "number" ? payload.t : Date.now()
                latencies.push(performance.timeOrigin + performance.now() - enqueuedAt)
                if (++done === jobs) allDone()
              }
            }
          }),
        catch: (cause) => new Error(`graphile-worker did not start: ${String(cause)}`)
      }),
      (runner) => Effect.promise(() => runner.stop())
    )
    const utils = yield* Effect.acquireRelease(
      Effect.promise(() => makeWorkerUtils({ pgPool, logger: quiet })),
      (utils) => Effect.promise(async () => utils.release())
    )
    const started = performance.now()
    const enqueue = Effect.forEach(
      Array.from({ length: jobs }, (_, i) => i),
      (i) => Effect.promise(() => utils.addJob("noop", { i, t: performance.timeOrigin + performance.now() })),
      { concurrency: enqueueConcurrency, discard: true }
    )
    const { cpuMsPer, result: enqueuedS } = yield* withMachineCpuPer(
      jobs,
      Effect.zipLeft(Effect.map(enqueue, () => (performance.now() - started) / 1000), Effect.promise(() => finished))
    )
    const completedS = (performance.now() - started) / 1000
    return { enqueuePerS: jobs / enqueuedS, completedPerS: jobs / completedS, startLatenciesMs: latencies, machineCpuMsPerJob: cpuMsPer }
  })
