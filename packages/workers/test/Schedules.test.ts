/**
 * Schedules on a real cluster: two runner processes (`npm start`, the real WorkersLive and schedule
 * table) started together on one Postgres, plus a per-second schedule added through
 * `JOB_SCHEDULE_OVERRIDES` on a kind without uniqueness, so a tick run twice would show as two runs.
 */
import { expect, layer } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Duration, Effect, Layer, Redacted } from "effect"
import { databaseLayer } from "@mediaserver/testkit/DatabaseLayer"
import { freePort, spawnNode, waitFor200 } from "@mediaserver/testkit/NodeProcess"
import { eventually } from "@mediaserver/testkit/Poll"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"

const TICK = { "test.tick": { kind: "jobs.noop", cron: "* * * * * *" } }

/** Both nodes ready (so both have run their start-up enqueues); the test talks to their database. */
const TwoNodes = Layer.unwrapScoped(
  Effect.gen(function* () {
    const db = yield* freshDatabase("schedules")
    const [portA, portB] = yield* Effect.all([freePort, freePort])
    const common = {
      DATABASE_URL: Redacted.value(db.url),
      RUNNER_HOST: "127.0.0.1",
      JOB_SCHEDULE_OVERRIDES: JSON.stringify(TICK)
    }
    const nodes = yield* Effect.all(
      [spawnNode({ ...common, RUNNER_PORT: String(portA) }), spawnNode({ ...common, RUNNER_PORT: String(portB) })],
      { concurrency: 2 }
    )
    yield* Effect.all(nodes.map((node) => waitFor200(node, "/readyz")), { concurrency: 2 })
    return databaseLayer(Redacted.value(db.url))
  }).pipe(Effect.orDie)
)

const runsOf = (kind: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM job_runs WHERE kind = ${kind}`, (rows) => rows[0]?.n ?? -1))

/**
 * Runs of the per-second schedule by the second they were inserted in. ClusterCron picks the next tick
 * after the previous one ran, so with one run per tick no two share a second; a timer on each node
 * would put two runs in the same second. Counted once the cluster settled (5 s after the first
 * start-up enqueue): while the second runner takes over shards, ClusterCron can run a tick twice (seen
 * about 1 in 8 starts); the table's kinds absorb that with their uniqueness per period.
 */
const tickRuns = Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ readonly second: string; readonly n: number }>`
  SELECT to_char(date_trunc('second', inserted_at), 'HH24:MI:SS') AS second, count(*)::int AS n
  FROM job_runs
  WHERE kind = 'jobs.noop' AND inserted_at > (SELECT min(inserted_at) FROM job_runs) + interval '5 seconds'
  GROUP BY 1 ORDER BY 1`)

layer(TwoNodes, { excludeTestServices: true, timeout: Duration.seconds(60) })("schedules on two runners", (it) => {
  // Both nodes enqueued while starting (before /readyz); uniqueness per hour leaves one run each
  // (unless the two start-ups straddle an hour boundary).
  it.effect("run-on-start kinds have exactly one run after two nodes start at once; the others none", () =>
    Effect.gen(function* () {
      const counts = yield* Effect.all({
        auth: runsOf("auth.cleanup"),
        activity: runsOf("activity.cleanup"),
        scanHistory: runsOf("scan_history.cleanup")
      })
      expect(counts).toEqual({ auth: 1, activity: 0, scanHistory: 0 })
    }))

  it.effect("a per-second schedule makes one run per tick across the two runners", () =>
    Effect.gen(function* () {
      const ticks = yield* eventually(tickRuns, (rows) => rows.length >= 4, {
        what: "runs in 4 ticks",
        timeout: Duration.seconds(20)
      })
      expect(ticks.filter((tick) => tick.n !== 1)).toEqual([])
    }), { timeout: 30_000 })
})
