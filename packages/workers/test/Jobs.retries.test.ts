import { expect, layer } from "@effect/vitest"
import { backoffDelay } from "@mediaserver/domain"
import { Jobs } from "@mediaserver/server/jobs"
import { Duration, Effect } from "effect"
import { awaitRun, FlakyJob, jobsNode, Probe, SimpleJob } from "./support/TestJobs.js"

const starts = (key: string) =>
  Effect.map(Probe, (probe) => probe.events(key)).pipe(
    Effect.flatten,
    Effect.map((events) => events.filter((e) => e.type === "start"))
  )

const gaps = (events: ReadonlyArray<{ readonly at: number }>) =>
  events.slice(1).map((event, i) => event.at - (events[i]?.at ?? event.at))

const minDelay = (attempt: number) => Duration.toMillis(backoffDelay(FlakyJob.backoff, attempt, 0))

layer(jobsNode("jobs_retries"), { excludeTestServices: true })("job retries", (it) => {
  it.effect("a retryable failure retries with backoff and completes; attempts are recorded", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const id = yield* jobs.enqueue(FlakyJob, { key: "retry-ok", behaviour: "unavailable", failTimes: 2 })
      const run = yield* awaitRun(id)
      expect(run.state).toBe("completed")
      expect(run.attempt).toBe(3)
      expect(run.lastError).toContain("Unavailable")
      const events = yield* starts("retry-ok")
      expect(events.map((e) => e.attempt)).toEqual([1, 2, 3])
      const [first, second] = gaps(events)
      expect(first).toBeGreaterThanOrEqual(minDelay(1))
      expect(second).toBeGreaterThanOrEqual(minDelay(2))
    }))

  it.effect("attempts stop at the kind's maximum and the run fails", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const id = yield* jobs.enqueue(FlakyJob, { key: "retry-exhausted", behaviour: "unavailable", failTimes: 99 })
      const run = yield* awaitRun(id)
      expect(run.state).toBe("failed")
      expect(run.attempt).toBe(FlakyJob.maxAttempts)
      expect(run.lastError).toContain(`attempt 3 of 3`)
      expect((yield* starts("retry-exhausted")).length).toBe(FlakyJob.maxAttempts)
    }))

  it.effect("a 429 with Retry-After waits at least that long before the next attempt", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const retryAfterMs = 700
      const id = yield* jobs.enqueue(FlakyJob, { key: "429", behaviour: "429", failTimes: 1, retryAfterMs })
      const run = yield* awaitRun(id)
      expect(run.state).toBe("completed")
      expect(run.attempt).toBe(2)
      const [gap] = gaps(yield* starts("429"))
      expect(minDelay(1)).toBeLessThan(retryAfterMs)
      expect(gap).toBeGreaterThanOrEqual(retryAfterMs)
    }))

  it.effect("a Discard error (upstream 404) ends the run at attempt 1", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const id = yield* jobs.enqueue(FlakyJob, { key: "discard-404", behaviour: "notfound", failTimes: 99 })
      const run = yield* awaitRun(id)
      expect(run.state).toBe("discarded")
      expect(run.attempt).toBe(1)
      expect(run.lastError).toContain("NotFound")
      expect((yield* starts("discard-404")).length).toBe(1)
    }))

  it.effect("an error tag the kind lists as discarding ends the run at attempt 1", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const id = yield* jobs.enqueue(FlakyJob, { key: "discard-custom", behaviour: "custom", failTimes: 99 })
      const run = yield* awaitRun(id)
      expect(run.state).toBe("discarded")
      expect(run.attempt).toBe(1)
      expect((yield* starts("discard-custom")).length).toBe(1)
    }))

  it.effect("a defect fails that run only; the node keeps running other jobs", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const id = yield* jobs.enqueue(FlakyJob, { key: "defect", behaviour: "defect", failTimes: 99 })
      const run = yield* awaitRun(id)
      expect(run.state).toBe("failed")
      expect(run.attempt).toBe(1)
      expect(run.lastError).toContain("defect: SyntaxError")
      expect((yield* starts("defect")).length).toBe(1)
      const after = yield* awaitRun(yield* jobs.enqueue(SimpleJob, { key: "after-defect" }))
      expect(after.state).toBe("completed")
    }))

  it.effect("a run that gives up tells its kind once, also when its last attempt timed out", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const id = yield* jobs.enqueue(FlakyJob, { key: "gave-up", behaviour: "hang", failTimes: 99 })
      const run = yield* awaitRun(id)
      expect(run.state).toBe("failed")
      const events = yield* Probe.pipe(Effect.flatMap((probe) => probe.events("gave-up")))
      expect(events.filter((e) => e.type === "gaveup")).toHaveLength(1)
      expect(events.filter((e) => e.type === "start")).toHaveLength(FlakyJob.maxAttempts)
      const ok = yield* jobs.enqueue(FlakyJob, { key: "not-given-up", behaviour: "unavailable", failTimes: 1 })
      yield* awaitRun(ok)
      expect((yield* Probe.pipe(Effect.flatMap((probe) => probe.events("not-given-up")))).some((e) => e.type === "gaveup")).toBe(false)
    }))

  it.effect("a timeout interrupts the attempt and counts as retryable", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const id = yield* jobs.enqueue(FlakyJob, { key: "timeout", behaviour: "hang", failTimes: 1 })
      const run = yield* awaitRun(id)
      expect(run.state).toBe("completed")
      expect(run.attempt).toBe(2)
      expect(run.lastError).toContain("JobTimeout")
      const events = (yield* Probe.pipe(Effect.flatMap((probe) => probe.events("timeout")))).map((e) => [e.type, e.attempt])
      expect(events).toEqual([["start", 1], ["interrupted", 1], ["start", 2]])
    }))
})

// Every backoff on the durable clock: the workflow suspends between attempts and its body is replayed
// from the start when the clock fires, so each attempt must still run exactly once.
layer(jobsNode("jobs_replay", { JOB_DURABLE_BACKOFF_AFTER: "1 millis" }), { excludeTestServices: true })("job retries across replays", (it) => {
  it.effect("after durable backoffs each attempt runs once and the run completes", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const id = yield* jobs.enqueue(FlakyJob, { key: "replay-ok", behaviour: "unavailable", failTimes: 2 })
      const run = yield* awaitRun(id)
      expect(run.state).toBe("completed")
      expect(run.attempt).toBe(3)
      expect((yield* starts("replay-ok")).map((e) => e.attempt)).toEqual([1, 2, 3])
    }))

  it.effect("a run that keeps failing still stops at the kind's maximum", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const id = yield* jobs.enqueue(FlakyJob, { key: "replay-exhausted", behaviour: "unavailable", failTimes: 99 })
      const run = yield* awaitRun(id)
      expect(run.state).toBe("failed")
      expect((yield* starts("replay-exhausted")).map((e) => e.attempt)).toEqual([1, 2, 3])
    }))
})
