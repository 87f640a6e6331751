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
