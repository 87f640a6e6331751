/**
 * `npm run bench -- jobs`: 2,000 no-op jobs (`jobs.noop`, a single-step kind) enqueued one call each
 * and run to completion on real Postgres: enqueue/s, completed/s and enqueue-to-start latency (from
 * `job_runs`: started_at - inserted_at), on one node (in this process), then on two runner processes
 * (this one and a child started with `node scripts/start.mjs`); baselines in the same run: the engine's
 * own floor (an empty workflow: the least a run of a durable kind costs) and graphile-worker 0.17 doing
 * the same work. Each also prints the machine CPU (all processes, Postgres included) one job costs: the
 * cores divided by it bound what any number of nodes can do here.
 *
 * Jobs not all completed within 5 minutes, or two nodes of which one holds every shard, fail the bench
 * with no figure printed.
 *
 * Settings (env): BENCH_JOBS (2000), BENCH_ENQUEUE_CONCURRENCY (10).
 */
import { SqlClient } from "@effect/sql"
import { NoopJob } from "@mediaserver/domain"
import { Config, Context, Duration, Effect, Fiber, Redacted, Schedule } from "effect"
import { Jobs } from "@mediaserver/server/jobs"
import { freePort, spawnNode, waitFor200 } from "@mediaserver/testkit/NodeProcess"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"
import { BenchIncomplete, emit, progress, round } from "./report.js"
import { withMachineCpuPer } from "./support/cpu.js"
import { engineFloor } from "./support/engine-floor.js"
import { graphileBaseline } from "./support/graphile.js"
import { startNode } from "./support/jobs-node.js"

const BENCH = "jobs"

const settings = Config.all({
  jobs: Config.integer("BENCH_JOBS").pipe(Config.withDefault(2000)),
  enqueueConcurrency: Config.integer("BENCH_ENQUEUE_CONCURRENCY").pipe(Config.withDefault(10))
})

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN

interface Figures {
  readonly enqueuePerS: number
  readonly completedPerS: number
  readonly latenciesMs: ReadonlyArray<number>
  /** CPU the whole machine spent per job (every process: nodes, Postgres), in ms; NaN off Linux. */
  readonly machineCpuMsPerJob: number
}

const DEADLINE = Duration.minutes(5)

/**
 * Enqueues `n` no-op jobs through the node's Jobs service and waits until job_runs says all completed.
 * Past the deadline with some not completed, it fails: a rate of work that did not happen is no figure.
 */
const runOnNode = (context: Context.Context<Jobs | SqlClient.SqlClient>, n: number, concurrency: number) =>
  Effect.gen(function* () {
    const jobs = Context.get(context, Jobs)
    const sql = Context.get(context, SqlClient.SqlClient)
    const started = performance.now()
    yield* Effect.forEach(Array.from({ length: n }, (_, i) => i), (i) => jobs.enqueue(NoopJob, { note: String(i) }), {
      concurrency,
      discard: true
    })
    const enqueuedS = (performance.now() - started) / 1000
    const completed = sql<{ done: number }>`SELECT count(*)::int AS done FROM job_runs WHERE kind = ${NoopJob.name} AND state = 'completed'`.pipe(
      Effect.map(([row]) => row?.done ?? 0)
    )
    const deadline = Date.now() + Duration.toMillis(DEADLINE)
    for (;;) {
      const done = yield* completed
      if (done >= n) break
      if (Date.now() > deadline) {
        return yield* new BenchIncomplete({ message: `${done} of ${n} jobs completed within ${Duration.format(DEADLINE)}` })
      }
      yield* Effect.sleep(Duration.millis(20))
    }
    const completedS = (performance.now() - started) / 1000
    const rows = yield* sql<{ ms: number }>`
      SELECT extract(epoch FROM (started_at - inserted_at)) * 1000 AS ms FROM job_runs
      WHERE kind = ${NoopJob.name} AND started_at IS NOT NULL`
    return { enqueuePerS: n / enqueuedS, completedPerS: n / completedS, latenciesMs: rows.map((r) => Number(r.ms)).sort((a, b) => a - b) }
  }).pipe(
    (measured) => withMachineCpuPer(n, measured),
    Effect.map(({ cpuMsPer, result }): Figures => ({ ...result, machineCpuMsPerJob: cpuMsPer }))
  )

/**
 * The nodes seen holding a lease on a running no-op job. No-op jobs are single-step: they hold no shard,
 * each run is claimed by one node with a lease (cleared when it finishes), so sampling the leases while
 * the work runs is how the bench knows both nodes did some of it.
 */
