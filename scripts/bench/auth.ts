/**
 * `npm run bench -- auth`: authenticated GET /api/v1/users/me on the real gateway (in this process, fresh
 * Postgres database, Redis as L2, LOG_LEVEL=warn), autocannon in a child process.
 * - session token: as fast as it answers (cached_rps) and at a fixed 1,000 req/s (cached_p99_ms);
 * - API key: the same (apikey_rps, apikey_p99_ms);
 * - baseline in the same run: a second server on the same database with AUTH_CACHE_ENABLED=false (every
 *   request validates its token and roles in Postgres), as fast as it answers: ratio_cached_to_uncached;
 * - the cached server's trivial endpoint (trivial_rps, GET /api/v1/system/info), the ceiling of an
 *   authenticated request (ratio_cached_to_trivial).
 *
 * Settings (env): BENCH_DURATION_S (10), BENCH_WARMUP_S (2), BENCH_CONNECTIONS (50), BENCH_RATE (1000).
 */
import { Config, Effect, Schema } from "effect"
import { emit, progress, round } from "./report.js"
import { withCpu } from "./support/cpu.js"
import { cachedAndUncached } from "./support/gateways.js"
import { callJson } from "./support/http.js"
import { failedRequests, runLoad, trivialLoad } from "./support/load.js"
import { LoadRequest } from "./support/protocol.js"

const BENCH = "auth"
const ME = "/api/v1/users/me"
const PASSWORD = "a benchmark passphrase"

const positive = (name: string, fallback: number) =>
  Config.number(name).pipe(
    Config.withDefault(fallback),
    Config.validate({ message: "Expected a positive number", validation: (n) => n > 0 })
  )

const settings = Config.all({
  durationS: positive("BENCH_DURATION_S", 10),
  warmupS: Config.number("BENCH_WARMUP_S").pipe(
    Config.withDefault(2),
    Config.validate({ message: "Expected a non-negative number of seconds", validation: (n) => n >= 0 })
  ),
  connections: Config.integer("BENCH_CONNECTIONS").pipe(
    Config.withDefault(50),
    Config.validate({ message: "Expected a positive integer", validation: (n) => n > 0 })
  ),
  rate: positive("BENCH_RATE", 1000)
})

const post = <A, I>(url: string, body: unknown, schema: Schema.Schema<A, I>, headers: Record<string, string> = {}) =>
  callJson("POST", url, body, schema, headers)

export const run = Effect.scoped(
  Effect.gen(function* () {
    const { connections, durationS, rate, warmupS } = yield* settings
    progress("starting the gateway (auth cached) and a second one with AUTH_CACHE_ENABLED=false, same database")
    const { cached, uncached } = yield* cachedAndUncached("benchauth", "AUTH_CACHE_ENABLED")

    yield* post(`${cached.url}/api/v1/auth/register`, { username: "bench", email: "bench@example.test", password: PASSWORD }, Schema.Unknown)
    const { accessToken } = yield* post(
      `${cached.url}/api/v1/auth/login`,
      { username: "bench", password: PASSWORD },
      Schema.Struct({ accessToken: Schema.String })
    )
    const session = { authorization: `Bearer ${accessToken}` }
    const { secret } = yield* post(
      `${cached.url}/api/v1/apikeys`,
      { name: "bench", scopes: ["read"] },
      Schema.Struct({ secret: Schema.String }),
      session
    )
    const apiKey = { "x-api-key": secret }

    const load = (title: string, url: string, headers: Record<string, string>, fixedRate?: number) =>
      withCpu(process.pid, runLoad(new LoadRequest({
        title,
        url: `${url}${ME}`,
        connections,
        durationS,
        warmupS,
        headers,
        ...(fixedRate === undefined ? {} : { rate: fixedRate })
      }))).pipe(
        Effect.tap(({ cpuS, result }) =>
          Effect.sync(() => {
            if (cpuS._tag === "Some") {
              progress(`${title}: ${round((cpuS.value * 1e6) / (result.completed + result.warmupCompleted), 0)} µs CPU per request`)
            }
          })),
        Effect.map(({ result }) => result)
      )

    // The first load after start-up runs cold (JIT, pools, cluster start-up work): prime, unmeasured.
    yield* runLoad(new LoadRequest({ title: "priming (not measured)", url: `${cached.url}${ME}`, connections, durationS: 5, warmupS: 0, headers: session }))
    const sessionMax = yield* load("session, cached", cached.url, session)
    const sessionRate = yield* load(`session, cached, ${rate} req/s`, cached.url, session, rate)
    const keyMax = yield* load("API key, cached", cached.url, apiKey)
    const keyRate = yield* load(`API key, cached, ${rate} req/s`, cached.url, apiKey, rate)
    const uncachedMax = yield* load("session, auth cache off", uncached.url, session)
    const trivial = yield* trivialLoad(cached.url, connections, durationS, warmupS)

    emit(BENCH, "cached_rps", round(sessionMax.rps, 1), "req/s")
    emit(BENCH, "cached_p50_ms", sessionRate.p50Ms, "ms")
    emit(BENCH, "cached_p99_ms", sessionRate.p99Ms, "ms")
    emit(BENCH, "cached_saturated_p99_ms", sessionMax.p99Ms, "ms")
    emit(BENCH, "apikey_rps", round(keyMax.rps, 1), "req/s")
    emit(BENCH, "apikey_p50_ms", keyRate.p50Ms, "ms")
    emit(BENCH, "apikey_p99_ms", keyRate.p99Ms, "ms")
    emit(BENCH, "uncached_rps", round(uncachedMax.rps, 1), "req/s")
    emit(BENCH, "uncached_p99_ms", uncachedMax.p99Ms, "ms")
    emit(BENCH, "ratio_cached_to_uncached", round(sessionMax.rps / uncachedMax.rps, 3), "ratio")
    emit(BENCH, "trivial_rps", round(trivial.rps, 1), "req/s")
    emit(BENCH, "ratio_cached_to_trivial", round(sessionMax.rps / trivial.rps, 3), "ratio")
    emit(BENCH, "failed_requests", failedRequests(sessionMax, sessionRate, keyMax, keyRate, uncachedMax, trivial), "count")
    progress("tearing down (servers, database)")
  })
)
