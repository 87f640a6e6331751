import { expect, layer } from "@effect/vitest"
import { AdminJobsRpcs, Forbidden, JobRun, JobRunsPage } from "@mediaserver/domain"
import { Jobs, jobWorkflow } from "@mediaserver/server/jobs"
import { Deferred, Duration, Effect, Option, Schema } from "effect"
import { account, read, request } from "@mediaserver/testkit/Http"
import { eventually } from "@mediaserver/testkit/Poll"
import { rpcAuth, rpcClient } from "@mediaserver/testkit/Rpc"
import { awaitRun, CappedJob, FlakyJob, jobsNode, Probe, serverUrl, SimpleJob, SlowBackoffJob, UniqueJob } from "./support/TestJobs.js"

/** The admin (first account) and a plain user, signed in once per node. */
const accounts = Effect.gen(function* () {
  const url = yield* serverUrl
  const admin = yield* account(url, "jobadmin")
  const user = yield* account(url, "jobuser")
  return { url, admin: admin.auth, user: user.auth }
}).pipe(Effect.cached, Effect.runSync)

const readRun = read(Schema.encodedSchema(JobRun))
const readPage = read(Schema.encodedSchema(JobRunsPage))

const starts = (key: string) =>
  Effect.flatMap(Probe, (probe) => probe.events(key)).pipe(Effect.map((events) => events.filter((e) => e.type === "start")))

