/** Runs one autocannon measurement in a child process (see autocannon-child.ts). */
import { availableParallelism, loadavg } from "node:os"
import { Effect, Schema } from "effect"
import { progress, round } from "../report.js"
import { awaitMessage, awaitSuccess, ChildError, forkScript } from "./fork.js"
import { LoadRequest, LoadResult } from "./protocol.js"

export const runLoad = (request: LoadRequest): Effect.Effect<LoadResult, ChildError> =>
  Effect.scoped(
    Effect.gen(function* () {
      progress(
        `${request.title}: ${request.url}, ${request.connections} connections, ${request.warmupS} s warm-up + ${request.durationS} s` +
          ` (load average ${loadavg().map((n) => n.toFixed(2)).join(" ")} on ${availableParallelism()} cores)`
      )
      // A fixed rate is an open-loop load (paced-child); as fast as it answers, autocannon.
      const script = request.rate === undefined ? "autocannon-child" : "paced-child"
      const child = yield* forkScript(script, [Schema.encodeSync(Schema.parseJson(LoadRequest))(request)])
      const result = yield* awaitMessage(script, child, LoadResult)
      yield* awaitSuccess(script, child)
      progress(
        `${request.title}: ${round(result.rps, 1)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms` +
          ` (${result.completed} completed, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts)`
      )
      if (result.ok2xx === 0) {
        return yield* new ChildError({ script: "autocannon-child", message: `${request.title}: no 2xx response at all` })
      }
      if (result.non2xx > 0 || result.errors > 0) {
        progress(`WARNING ${request.title}: ${result.non2xx} non-2xx responses and ${result.errors} errors; figures are suspect`)
      }
      return result
    })
  )

/** Requests of the given runs that were not served (non-2xx answers, errors, timeouts): a figure of its own. */
export const failedRequests = (...results: ReadonlyArray<LoadResult>): number =>
  results.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0)

/** The gateway's trivial endpoint: what a page or a login on the same server can at best approach. */
export const TRIVIAL_PATH = "/api/v1/system/info"

/** The trivial endpoint's rate on `baseUrl`, measured in the run that quotes it (as fast as it answers). */
export const trivialLoad = (baseUrl: string, connections: number, durationS: number, warmupS: number) =>
  runLoad(new LoadRequest({ title: `trivial endpoint (${TRIVIAL_PATH})`, url: `${baseUrl}${TRIVIAL_PATH}`, connections, durationS, warmupS }))
