/**
 * Single-step runs (claimed from `job_runs`, no workflow execution) keep every job guarantee: bounded
 * retries with backoff, Discard at once, timeouts, uniqueness, transactional enqueue, the queue cap
 * (shared with durable runs), cancel and retry over the admin API, and takeover of a run whose node
 * stopped renewing its lease.
 */
import { expect, layer } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { backoffDelay, JobRun } from "@mediaserver/domain"
import { Jobs, JobRuns } from "@mediaserver/server/jobs"
import { Data, Deferred, Duration, Effect, Option, Schema } from "effect"
import { account, read, request } from "@mediaserver/testkit/Http"
import { eventually } from "@mediaserver/testkit/Poll"
import {
  awaitRun,
  BULK_CAP,
  CappedJob,
  countRows,
  jobsNode,
  Probe,
  serverUrl,
  SingleCappedJob,
  SingleFlakyJob,
  SingleSimpleJob,
  SingleUniqueJob
} from "./support/TestJobs.js"

class Rollback extends Data.TaggedError("Rollback") {}

const LEASE_MS = 1500

const events = (key: string) => Effect.flatMap(Probe, (probe) => probe.events(key))
const starts = (key: string) => Effect.map(events(key), (all) => all.filter((e) => e.type === "start"))
const minDelay = (attempt: number) => Duration.toMillis(backoffDelay(SingleFlakyJob.backoff, attempt, 0))

/** Single-step runs have no workflow execution: nothing of theirs is in the engine's tables. */
const executionOf = (id: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ readonly execution_id: string | null }>`SELECT execution_id FROM job_runs WHERE id = ${id}`)
    .pipe(Effect.map((rows) => rows[0]?.execution_id))

const admin = Effect.gen(function* () {
  const url = yield* serverUrl
  return { url, auth: (yield* account(url, "singleadmin")).auth }
}).pipe(Effect.cached, Effect.runSync)

