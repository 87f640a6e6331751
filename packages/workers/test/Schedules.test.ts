/**
 * Schedules on a real cluster: two runner processes (`npm start`, the real WorkersLive and schedule
 * table) started together on one Postgres, plus a per-second schedule added through
 * `JOB_SCHEDULE_OVERRIDES` on a kind without uniqueness, so a tick run twice would show as two runs.
 * Counted from the first tick: a runner joining and shards moving is exactly when a tick is delivered
 * twice, so the start-up is what is tested, several times over. `SCHEDULE_TEST_STARTS` sets how many
 * starts (the suite keeps a few; run with 50 to check the rule harder).
 */
import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Config, Duration, Effect, Redacted } from "effect"
import { databaseLayer } from "@mediaserver/testkit/DatabaseLayer"
import { freePort, spawnNode, waitFor200 } from "@mediaserver/testkit/NodeProcess"
import { eventually } from "@mediaserver/testkit/Poll"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"

const TICK = { "test.tick": { kind: "jobs.noop", cron: "* * * * * *" } }
const STARTS = Effect.runSync(Config.integer("SCHEDULE_TEST_STARTS").pipe(Config.withDefault(3)))
/** Ticks looked at per start: the shard hand-over to the second runner happens within them. */
const TICKS = 6

/**
 * Runs of the per-second schedule by the tick they belong to (the tick's time in the run's unique key;
 * "none" for a run enqueued without its tick). Not by the second a run was inserted in: on a busy
 * machine a tick runs late and lands in the next tick's second. A tick delivered twice, or a timer on
 * each node, would show as a tick with two runs or runs without a tick.
 */
const tickRuns = Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ readonly tick: string; readonly n: number }>`
  SELECT coalesce(nullif(split_part(unique_key, '@', 3), ''), 'none') AS tick, count(*)::int AS n
  FROM job_runs WHERE kind = 'jobs.noop'
  GROUP BY 1 ORDER BY 1`)

/**
 * Both nodes ready (so both have run their start-up enqueues); the checks read their database.
 * `together`: both spawned at once; else the second joins once the first runs ticks, so its shards
 * move while a tick chain is under way (the hand-over that delivers a tick twice).
 */
const twoNodes = (together: boolean) => Effect.gen(function* () {
  const db = yield* freshDatabase("schedules")
  const [portA, portB] = yield* Effect.all([freePort, freePort])
  const common = {
    DATABASE_URL: Redacted.value(db.url),
    RUNNER_HOST: "127.0.0.1",
    JOB_SCHEDULE_OVERRIDES: JSON.stringify(TICK)
  }
  const spawn = (port: number) =>
    Effect.tap(spawnNode({ ...common, RUNNER_PORT: String(port) }), (node) => waitFor200(node, "/readyz", Duration.seconds(90)))
  if (together) yield* Effect.all([spawn(portA), spawn(portB)], { concurrency: 2 })
  else {
    yield* spawn(portA)
    yield* eventually(tickRuns, (rows) => rows.length >= 1, { what: "the first tick", timeout: Duration.seconds(30) }).pipe(
      Effect.provide(databaseLayer(Redacted.value(db.url)))
    )
    yield* spawn(portB)
  }
  return db
})

/**
 * Runs of a kind and the hours they fall in: the kinds' uniqueness is per hour, so two start-ups in
 * one hour make one run and two that straddle an hour boundary make one each (the clock decides which,
 * the rule is the same: one run per hour).
 */
const runsOf = (kind: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<{ readonly runs: number; readonly hours: number }>`
        SELECT count(*)::int AS runs, count(DISTINCT date_trunc('hour', inserted_at))::int AS hours
        FROM job_runs WHERE kind = ${kind}`,
      (rows) => rows[0] ?? { runs: -1, hours: -1 }
    ))


const oneStart = (together: boolean) => Effect.gen(function* () {
  const db = yield* twoNodes(together)
  return yield* Effect.gen(function* () {
    const startUp = yield* Effect.all({
      auth: runsOf("auth.cleanup"),
      activity: runsOf("activity.cleanup"),
      scanHistory: runsOf("scan_history.cleanup")
    })
    // Ticks after both are ready: the second runner's shard hand-over falls among them.
    const before = (yield* tickRuns).length
    const ticks = yield* eventually(tickRuns, (rows) => rows.length >= before + TICKS, {
      what: `runs in ${TICKS} ticks after both runners are ready`,
      timeout: Duration.seconds(30)
    })
    return { startUp, ticks }
  }).pipe(Effect.provide(databaseLayer(Redacted.value(db.url))))
})

describe("schedules on two runner processes", () => {
  for (let start = 1; start <= STARTS; start++) {
    const together = start % 2 === 1
    const how = together ? "started together" : "the second joining while ticks run"
    it.scopedLive(`start ${start}/${STARTS}, ${how}: one run per tick from the first tick; run-on-start kinds once per hour`, () =>
      Effect.gen(function* () {
        const { startUp, ticks } = yield* oneStart(together)
        expect(ticks.filter((tick) => tick.n !== 1 || tick.tick === "none")).toEqual([])
        // Both nodes enqueued while starting (before /readyz): one run per hour, the others none.
        expect(startUp.auth.runs).toBeGreaterThan(0)
        expect(startUp.auth.runs).toBe(startUp.auth.hours)
        expect({ activity: startUp.activity.runs, scanHistory: startUp.scanHistory.runs }).toEqual({ activity: 0, scanHistory: 0 })
      }).pipe(Effect.orDie), { timeout: 240_000 })
  }
})