const leaseHolders = (sql: SqlClient.SqlClient, seen: Set<string>) =>
  sql<{ readonly node: string }>`
    SELECT DISTINCT leased_by AS node FROM job_runs WHERE kind = ${NoopJob.name} AND state = 'running' AND leased_by IS NOT NULL`.pipe(
    Effect.map((rows) => rows.forEach((row) => seen.add(row.node))),
    Effect.ignore
  )

const show = (title: string, f: Figures) =>
  progress(
    `${title}: enqueue ${Math.round(f.enqueuePerS)}/s, completed ${Math.round(f.completedPerS)}/s, ` +
      `start latency p50 ${round(percentile(f.latenciesMs, 50), 1)} ms, p99 ${round(percentile(f.latenciesMs, 99), 1)} ms, ` +
      `machine CPU ${round(f.machineCpuMsPerJob, 2)} ms per job`
  )

export const run = Effect.gen(function* () {
  const { jobs: n, enqueueConcurrency } = yield* settings

  const one = yield* Effect.scoped(
    Effect.gen(function* () {
      const db = yield* freshDatabase("benchjobs1")
      const node = yield* startNode({ DATABASE_URL: Redacted.value(db.url) })
      return yield* runOnNode(node.context, n, enqueueConcurrency)
    })
  )
  show("one node", one)

  const two = yield* Effect.scoped(
    Effect.gen(function* () {
      const db = yield* freshDatabase("benchjobs2")
      const url = Redacted.value(db.url)
      const [portA, portB] = yield* Effect.all([freePort, freePort])
      const node = yield* startNode({ DATABASE_URL: url, RUNNER_HOST: "127.0.0.1", RUNNER_PORT: String(portA) })
      const other = yield* spawnNode({ DATABASE_URL: url, RUNNER_HOST: "127.0.0.1", RUNNER_PORT: String(portB) })
      yield* waitFor200(other, "/readyz", Duration.seconds(60))
      // Both nodes must be seen running some of the work, or this is not a two-node figure.
      const sql = Context.get(node.context, SqlClient.SqlClient)
      const seen = new Set<string>()
      const sampler = yield* Effect.forkScoped(Effect.repeat(leaseHolders(sql, seen), Schedule.spaced(Duration.millis(10))))
      const figures = yield* runOnNode(node.context, n, enqueueConcurrency)
      yield* Fiber.interrupt(sampler)
      progress(`two nodes: ${seen.size} nodes seen holding leases of running jobs`)
      if (seen.size < 2) {
        return yield* new BenchIncomplete({ message: "one node ran every job it was seen running: not a two-node figure" })
      }
      return figures
    })
  )
  show("two nodes", two)

  const floor = yield* Effect.scoped(engineFloor(n, enqueueConcurrency))
  progress(`engine floor (empty workflow, no activity): completed ${Math.round(floor.perS)}/s, machine CPU ${round(floor.cpuMsPer, 2)} ms per run`)

  const graphile = yield* Effect.scoped(graphileBaseline(n, 10, enqueueConcurrency))
  const graphileLatencies = [...graphile.startLatenciesMs].sort((a, b) => a - b)
  show("graphile-worker 0.17", { ...graphile, latenciesMs: graphileLatencies })

  emit(BENCH, "enqueue_per_s", round(one.enqueuePerS, 1), "ops/s")
  emit(BENCH, "completed_per_s", round(one.completedPerS, 1), "ops/s")
  emit(BENCH, "completed_per_s_two_nodes", round(two.completedPerS, 1), "ops/s")
  emit(BENCH, "start_latency_p50_ms", round(percentile(one.latenciesMs, 50), 1), "ms")
  emit(BENCH, "start_latency_p99_ms", round(percentile(one.latenciesMs, 99), 1), "ms")
  emit(BENCH, "engine_floor_completed_per_s", round(floor.perS, 1), "ops/s")
  emit(BENCH, "engine_floor_machine_cpu_ms_per_run", round(floor.cpuMsPer, 2), "ms")
  emit(BENCH, "graphile_completed_per_s", round(graphile.completedPerS, 1), "ops/s")
  emit(BENCH, "graphile_start_latency_p99_ms", round(percentile(graphileLatencies, 99), 1), "ms")
  emit(BENCH, "graphile_machine_cpu_ms_per_job", round(graphile.machineCpuMsPerJob, 2), "ms")
  emit(BENCH, "ratio_to_graphile_worker", round(one.completedPerS / graphile.completedPerS, 3), "ratio")
  emit(BENCH, "ratio_two_nodes_to_one", round(two.completedPerS / one.completedPerS, 3), "ratio")
  // What bounds both figures on this machine: its cores divided by the CPU one job costs it.
  emit(BENCH, "machine_cpu_ms_per_job", round(one.machineCpuMsPerJob, 2), "ms")
  emit(BENCH, "machine_cpu_ms_per_job_two_nodes", round(two.machineCpuMsPerJob, 2), "ms")
})