layer(jobsNode("jobs_single", { JOB_LEASE: `${LEASE_MS} millis` }), { excludeTestServices: true })("single-step jobs", (it) => {
  it.effect("retries with backoff up to the kind's maximum; each attempt recorded; no workflow execution", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const ok = yield* jobs.enqueue(SingleFlakyJob, { key: "s-retry-ok", behaviour: "unavailable", failTimes: 2 })
      const exhausted = yield* jobs.enqueue(SingleFlakyJob, { key: "s-retry-out", behaviour: "unavailable", failTimes: 99 })
      const done = yield* awaitRun(ok)
      expect(done).toMatchObject({ state: "completed", attempt: 3 })
      expect(done.lastError).toContain("Unavailable")
      const okStarts = yield* starts("s-retry-ok")
      expect(okStarts.map((e) => e.attempt)).toEqual([1, 2, 3])
      const [first, second, third] = okStarts
      expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(minDelay(1))
      expect((third?.at ?? 0) - (second?.at ?? 0)).toBeGreaterThanOrEqual(minDelay(2))
      expect(yield* executionOf(ok)).toBeNull()

      const failed = yield* awaitRun(exhausted)
      expect(failed).toMatchObject({ state: "failed", attempt: SingleFlakyJob.maxAttempts })
      expect(failed.lastError).toContain("attempt 3 of 3")
      expect((yield* starts("s-retry-out")).length).toBe(SingleFlakyJob.maxAttempts)
      expect((yield* events("s-retry-out")).filter((e) => e.type === "gaveup")).toHaveLength(1)
    }))

  it.effect("a Discard error ends the run at attempt 1; a timeout retries; a defect fails only its run", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const [discard, timeout, defect] = yield* Effect.all([
        jobs.enqueue(SingleFlakyJob, { key: "s-404", behaviour: "notfound", failTimes: 99 }),
        jobs.enqueue(SingleFlakyJob, { key: "s-timeout", behaviour: "hang", failTimes: 1 }),
        jobs.enqueue(SingleFlakyJob, { key: "s-defect", behaviour: "defect", failTimes: 99 })
      ])
      const discarded = yield* awaitRun(discard)
      expect(discarded).toMatchObject({ state: "discarded", attempt: 1 })
      expect(discarded.lastError).toContain("NotFound")
      expect((yield* starts("s-404")).length).toBe(1)
      expect((yield* events("s-404")).filter((e) => e.type === "gaveup")).toHaveLength(1)

      const timedOut = yield* awaitRun(timeout)
      expect(timedOut).toMatchObject({ state: "completed", attempt: 2 })
      expect(timedOut.lastError).toContain("JobTimeout")
      expect((yield* events("s-timeout")).map((e) => [e.type, e.attempt])).toEqual([["start", 1], ["interrupted", 1], ["start", 2]])

      const defected = yield* awaitRun(defect)
      expect(defected).toMatchObject({ state: "failed", attempt: 1 })
      expect(defected.lastError).toContain("defect: SyntaxError")
      expect((yield* awaitRun(yield* jobs.enqueue(SingleSimpleJob, { key: "s-after-defect" }))).state).toBe("completed")
    }))

  it.effect("uniqueness by args: concurrent duplicates are one run; once finished, a new run", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const ids = yield* Effect.all(Array.from({ length: 5 }, () => jobs.enqueue(SingleUniqueJob, { key: "s-u1" })), {
        concurrency: "unbounded"
      })
      expect(new Set(ids).size).toBe(1)
      yield* Deferred.succeed(yield* (yield* Probe).gate("s-u1"), undefined)
      expect((yield* awaitRun(ids[0] ?? "")).state).toBe("completed")
      expect((yield* starts("s-u1")).length).toBe(1)
      const again = yield* jobs.enqueue(SingleUniqueJob, { key: "s-u1" })
      expect(again).not.toBe(ids[0])
      expect((yield* awaitRun(again)).state).toBe("completed")
    }))

  it.effect("transactional enqueue: a rollback leaves no run; a commit runs it once", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const sql = yield* SqlClient.SqlClient
      const failed = yield* jobs.enqueue(SingleSimpleJob, { key: "s-rolled-back" }).pipe(
        Effect.zipRight(new Rollback()),
        jobs.withTransaction,
        Effect.flip
      )
      expect(failed._tag).toBe("Rollback")
      const committed = yield* jobs.withTransaction(jobs.enqueue(SingleSimpleJob, { key: "s-committed" }))
      const viaSql = yield* sql.withTransaction(jobs.enqueue(SingleSimpleJob, { key: "s-committed-sql" }))
      expect((yield* awaitRun(committed)).state).toBe("completed")
      expect((yield* awaitRun(viaSql)).state).toBe("completed")
      expect((yield* starts("s-committed")).length).toBe(1)
      expect((yield* starts("s-committed-sql")).length).toBe(1)
      expect(yield* starts("s-rolled-back")).toEqual([])
      expect(yield* countRows(`SELECT count(*)::int AS n FROM job_runs WHERE payload->>'key' = 's-rolled-back'`)).toBe(0)
    }))

  it.effect("the queue cap holds across single-step and durable runs of one queue", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const probe = yield* Probe
      const ids = yield* Effect.forEach(Array.from({ length: 8 }, (_, i) => i), (i) =>
        i % 2 === 0 ? jobs.enqueue(SingleCappedJob, { key: `s-capped-${i}` }) : jobs.enqueue(CappedJob, { key: `s-capped-${i}` }))
      const runs = yield* Effect.forEach(ids, (id) => awaitRun(id), { concurrency: "unbounded" })
      expect(runs.every((run) => run.state === "completed")).toBe(true)
      expect(yield* probe.peak("capped")).toBe(BULK_CAP)
    }))

  it.effect("admin cancel: a running handler is interrupted, a queued run never starts; retry makes a new run", () =>
    Effect.gen(function* () {
      const { auth, url } = yield* admin
      const jobs = yield* Jobs
      const readRun = read(Schema.encodedSchema(JobRun))
      const running = yield* jobs.enqueue(SingleUniqueJob, { key: "s-cancel-running" })
      yield* eventually(starts("s-cancel-running"), (started) => started.length === 1, { what: "the run to start", timeout: Duration.seconds(10) })
      const cancelled = yield* request(url, "POST", `/api/v1/admin/jobs/${running}/cancel`, { auth })
      expect(cancelled.status).toBe(200)
      expect(cancelled.body).toMatchObject({ id: running, state: "cancelled" })
      yield* eventually(events("s-cancel-running"), (all) => all.some((e) => e.type === "interrupted"), {
        what: "the handler to be interrupted",
        timeout: Duration.seconds(10)
      })
      expect(Option.map(yield* jobs.get(running), (run) => run.state)).toEqual(Option.some("cancelled"))

      // The bulk queue runs 2 at a time, 150 ms each: the last of 12 waits in the queue.
      const ids = yield* Effect.forEach(Array.from({ length: 12 }, (_, i) => i), (i) =>
        jobs.enqueue(SingleCappedJob, { key: `s-cancel-queued-${i}` }))
      const last = ids[ids.length - 1] ?? ""
      const queued = yield* Effect.flatMap(request(url, "POST", `/api/v1/admin/jobs/${last}/cancel`, { auth }), readRun)
      expect(queued).toMatchObject({ state: "cancelled", startedAt: null })
      yield* Effect.forEach(ids.slice(0, -1), (id) => awaitRun(id))
      expect(yield* starts("s-cancel-queued-11")).toEqual([])

      const discarded = yield* jobs.enqueue(SingleFlakyJob, { key: "s-admin-retry", behaviour: "notfound", failTimes: 1 })
      yield* awaitRun(discarded)
      const retried = yield* request(url, "POST", `/api/v1/admin/jobs/${discarded}/retry`, { auth })
      expect(retried.status).toBe(201)
      const fresh = yield* readRun(retried)
      expect(fresh).toMatchObject({ kind: SingleFlakyJob.name, queue: "default" })
      expect((yield* awaitRun(fresh.id)).state).toBe("discarded")
      expect(yield* executionOf(fresh.id)).toBeNull()
      expect((yield* starts("s-admin-retry")).length).toBe(2)
    }))

  it.effect("a run claimed by a node that stopped renewing its lease is taken over; a live lease is not", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const runs = yield* JobRuns
      // What a killed node leaves behind: its run written as claimed (attempt 1 running) under its lease,
      // which nobody renews.
      const orphan = "00000000-0000-4000-8000-00000000d1ed"
      yield* runs.insert({
        id: orphan,
        kind: SingleSimpleJob.name,
        queue: SingleSimpleJob.queue,
        uniqueKey: null,
        maxAttempts: SingleSimpleJob.maxAttempts,
        payload: { key: "s-orphan" },
        steps: "single",
        executionId: null,
        lease: { node: "a-node-that-died", seconds: LEASE_MS / 1000 }
      })
      const taken = yield* awaitRun(orphan, ["completed"])
      expect(taken.attempt).toBe(1)
      expect(taken.lastError).toContain("stopped renewing the lease")
      expect((yield* starts("s-orphan")).map((e) => e.attempt)).toEqual([1])

      // A handler of this node running past several lease lengths keeps its run: its lease is renewed.
      const held = yield* jobs.enqueue(SingleUniqueJob, { key: "s-held" })
      yield* eventually(starts("s-held"), (started) => started.length === 1, { what: "the run to start", timeout: Duration.seconds(10) })
      const leaseUntil = Effect.flatMap(SqlClient.SqlClient, (sql) =>
        sql<{ readonly ms: number }>`SELECT extract(epoch FROM lease_until) * 1000 AS ms FROM job_runs WHERE id = ${held}`)
        .pipe(Effect.map((rows) => Number(rows[0]?.ms ?? 0)))
      const firstLease = yield* leaseUntil
      // Renewed until well past the end of the lease it was claimed with, and never run twice.
      yield* eventually(leaseUntil, (until) => until > firstLease + 2 * LEASE_MS, {
        what: "the lease to be renewed twice over",
        timeout: Duration.seconds(15)
      })
      expect((yield* starts("s-held")).length).toBe(1)
      expect(Option.map(yield* jobs.get(held), (run) => [run.state, run.attempt])).toEqual(Option.some(["running", 1]))
      yield* Deferred.succeed(yield* (yield* Probe).gate("s-held"), undefined)
      expect(yield* awaitRun(held)).toMatchObject({ state: "completed", attempt: 1 })
    }))
})
