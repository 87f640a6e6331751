import { expect, layer } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Jobs } from "@mediaserver/server/jobs"
import { Data, Deferred, Effect, Option } from "effect"
import { awaitRun, BULK_CAP, CappedJob, countRows, jobsNode, PeriodicJob, Probe, SimpleJob, UniqueJob } from "./support/TestJobs.js"

class Rollback extends Data.TaggedError("Rollback") {}

const startsOf = (key: string) =>
  Effect.flatMap(Probe, (probe) => probe.events(key)).pipe(Effect.map((events) => events.filter((e) => e.type === "start").length))

/** Runs one more job to completion: anything enqueued before it that was going to run has been picked up. */
const drain = (key: string) => Effect.flatMap(Jobs, (jobs) => jobs.enqueue(SimpleJob, { key })).pipe(Effect.flatMap((id) => awaitRun(id)))

layer(jobsNode("jobs_enqueue"), { excludeTestServices: true })("job enqueue", (it) => {
  it.effect("uniqueness by args: a duplicate of an unfinished run returns it; once finished, a new run", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const probe = yield* Probe
      const ids = yield* Effect.all(
        Array.from({ length: 5 }, () => jobs.enqueue(UniqueJob, { key: "u1" })),
        { concurrency: "unbounded" }
      )
      expect(new Set(ids).size).toBe(1)
      const other = yield* jobs.enqueue(UniqueJob, { key: "u2" })
      expect(other).not.toBe(ids[0])
      yield* Deferred.succeed(yield* probe.gate("u1"), undefined)
      yield* Deferred.succeed(yield* probe.gate("u2"), undefined)
      const first = yield* awaitRun(ids[0] ?? "")
      expect(first.state).toBe("completed")
      expect(yield* startsOf("u1")).toBe(1)
      const again = yield* jobs.enqueue(UniqueJob, { key: "u1" })
      expect(again).not.toBe(ids[0])
      expect((yield* awaitRun(again)).state).toBe("completed")
    }))

  it.effect("periodic uniqueness: within the period even a finished run is returned", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const id = yield* jobs.enqueue(PeriodicJob, { key: "p1" })
      expect((yield* awaitRun(id)).state).toBe("completed")
      expect(yield* jobs.enqueue(PeriodicJob, { key: "p1" })).toBe(id)
      expect(yield* jobs.enqueue(PeriodicJob, { key: "p2" })).not.toBe(id)
      yield* drain("after-periodic")
      expect(yield* startsOf("p1")).toBe(1)
    }))

  // A schedule's tick is delivered at least once (again on the runner that takes its shard over), so
  // its run is keyed by (schedule, tick): every delivery after the first finds the first's run.
  it.effect("a schedule's tick: one run however often it is delivered, even after it finished, for any kind", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const at = new Date(Date.UTC(2026, 0, 1, 10, 0, 0))
      const tick = { schedule: "test.every-second", at }
      const ids = yield* Effect.all(Array.from({ length: 3 }, () => jobs.enqueue(SimpleJob, { key: "tick" }, tick)), {
        concurrency: "unbounded"
      })
      expect(new Set(ids).size).toBe(1)
      expect((yield* awaitRun(ids[0] ?? "")).state).toBe("completed")
      expect(yield* jobs.enqueue(SimpleJob, { key: "tick" }, tick)).toBe(ids[0])
      // The next tick, and the same time on another schedule, are runs of their own.
      const next = yield* jobs.enqueue(SimpleJob, { key: "tick" }, { ...tick, at: new Date(at.getTime() + 1000) })
      const otherSchedule = yield* jobs.enqueue(SimpleJob, { key: "tick" }, { ...tick, schedule: "test.other" })
      expect(new Set([ids[0], next, otherSchedule]).size).toBe(3)
      // A kind unique while unfinished keeps the tick's key past its end too.
      const unique = yield* jobs.enqueue(UniqueJob, { key: "tick-unique" }, tick)
      yield* Deferred.succeed(yield* (yield* Probe).gate("tick-unique"), undefined)
      expect((yield* awaitRun(unique)).state).toBe("completed")
      expect(yield* jobs.enqueue(UniqueJob, { key: "tick-unique" }, tick)).toBe(unique)
      yield* drain("after-ticks")
      expect(yield* startsOf("tick")).toBe(3)
      expect(yield* startsOf("tick-unique")).toBe(1)
    }))

  // Bucketed by the tick's time, not the clock's: a run-on-start in the tick's period (same bucket) absorbs it.
  it.effect("a periodic kind's tick is one run per period of the tick's time", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const at = (time: string) => ({ schedule: "test.hourly", at: new Date(`2026-01-01T${time}Z`) })
      const ten = yield* jobs.enqueue(PeriodicJob, { key: "tick-periodic" }, at("10:00:00"))
      expect(yield* jobs.enqueue(PeriodicJob, { key: "tick-periodic" }, at("10:59:59"))).toBe(ten)
      expect(yield* jobs.enqueue(PeriodicJob, { key: "tick-periodic" }, at("11:00:00"))).not.toBe(ten)
    }))

  it.effect("transactional enqueue: a rolled-back transaction leaves no run and runs nothing", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const sql = yield* SqlClient.SqlClient
      const failed = yield* jobs.enqueue(SimpleJob, { key: "rolled-back" }).pipe(
        Effect.zipRight(new Rollback()),
        sql.withTransaction,
        Effect.flip
      )
      expect(failed._tag).toBe("Rollback")
      yield* drain("after-rollback")
      expect(yield* startsOf("rolled-back")).toBe(0)
      expect(yield* countRows(`SELECT count(*)::int AS n FROM job_runs WHERE payload->>'key' = 'rolled-back'`)).toBe(0)
      // No orphaned engine message either: every execution of the kind belongs to a run.
      const orphans = yield* countRows(
        `SELECT count(*)::int AS n FROM cluster_messages WHERE entity_type = 'Workflow/job/test.simple'
           AND entity_id NOT IN (SELECT execution_id FROM job_runs)`
      )
      expect(orphans).toBe(0)
    }))

  it.effect("transactional enqueue: a committed transaction runs the job exactly once", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const sql = yield* SqlClient.SqlClient
      const viaHelper = yield* jobs.withTransaction(jobs.enqueue(SimpleJob, { key: "committed-helper" }))
      // Plain sql.withTransaction works too; pickup then waits for the storage poll.
      const viaSql = yield* sql.withTransaction(jobs.enqueue(SimpleJob, { key: "committed-sql" }))
      expect((yield* awaitRun(viaHelper)).state).toBe("completed")
      expect((yield* awaitRun(viaSql)).state).toBe("completed")
      yield* drain("after-commit")
      expect(yield* startsOf("committed-helper")).toBe(1)
      expect(yield* startsOf("committed-sql")).toBe(1)
      const run = yield* jobs.get(viaHelper)
      expect(Option.map(run, (r) => r.attempt)).toEqual(Option.some(1))
    }))

  it.effect("queue cap: at most N handlers of a queue run at once on a node", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const probe = yield* Probe
      const ids = yield* Effect.forEach(Array.from({ length: 8 }, (_, i) => i), (i) =>
        jobs.enqueue(CappedJob, { key: `capped-${i}` })
      )
      const runs = yield* Effect.forEach(ids, (id) => awaitRun(id), { concurrency: "unbounded" })
      expect(runs.every((run) => run.state === "completed")).toBe(true)
      expect(yield* probe.peak("capped")).toBe(BULK_CAP)
    }))
})
