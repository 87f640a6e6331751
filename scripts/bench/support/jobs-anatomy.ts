/**
 * Not a benchmark: what one no-op job costs the database and this process. Runs N jobs on a fresh
 * database in a node in this process and prints per-job deltas of pg_stat_database (transactions,
 * rows) and of this process' CPU time, and the wall time; with `profile`, a CPU profile of the run.
 * `engine` runs N empty workflows on the bare engine instead (the floor our jobs sit on).
 *
 *   npx tsx scripts/bench/support/jobs-anatomy.ts [N] [jobs|engine] [profile]   (default 500 jobs)
 */
import { NodeRuntime } from "@effect/platform-node"
import { SqlClient } from "@effect/sql"
import { NoopJob } from "@mediaserver/domain"
import { Context, Duration, Effect, Redacted } from "effect"
import { Jobs } from "@mediaserver/server/jobs"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"
import { Session } from "node:inspector/promises"
import { progress } from "../report.js"
import { location, owner, selfTimes, table, totalTimes } from "./profile.js"
import { emptyWorkflowNode } from "./engine-floor.js"
import { startNode } from "./jobs-node.js"

const program = Effect.scoped(Effect.gen(function* () {
  const n = Number(process.argv[2] ?? 500)
  const engineOnly = process.argv[3] === "engine"
  const profiling = process.argv.includes("profile")
  const db = yield* freshDatabase("jobsanatomy")
  const setup = engineOnly
    ? Effect.map(emptyWorkflowNode(db.url, n, 10), (node) => ({ sql: Context.get(node.context, SqlClient.SqlClient), run: node.run }))
    : Effect.map(startNode({ DATABASE_URL: Redacted.value(db.url) }), ({ context }) => {
      const jobs = Context.get(context, Jobs)
      const sql = Context.get(context, SqlClient.SqlClient)
      const completed = sql<{ done: number }>`SELECT count(*)::int AS done FROM job_runs WHERE state = 'completed'`
      const run = Effect.forEach(Array.from({ length: n }, (_, i) => i), (i) => jobs.enqueue(NoopJob, { note: String(i) }), { concurrency: 10, discard: true }).pipe(
        Effect.zipRight(Effect.repeat(Effect.zipRight(Effect.sleep(Duration.millis(20)), completed), { until: ([row]) => (row?.done ?? 0) >= n }))
      )
      return { sql, run }
    })
  const { sql, run } = yield* setup
  const stats = sql<{ xact: number; ins: number; upd: number; del: number; ret: number }>`
    SELECT xact_commit + xact_rollback AS xact, tup_inserted AS ins, tup_updated AS upd, tup_deleted AS del, tup_returned AS ret
    FROM pg_stat_database WHERE datname = current_database()`
  const snap = Effect.flatMap(Effect.zipRight(sql`SELECT pg_stat_clear_snapshot()`, stats), (rows) => Effect.succeed(rows[0] ?? { xact: 0, ins: 0, upd: 0, del: 0, ret: 0 }))
  yield* Effect.sleep(Duration.seconds(3))
  const before = yield* snap
  const session = new Session()
  if (profiling) {
    session.connect()
    yield* Effect.promise(() => session.post("Profiler.enable"))
    yield* Effect.promise(() => session.post("Profiler.setSamplingInterval", { interval: 200 }))
    yield* Effect.promise(() => session.post("Profiler.start"))
  }
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  yield* run
  const t2 = performance.now()
  const cpu = process.cpuUsage(cpu0)
  if (profiling) {
    const { profile } = yield* Effect.promise(() => session.post("Profiler.stop"))
    session.disconnect()
    const byFunction = selfTimes(profile, (f) => `${f.functionName || "(anonymous)"}  ${location(f)}`).filter(([name]) => !name.startsWith("(idle)"))
    const busyMs = byFunction.reduce((sum, [, ms]) => sum + ms, 0)
    table("top self time by function:", byFunction, busyMs, 25)
    const ours = (f: { readonly url: string; readonly functionName: string; readonly lineNumber: number }) =>
      /@effect\/(cluster|workflow|sql|sql-pg)\/|packages\/server\/src|pg-pool|pg\/lib/.test(f.url) ? `${f.functionName || "(anonymous)"}  ${location({ ...f, scriptId: "", columnNumber: 0 })}` : undefined
    table("top inclusive time (cluster, workflow, sql, our code):", totalTimes(profile, ours), busyMs, 40)
    table("top self time by package / file:", selfTimes(profile, (f) => owner(f.url, f.functionName)).filter(([name]) => name !== "(idle)"), busyMs, 15)
  }
  yield* Effect.sleep(Duration.millis(600))
  const after = yield* snap
  const per = (a: number, b: number) => ((Number(a) - Number(b)) / n).toFixed(1)
  progress(`${n} ${engineOnly ? "empty workflows" : "jobs"}: completed ${(n / ((t2 - t0) / 1000)).toFixed(0)}/s`)
  progress(`per run: ${per(after.xact, before.xact)} transactions, ${per(after.ins, before.ins)} inserts, ${per(after.upd, before.upd)} updates, ${per(after.del, before.del)} deletes, ${per(after.ret, before.ret)} rows returned`)
  progress(`per run: ${((cpu.user + cpu.system) / n / 1000).toFixed(2)} ms CPU in this process (user ${(cpu.user / n / 1000).toFixed(2)}, system ${(cpu.system / n / 1000).toFixed(2)}); wall ${((t2 - t0) / n).toFixed(2)} ms`)
}))

NodeRuntime.runMain(program)
