/**
 * Test job kinds (tiny backoffs and timeouts), their handlers, a `Probe` the handlers report to,
 * and a whole node (server + workers + these kinds) on a fresh Postgres database.
 */
import { HttpServer } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { defineJob, NotFound, TooManyRequests, Unavailable } from "@mediaserver/domain"
import { Jobs } from "@mediaserver/server/jobs"
import { jobHandlerLayer } from "@mediaserver/server/jobs"
import { Context, Data, Deferred, Duration, Effect, Layer, Option, Redacted, Schema } from "effect"
import { eventually } from "@mediaserver/testkit/Poll"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"
import { testNode } from "@mediaserver/testkit/TestServer"
import { WorkersLive } from "../../src/index.js"

export interface ProbeEvent {
  readonly type: "start" | "interrupted" | "gaveup"
  readonly attempt: number
  readonly at: number
}

/** What handlers saw, by payload key, plus a gate per key and the peak concurrency per key prefix. */
export class Probe extends Context.Tag("test/Probe")<
  Probe,
  {
    readonly record: (key: string, type: ProbeEvent["type"], attempt: number) => Effect.Effect<void>
    readonly events: (key: string) => Effect.Effect<ReadonlyArray<ProbeEvent>>
    readonly gate: (key: string) => Effect.Effect<Deferred.Deferred<void>>
    readonly enter: (group: string) => Effect.Effect<void>
    readonly leave: (group: string) => Effect.Effect<void>
    readonly peak: (group: string) => Effect.Effect<number>
  }
>() {
  static readonly layer = Layer.sync(Probe, () => {
    const events = new Map<string, Array<ProbeEvent>>()
    const gates = new Map<string, Deferred.Deferred<void>>()
    const running = new Map<string, number>()
    const peaks = new Map<string, number>()
    return {
      record: (key, type, attempt) =>
        Effect.sync(() => events.set(key, [...(events.get(key) ?? []), { type, attempt, at: Date.now() }])),
      events: (key) => Effect.sync(() => events.get(key) ?? []),
      gate: (key) =>
        Effect.gen(function* () {
          const existing = gates.get(key)
          if (existing !== undefined) return existing
          const created = yield* Deferred.make<void>()
          gates.set(key, created)
          return created
        }),
      enter: (group) =>
        Effect.sync(() => {
          const now = (running.get(group) ?? 0) + 1
          running.set(group, now)
          peaks.set(group, Math.max(peaks.get(group) ?? 0, now))
        }),
      leave: (group) => Effect.sync(() => running.set(group, (running.get(group) ?? 1) - 1)),
      peak: (group) => Effect.sync(() => peaks.get(group) ?? 0)
    }
  })
}

export class CustomDiscard extends Data.TaggedError("CustomDiscard")<{ readonly message: string }> {
  get family(): "Discard" {
    return "Discard"
  }
}

export const Behaviour = Schema.Literal("unavailable", "429", "notfound", "custom", "defect", "hang")

/** Fails `failTimes` attempts as `behaviour` says, then succeeds. */
export const FlakyJob = defineJob({
  name: "test.flaky",
  payload: Schema.Struct({
    key: Schema.String,
    behaviour: Behaviour,
    failTimes: Schema.Number,
    retryAfterMs: Schema.optional(Schema.Number)
  }),
  steps: "durable",
  queue: "default",
  maxAttempts: 3,
  backoff: { base: "100 millis", max: "1 second" },
  timeout: "300 millis",
})

/** As FlakyJob, but its backoff is minutes: between attempts it sleeps on the durable clock. */
export const SlowBackoffJob = defineJob({
  ...FlakyJob,
  name: "test.slow_backoff",
  backoff: { base: "2 minutes", max: "5 minutes" }
})

const KeyPayload = Schema.Struct({ key: Schema.String })

/** Records each run; waits for its gate when `gated`. */
export const SimpleJob = defineJob({
  name: "test.simple",
  payload: KeyPayload,
  steps: "durable",
  queue: "default",
  maxAttempts: 3,
  backoff: { base: "100 millis", max: "1 second" },
  timeout: "10 seconds"
})

export const UniqueJob = defineJob({ ...SimpleJob, name: "test.unique", unique: {} })

export const PeriodicJob = defineJob({
  ...SimpleJob,
  name: "test.periodic",
  unique: { period: "1 hour" }
})

/** On the bulk queue, whose cap the test node sets to 2; each run holds its slot 150 ms. */
export const CappedJob = defineJob({
  ...SimpleJob,
  name: "test.capped",
  queue: "bulk",
  backoff: { base: 100, max: 1000 }
})
export const BULK_CAP = 2

