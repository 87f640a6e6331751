/**
 * Child process: runs autocannon (warm-up, then the measured run) as asked in argv[2] and sends one
 * LoadResult over IPC. Runs in its own process so the load generator never shares an event loop with
 * the server it measures.
 */
import { NodeRuntime } from "@effect/platform-node"
import autocannon from "autocannon"
import { Effect, Schema } from "effect"
import { LoadRequest, LoadResult } from "./protocol.js"

const send = (message: LoadResult) =>
  Effect.async<void, Error>((resume) => {
    if (process.send === undefined) return resume(Effect.fail(new Error("no IPC channel: start this through forkScript")))
    process.send(Schema.encodeSync(LoadResult)(message), (error: Error | null) =>
      resume(error === null ? Effect.void : Effect.fail(error))
    )
  })

const program = Effect.gen(function* () {
  const request = yield* Schema.decodeUnknown(Schema.parseJson(LoadRequest))(process.argv[2])
  const result = yield* Effect.tryPromise(() =>
    autocannon({
      url: request.url,
      title: request.title,
      connections: request.connections,
      duration: request.durationS,
      ...(request.headers === undefined ? {} : { headers: request.headers }),
      ...(request.sequence === undefined ? {} : {
        requests: request.sequence.requests.map((r) => ({
          method: "GET" as const,
          path: r.path,
          headers: request.sequence?.users[r.user] ?? {}
        }))
      }),
      ...(request.rate === undefined ? {} : { overallRate: request.rate }),
      ...(request.warmupS > 0 ? { warmup: { connections: request.connections, duration: request.warmupS } } : {})
    })
  )
  yield* send(
    new LoadResult({
      title: request.title,
      url: request.url,
      durationS: result.duration,
      // Successful answers only: autocannon's request counts include non-2xx answers. (Its latency
      // percentiles cannot be split by status; the runner flags a run that had any failure.)
      rps: result["2xx"] / result.duration,
      completed: result["2xx"],
      warmupCompleted: result.warmup?.requests.total ?? 0,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      ok2xx: result["2xx"],
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts
    })
  )
  process.disconnect()
})

NodeRuntime.runMain(program)
