/**
 * Child process: an open-loop load at a fixed rate, for latency figures "at N requests per second".
 * autocannon's rate limit releases each connection's quota in a burst at the top of every second
 * (and then corrects for coordinated omission), so its p99 at a fixed rate measures those bursts.
 * Here requests leave evenly spaced (one every 1/rate s) over up to `connections` keep-alive
 * connections, and each latency counts from the moment the request was due, so a slow server is not
 * hidden by a generator that waits for it. Sends one LoadResult over IPC, like autocannon-child.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Effect, Schema } from "effect"
import { Pool } from "undici"
import { LoadRequest, LoadResult } from "./protocol.js"

interface Outcome {
  readonly latencies: Array<number>
  ok: number
  non2xx: number
  errors: number
  sent: number
}

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0

const send = (message: LoadResult) =>
  Effect.async<void, Error>((resume) => {
    if (process.send === undefined) return resume(Effect.fail(new Error("no IPC channel: start this through forkScript")))
    process.send(Schema.encodeSync(LoadResult)(message), (error: Error | null) =>
      resume(error === null ? Effect.void : Effect.fail(error))
    )
  })

/** Runs `seconds` of load at `rate`; resolves once every request sent has answered. */
const runPaced = async (request: LoadRequest, rate: number, seconds: number, record: boolean): Promise<Outcome> => {
  const url = new URL(request.url)
  const pool = new Pool(url.origin, { connections: request.connections, pipelining: 1 })
  const plan = request.sequence?.requests ?? [{ path: `${url.pathname}${url.search}`, user: -1 }]
  const headersOf = (user: number) => (user < 0 ? request.headers ?? {} : request.sequence?.users[user] ?? {})
  const outcome: Outcome = { latencies: [], ok: 0, non2xx: 0, errors: 0, sent: 0 }
  const inflight = new Set<Promise<void>>()
  const total = Math.round(rate * seconds)
  const started = performance.now()
  while (outcome.sent < total) {
    const due = started + (outcome.sent * 1000) / rate
    // Always yield (at least a timer tick), so responses are read while the schedule runs.
    const wait = due - performance.now()
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.floor(wait))))
    // Send everything that is due (a late timer sends its backlog at once, timed from when it was due).
    const now = performance.now()
    while (outcome.sent < total && started + (outcome.sent * 1000) / rate <= now) {
      const dueAt = started + (outcome.sent * 1000) / rate
      const step = plan[outcome.sent % plan.length]!
      outcome.sent++
      const done: Promise<void> = pool
        .request({ method: "GET", path: step.path, headers: headersOf(step.user) })
        .then(async (res) => {
          await res.body.dump()
          // Only answers that served the request count, in latency as in rate: an error page is not service.
          if (res.statusCode >= 200 && res.statusCode < 300) {
            outcome.ok++
            if (record) outcome.latencies.push(performance.now() - dueAt)
          } else outcome.non2xx++
        })
        .catch(() => {
          outcome.errors++
        })
        .finally(() => inflight.delete(done))
      inflight.add(done)
    }
  }
  await Promise.all(inflight)
  await pool.close()
  return outcome
}

const program = Effect.gen(function* () {
  const request = yield* Schema.decodeUnknown(Schema.parseJson(LoadRequest))(process.argv[2])
  const rate = request.rate ?? 1000
  if (request.warmupS > 0) yield* Effect.promise(() => runPaced(request, rate, request.warmupS, false))
  const started = performance.now()
  const outcome = yield* Effect.promise(() => runPaced(request, rate, request.durationS, true))
  const durationS = (performance.now() - started) / 1000
  const sorted = outcome.latencies.sort((a, b) => a - b)
  yield* send(
    new LoadResult({
      title: request.title,
      url: request.url,
      durationS,
      rps: outcome.ok / durationS,
      completed: outcome.ok,
      warmupCompleted: 0,
      p50Ms: Math.round(percentile(sorted, 50) * 100) / 100,
      p99Ms: Math.round(percentile(sorted, 99) * 100) / 100,
      ok2xx: outcome.ok,
      non2xx: outcome.non2xx,
      errors: outcome.errors,
      timeouts: 0
    })
  )
  process.disconnect()
})

NodeRuntime.runMain(program)