layer(jobsNode("jobs_admin"), { excludeTestServices: true })("job visibility (admin)", (it) => {
  it.effect("401 anonymous, 403 user, 404 unknown run, 400 malformed id", () =>
    Effect.gen(function* () {
      const { admin, url, user } = yield* accounts
      const unknown = "00000000-0000-4000-8000-000000000000"
      const operations = [
        ["GET", "/api/v1/admin/jobs"],
        ["GET", `/api/v1/admin/jobs/${unknown}`],
        ["POST", `/api/v1/admin/jobs/${unknown}/retry`],
        ["POST", `/api/v1/admin/jobs/${unknown}/cancel`]
      ] as const
      for (const [method, path] of operations) {
        expect((yield* request(url, method, path)).status, `${method} ${path} anonymous`).toBe(401)
        expect((yield* request(url, method, path, { auth: user })).status, `${method} ${path} as user`).toBe(403)
      }
      for (const [method, path] of operations.slice(1)) {
        const missing = yield* request(url, method, path, { auth: admin })
        expect(missing.status, `${method} ${path} unknown`).toBe(404)
        expect(missing.body).toMatchObject({ code: "NotFound" })
      }
      expect((yield* request(url, "GET", "/api/v1/admin/jobs/nope", { auth: admin })).status).toBe(400)
    }))

  it.effect("schedules with their next run; an admin runs one now (each request a new run)", () =>
    Effect.gen(function* () {
      const { admin, url, user } = yield* accounts
      expect((yield* request(url, "GET", "/api/v1/admin/jobs/schedules", { auth: user })).status).toBe(403)
      expect((yield* request(url, "POST", "/api/v1/admin/jobs/schedules/jobs.retention", { auth: user })).status).toBe(403)
      const listed = yield* request(url, "GET", "/api/v1/admin/jobs/schedules", { auth: admin })
      const schedules = yield* read(Schema.Array(Schema.Struct({ name: Schema.String, kind: Schema.String, cron: Schema.String, nextRunAt: Schema.String })))(listed)
      const retention = schedules.find((s) => s.name === "jobs.retention")
      expect(retention).toMatchObject({ kind: "jobs.retention", cron: "30 * * * *" })
      // Hourly at :30: due within the next hour.
      const due = Date.parse(retention?.nextRunAt ?? "") - Date.now()
      expect(due).toBeGreaterThan(0)
      expect(due).toBeLessThanOrEqual(3_600_000)
      expect(new Date(retention?.nextRunAt ?? "").getUTCMinutes()).toBe(30)

      const first = yield* readRun(yield* request(url, "POST", "/api/v1/admin/jobs/schedules/jobs.retention", { auth: admin }))
      const second = yield* readRun(yield* request(url, "POST", "/api/v1/admin/jobs/schedules/jobs.retention", { auth: admin }))
      expect(first.kind).toBe("jobs.retention")
      expect(second.id).not.toBe(first.id)
      const done = yield* awaitRun(first.id)
      expect(done.state).toBe("completed")
      expect((yield* request(url, "POST", "/api/v1/admin/jobs/schedules/nosuch", { auth: admin })).status).toBe(404)
    }))

  it.effect("lists runs by kind, queue and state, newest first, paginated, with attempts and last error", () =>
    Effect.gen(function* () {
      const { admin, url } = yield* accounts
      const jobs = yield* Jobs
      const discarded = yield* jobs.enqueue(FlakyJob, { key: "admin-list-404", behaviour: "notfound", failTimes: 9 })
      const first = yield* jobs.enqueue(SimpleJob, { key: "admin-list-1" })
      const second = yield* jobs.enqueue(SimpleJob, { key: "admin-list-2" })
      yield* Effect.forEach([discarded, first, second], (id) => awaitRun(id))

      const byState = yield* Effect.flatMap(
        request(url, "GET", "/api/v1/admin/jobs?kind=test.flaky&queue=default&state=discarded", { auth: admin }),
        readPage
      )
      const run = byState.items.find((r) => r.id === discarded)
      expect(run).toMatchObject({ state: "discarded", attempt: 1, maxAttempts: 3, queue: "default" })
      expect(run?.lastError).toContain("NotFound")
      expect(byState.items.every((r) => r.kind === "test.flaky" && r.state === "discarded")).toBe(true)

      const page1 = yield* Effect.flatMap(request(url, "GET", "/api/v1/admin/jobs?kind=test.simple&pageSize=1", { auth: admin }), readPage)
      const page2 = yield* Effect.flatMap(
        request(url, "GET", "/api/v1/admin/jobs?kind=test.simple&pageSize=1&page=2", { auth: admin }),
        readPage
      )
      expect(page1.total).toBeGreaterThanOrEqual(2)
      expect(page1.items.map((r) => r.id)).toEqual([second])
      expect(page2.items.map((r) => r.id)).toEqual([first])

      const one = yield* Effect.flatMap(request(url, "GET", `/api/v1/admin/jobs/${first}`, { auth: admin }), readRun)
      expect(one).toMatchObject({ id: first, kind: "test.simple", state: "completed", attempt: 1, payload: { key: "admin-list-1" } })
      expect((yield* request(url, "GET", "/api/v1/admin/jobs?state=bogus", { auth: admin })).status).toBe(400)
    }))

  it.effect("retry: a failed or discarded run runs again as a new run; any other state is 409", () =>
    Effect.gen(function* () {
      const { admin, url } = yield* accounts
      const jobs = yield* Jobs
      const payload = { key: "admin-retry", behaviour: "notfound", failTimes: 1 } as const
      const failed = yield* jobs.enqueue(FlakyJob, payload)
      yield* awaitRun(failed)
      const retried = yield* request(url, "POST", `/api/v1/admin/jobs/${failed}/retry`, { auth: admin })
      expect(retried.status).toBe(201)
      const fresh = yield* readRun(retried)
      expect(fresh.id).not.toBe(failed)
      expect(fresh).toMatchObject({ kind: "test.flaky", queue: "default", payload })
      // Attempts count per run: the new run's attempt 1 fails again (discarded), and it did run.
      expect((yield* awaitRun(fresh.id)).state).toBe("discarded")
      expect((yield* starts("admin-retry")).length).toBe(2)

      const done = yield* jobs.enqueue(SimpleJob, { key: "admin-retry-done" })
      yield* awaitRun(done)
      const conflict = yield* request(url, "POST", `/api/v1/admin/jobs/${done}/retry`, { auth: admin })
      expect(conflict.status).toBe(409)
      expect(conflict.body).toMatchObject({ code: "Conflict" })
    }))

  it.effect("cancel a running run: its handler is interrupted and the run stays cancelled; again is 409", () =>
    Effect.gen(function* () {
      const { admin, url } = yield* accounts
      const jobs = yield* Jobs
      const id = yield* jobs.enqueue(UniqueJob, { key: "admin-cancel-running" })
      // A run beside it on the same node, which the cancel must leave alone.
      const bystander = yield* jobs.enqueue(UniqueJob, { key: "admin-cancel-bystander" })
      yield* eventually(
        Effect.zipWith(starts("admin-cancel-running"), starts("admin-cancel-bystander"), (a, b) => a.length + b.length),
        (started) => started === 2,
        { what: "both runs to start", timeout: Duration.seconds(10) }
      )
      const cancelled = yield* request(url, "POST", `/api/v1/admin/jobs/${id}/cancel`, { auth: admin })
      expect(cancelled.status).toBe(200)
      expect(cancelled.body).toMatchObject({ id, state: "cancelled" })
      expect((yield* request(url, "POST", `/api/v1/admin/jobs/${id}/cancel`, { auth: admin })).status).toBe(409)

      // The gate never opens: the workflow ends only because the cancel interrupted the handler, and
      // the attempt's success afterwards does not mark the run completed.
      const workflow = jobWorkflow(UniqueJob.name)
      const executionId = yield* workflow.executionId({ runId: id, payload: { key: "admin-cancel-running" } })
      yield* eventually(workflow.poll(executionId), (result) => result?._tag === "Complete", { what: "the workflow to end", timeout: Duration.seconds(10) })
      expect(Option.map(yield* jobs.get(id), (run) => run.state)).toEqual(Option.some("cancelled"))
      expect(Option.map(yield* jobs.get(bystander), (run) => run.state)).toEqual(Option.some("running"))
      const probe = yield* Probe
      yield* Deferred.succeed(yield* probe.gate("admin-cancel-bystander"), undefined)
      expect((yield* awaitRun(bystander)).state).toBe("completed")
      // Cancelling released the unique key: the same args enqueue a new run (cancelled too: its gate never opens).
      const again = yield* jobs.enqueue(UniqueJob, { key: "admin-cancel-running" })
      expect(again).not.toBe(id)
      yield* eventually(starts("admin-cancel-running"), (events) => events.length === 2, {
        what: "the new run to start",
        timeout: Duration.seconds(10)
      })
      expect((yield* request(url, "POST", `/api/v1/admin/jobs/${again}/cancel`, { auth: admin })).status).toBe(200)
      const next = yield* workflow.executionId({ runId: again, payload: { key: "admin-cancel-running" } })
      yield* eventually(workflow.poll(next), (result) => result?._tag === "Complete", { what: "the new run to end", timeout: Duration.seconds(10) })
    }))

  it.effect("cancel a run sleeping in a durable backoff: it ends at once and never tries again", () =>
    Effect.gen(function* () {
      const { admin, url } = yield* accounts
      const jobs = yield* Jobs
      const payload = { key: "admin-cancel-backoff", behaviour: "unavailable" as const, failTimes: 1 }
      const id = yield* jobs.enqueue(SlowBackoffJob, payload)
      yield* eventually(jobs.get(id), (run) => Option.isSome(run) && run.value.state === "retrying", {
        what: "the first attempt to fail into its backoff",
        timeout: Duration.seconds(10)
      })
      const cancelled = yield* request(url, "POST", `/api/v1/admin/jobs/${id}/cancel`, { auth: admin })
      expect(cancelled.status).toBe(200)
      expect(cancelled.body).toMatchObject({ id, state: "cancelled" })
      // The backoff is two minutes or more: the workflow ends well before it because the cancel interrupted it.
      const workflow = jobWorkflow(SlowBackoffJob.name)
      const executionId = yield* workflow.executionId({ runId: id, payload })
      yield* eventually(workflow.poll(executionId), (result) => result?._tag === "Complete", { what: "the workflow to end", timeout: Duration.seconds(10) })
      expect((yield* starts("admin-cancel-backoff")).map((e) => e.attempt)).toEqual([1])
      expect(Option.map(yield* jobs.get(id), (run) => run.state)).toEqual(Option.some("cancelled"))
    }))

  it.effect("cancel a queued run: its handler never starts", () =>
    Effect.gen(function* () {
      const { admin, url } = yield* accounts
      const jobs = yield* Jobs
      // The bulk queue runs 2 at a time, 150 ms each: the last of 12 waits in the queue.
      const ids = yield* Effect.forEach(Array.from({ length: 12 }, (_, i) => i), (i) =>
        jobs.enqueue(CappedJob, { key: `admin-cancel-queued-${i}` }))
      const last = ids[ids.length - 1] ?? ""
      const cancelled = yield* Effect.flatMap(request(url, "POST", `/api/v1/admin/jobs/${last}/cancel`, { auth: admin }), readRun)
      expect(cancelled).toMatchObject({ state: "cancelled", startedAt: null })
      yield* Effect.forEach(ids.slice(0, -1), (id) => awaitRun(id))
      const workflow = jobWorkflow(CappedJob.name)
      const executionId = yield* workflow.executionId({ runId: last, payload: { key: "admin-cancel-queued-11" } })
      yield* eventually(workflow.poll(executionId), (result) => result?._tag === "Complete", { what: "the workflow to end", timeout: Duration.seconds(10) })
      expect(yield* starts("admin-cancel-queued-11")).toEqual([])
      expect(Option.map(yield* jobs.get(last), (run) => run.state)).toEqual(Option.some("cancelled"))
    }))

  it.effect("RPC: the same operations, admin only", () =>
    Effect.gen(function* () {
      const { admin, url, user } = yield* accounts
      const rpc = yield* rpcClient(AdminJobsRpcs, url)
      const jobs = yield* Jobs
      const id = yield* jobs.enqueue(SimpleJob, { key: "admin-rpc" })
      yield* awaitRun(id)
      const page = yield* rpc.JobsList({ kind: "test.simple", pageSize: 200 }).pipe(rpcAuth(admin))
      expect(page.items.some((r) => r.id === id)).toBe(true)
      const run = yield* rpc.JobsGet({ runId: id }).pipe(rpcAuth(admin))
      expect(run.state).toBe("completed")
      expect(run.insertedAt).toBeInstanceOf(Date)
      const forbidden = yield* Effect.flip(rpc.JobsList({}).pipe(rpcAuth(user)))
      expect(forbidden).toBeInstanceOf(Forbidden)
      const conflict = yield* Effect.flip(rpc.JobsCancel({ runId: id }).pipe(rpcAuth(admin)))
      expect(conflict._tag).toBe("Conflict")
    }).pipe(Effect.scoped))

  it.effect("/metrics: job_runs{queue,state} counted from job_runs at scrape time", () =>
    Effect.gen(function* () {
      const { url } = yield* accounts
      const jobs = yield* Jobs
      yield* awaitRun(yield* jobs.enqueue(SimpleJob, { key: "admin-metrics" }))
      const scrape = Effect.promise(() => fetch(`${url}/metrics`).then((res) => res.text()))
      const sample = (body: string, queue: string, state: string) => {
        const line = body.split("\n").find((l) =>
          l.startsWith("job_runs{") && l.includes(`queue="${queue}"`) && l.includes(`state="${state}"`))
        return line === undefined ? undefined : Number(line.split(" ").at(-1))
      }
      const body = yield* scrape
      expect(sample(body, "default", "completed")).toBeGreaterThanOrEqual(1)
      expect(sample(body, "critical", "running")).toBe(0)
    }))
})