/** The same kinds run single-step: claimed from `job_runs`, no workflow execution. */
export const SingleFlakyJob = defineJob({ ...FlakyJob, name: "test.single_flaky", steps: "single" })
export const SingleSimpleJob = defineJob({ ...SimpleJob, name: "test.single_simple", steps: "single" })
export const SingleUniqueJob = defineJob({ ...UniqueJob, name: "test.single_unique", steps: "single" })
export const SingleCappedJob = defineJob({ ...CappedJob, name: "test.single_capped", steps: "single" })

const flaky = (
  { behaviour, failTimes, key, retryAfterMs }: typeof FlakyJob.payload.Type,
  { attempt }: { readonly attempt: number }
) =>
    Effect.gen(function* () {
      const probe = yield* Probe
      yield* probe.record(key, "start", attempt)
      if (attempt > failTimes) return
      switch (behaviour) {
        case "unavailable":
          return yield* new Unavailable({ message: "upstream 503" })
        case "429":
          return yield* new TooManyRequests({ message: "slow down", retryAfterMs })
        case "notfound":
          return yield* new NotFound({ message: "upstream 404" })
        case "custom":
          return yield* new CustomDiscard({ message: "unmatched file" })
        case "defect":
          // A thrown exception inside the handler, as a bug would throw it.
          yield* Effect.sync(() => JSON.parse("{not json"))
          return
        case "hang":
          return yield* Effect.onInterrupt(Effect.never, () => probe.record(key, "interrupted", attempt))
      }
    })

const recordStart = ({ key }: { readonly key: string }, { attempt }: { readonly attempt: number }) =>
  Effect.flatMap(Probe, (probe) => probe.record(key, "start", attempt))
const gated = ({ key }: { readonly key: string }, { attempt }: { readonly attempt: number }) =>
  Effect.gen(function* () {
    const probe = yield* Probe
    yield* probe.record(key, "start", attempt)
    yield* Effect.onInterrupt(Deferred.await(yield* probe.gate(key)), () => probe.record(key, "interrupted", attempt))
  })
const capped = ({ key }: { readonly key: string }, { attempt }: { readonly attempt: number }) =>
  Effect.gen(function* () {
    const probe = yield* Probe
    yield* probe.record(key, "start", attempt)
    yield* probe.enter("capped")
    yield* Effect.sleep(Duration.millis(150)).pipe(Effect.ensuring(probe.leave("capped")))
  })
// The run's end is reported to the kind once, whatever ended it.
const gaveUp = ({ key }: { readonly key: string }) => Effect.flatMap(Probe, (probe) => probe.record(key, "gaveup", 0))

const TestHandlersLive = Layer.mergeAll(
  jobHandlerLayer(FlakyJob, flaky, gaveUp),
  jobHandlerLayer(SlowBackoffJob, flaky),
  jobHandlerLayer(SimpleJob, recordStart),
  jobHandlerLayer(UniqueJob, gated),
  jobHandlerLayer(PeriodicJob, recordStart),
  jobHandlerLayer(CappedJob, capped),
  jobHandlerLayer(SingleFlakyJob, flaky, gaveUp),
  jobHandlerLayer(SingleSimpleJob, recordStart),
  jobHandlerLayer(SingleUniqueJob, gated),
  jobHandlerLayer(SingleCappedJob, capped)
).pipe(Layer.provideMerge(Probe.layer))

/** A whole node (in-process, SingleRunner on SQL storage) with the catalogue and the test kinds. */
export const jobsNode = (label: string, env: Record<string, string> = {}) =>
  Layer.unwrapScoped(
    Effect.gen(function* () {
      const db = yield* freshDatabase(label)
      // Probe is merged out as well: the memo map gives the handlers and the test the same one.
      return Layer.merge(
        testNode(
          { LOG_LEVEL: "Error", DATABASE_URL: Redacted.value(db.url), JOB_QUEUE_BULK_CONCURRENCY: String(BULK_CAP), ...env },
          Layer.mergeAll(TestHandlersLive, WorkersLive)
        ),
        Probe.layer
      )
    })
  )

type Finished = "completed" | "failed" | "discarded"

/** Waits until the run reaches one of `states` and returns it. */
export const awaitRun = (runId: string, states: ReadonlyArray<Finished> = ["completed", "failed", "discarded"]) =>
  Effect.gen(function* () {
    const jobs = yield* Jobs
    const found = yield* eventually(jobs.get(runId), (run) => Option.isSome(run) && states.some((s) => s === run.value.state), {
      what: `run ${runId} in ${states.join("|")}`,
      timeout: Duration.seconds(20)
    })
    return yield* found
  })

export const countRows = (query: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql.unsafe<{ readonly n: number }>(query)
    return rows[0]?.n ?? -1
  })

/** The base URL of the test node's HTTP server. */
export const serverUrl = Effect.map(HttpServer.HttpServer, (server) =>
  `http://127.0.0.1:${server.address._tag === "TcpAddress" ? server.address.port : 0}`)
