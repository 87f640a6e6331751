/**
 * http-baseline: req/s and latency of the real gateway (in this process, on a fresh Postgres
 * database, LOG_LEVEL=warn) against a bare node:http server (own process) serving the same bytes,
 * and against the floor of any Effect HTTP app (effect-floor-child.ts: @effect/platform's Node server and
 * nothing else), for GET /api/v1/system/info and GET /healthz: req/s, their ratios, and the server's CPU
 * per request. autocannon runs in a child process, so the load generator never competes with the
 * server for its event loop.
 *
 * Settings (env): BENCH_DURATION_S (10), BENCH_WARMUP_S (2), BENCH_CONNECTIONS (50).
 */
import { Config, Effect, Option } from "effect"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"
import { emit, progress, round } from "./report.js"
import { startBareServer } from "./support/bare.js"
import { withCpu } from "./support/cpu.js"
import { failedRequests, runLoad } from "./support/load.js"
import { LoadRequest, type CannedResponse } from "./support/protocol.js"

const BENCH = "http-baseline"
const INFO = "/api/v1/system/info"
const HEALTHZ = "/healthz"

const settings = Config.all({
  durationS: Config.number("BENCH_DURATION_S").pipe(
    Config.withDefault(10),
    Config.validate({ message: "Expected a positive number of seconds", validation: (n) => n > 0 })
  ),
  warmupS: Config.number("BENCH_WARMUP_S").pipe(
    Config.withDefault(2),
    Config.validate({ message: "Expected a non-negative number of seconds", validation: (n) => n >= 0 })
  ),
  connections: Config.integer("BENCH_CONNECTIONS").pipe(
    Config.withDefault(50),
    Config.validate({ message: "Expected a positive integer", validation: (n) => n > 0 })
  )
})

/** Headers worth copying to the bare server (the ones node:http adds by itself are left out). */
const COPIED_HEADERS = ["content-type", "cache-control"]

/** One real response, to be served byte for byte by the bare server. */
const capture = (url: string): Effect.Effect<CannedResponse, Error> =>
  Effect.tryPromise({
    try: async () => {
      const response = await fetch(url)
      const body = await response.text()
      const headers: Record<string, string> = {}
      for (const name of COPIED_HEADERS) {
        const value = response.headers.get(name)
        if (value !== null) headers[name] = value
      }
      return { status: response.status, headers, body }
    },
    catch: (cause) => new Error(`GET ${url} failed: ${String(cause)}`)
  }).pipe(
    Effect.filterOrFail(
      (response) => response.status === 200,
      (response) => new Error(`GET ${url} answered ${response.status}: ${response.body}`)
    ),
    Effect.tap((response) => progress(`captured ${url}: ${JSON.stringify(response.headers)} ${response.body}`))
  )

export const run = Effect.scoped(
  Effect.gen(function* () {
    const { durationS, warmupS, connections } = yield* settings
    progress("starting the real server on a fresh Postgres database (LOG_LEVEL=warn)")
    const gateway = yield* startServerWithDatabase({ LOG_LEVEL: "warn" })
    progress(`gateway listening on ${gateway.url}`)

    const canned = {
      [INFO]: yield* capture(`${gateway.url}${INFO}`),
      [HEALTHZ]: yield* capture(`${gateway.url}${HEALTHZ}`)
    }
    const bare = yield* startBareServer(canned)
    // The floor of any Effect HTTP server here: what the platform costs before our code runs.
    const floor = yield* startBareServer(canned, "effect-floor-child")
    progress(`bare server listening on ${bare.url}`)

    /** One measurement, with the server's CPU per request (warm-up included), which a busy machine distorts less than req/s. */
    const load = (title: string, url: string, serverPid: number) =>
      withCpu(serverPid, runLoad(new LoadRequest({ title, url, connections, durationS, warmupS }))).pipe(
        Effect.map(({ result, cpuS }) => {
          const cpuUs = Option.getOrElse(Option.map(cpuS, (cpu) => (cpu * 1e6) / (result.completed + result.warmupCompleted)), () => Number.NaN)
          progress(`${title}: ${round(cpuUs, 0)} µs of server CPU per request`)
          return { ...result, cpuUs }
        })
      )

    // The first load after start-up runs cold (JIT of a large program, the cluster's start-up work): prime
    // the gateway on both paths, unmeasured, as the auth bench does.
    for (const path of [INFO, HEALTHZ]) {
      yield* runLoad(new LoadRequest({ title: `priming ${path} (not measured)`, url: `${gateway.url}${path}`, connections, durationS: 3, warmupS: 0 }))
    }
    // Each gateway run is followed at once by the floor's on the same path: their ratio sees the same machine.
    const gatewayInfo = yield* load("gateway info", `${gateway.url}${INFO}`, process.pid)
    const floorInfo = yield* load("effect floor info", `${floor.url}${INFO}`, floor.pid)
    const gatewayHealthz = yield* load("gateway healthz", `${gateway.url}${HEALTHZ}`, process.pid)
    const floorHealthz = yield* load("effect floor healthz", `${floor.url}${HEALTHZ}`, floor.pid)
    const bareInfo = yield* load("bare info", `${bare.url}${INFO}`, bare.pid)
    const bareHealthz = yield* load("bare healthz", `${bare.url}${HEALTHZ}`, bare.pid)

    emit(BENCH, "gateway_rps", round(gatewayInfo.rps, 1), "req/s")
    emit(BENCH, "bare_rps", round(bareInfo.rps, 1), "req/s")
    emit(BENCH, "ratio_gateway_to_bare", round(gatewayInfo.rps / bareInfo.rps, 3), "ratio")
    emit(BENCH, "gateway_p99_ms", gatewayInfo.p99Ms, "ms")
    emit(BENCH, "gateway_p50_ms", gatewayInfo.p50Ms, "ms")
    emit(BENCH, "effect_floor_rps", round(floorInfo.rps, 1), "req/s")
    emit(BENCH, "ratio_effect_floor_to_bare", round(floorInfo.rps / bareInfo.rps, 3), "ratio")
    emit(BENCH, "ratio_gateway_to_effect_floor", round(gatewayInfo.rps / floorInfo.rps, 3), "ratio")
    emit(BENCH, "gateway_cpu_us_per_request", round(gatewayInfo.cpuUs, 0), "µs")
    emit(BENCH, "effect_floor_cpu_us_per_request", round(floorInfo.cpuUs, 0), "µs")
    emit(BENCH, "gateway_healthz_rps", round(gatewayHealthz.rps, 1), "req/s")
    emit(BENCH, "bare_healthz_rps", round(bareHealthz.rps, 1), "req/s")
    emit(BENCH, "effect_floor_healthz_rps", round(floorHealthz.rps, 1), "req/s")
    emit(BENCH, "ratio_gateway_healthz_to_effect_floor", round(gatewayHealthz.rps / floorHealthz.rps, 3), "ratio")
    emit(BENCH, "gateway_healthz_cpu_us_per_request", round(gatewayHealthz.cpuUs, 0), "µs")
    emit(BENCH, "effect_floor_healthz_cpu_us_per_request", round(floorHealthz.cpuUs, 0), "µs")
    emit(BENCH, "gateway_healthz_p99_ms", gatewayHealthz.p99Ms, "ms")
    emit(BENCH, "failed_requests", failedRequests(gatewayInfo, bareInfo, floorInfo, gatewayHealthz, floorHealthz, bareHealthz), "count")
    progress("tearing down (bare server, gateway, database)")
  })
)
