/**
 * `npm run bench -- browse`: a seeded database (5,000 movies, 500 series, 20,000 episodes) and 50
 * users with access to both libraries, each with some progress. The load is a mix (40% list pages with
 * varied sorts and offsets, 40% movie and series details, 20% continue watching), each request sent
 * as one of the 50 users, by autocannon in a child process against the real gateway in this process.
 * - warm: caches on (L1 + Redis), primed by a first pass: as fast as it answers (warm_rps,
 *   warm_saturated_p99_ms) and at a fixed BENCH_RATE (warm_p50_ms, warm_p99_ms);
 * - cold, in the same run: a second server on the same database with CACHE_ENABLED=false (cold_rps);
 * - the warm server's trivial endpoint (trivial_rps, GET /api/v1/system/info), the ceiling a page
 *   approaches (ratio_warm_to_trivial).
 *
 * Settings (env): BENCH_DURATION_S (10), BENCH_WARMUP_S (2), BENCH_RATE (1000), BENCH_BROWSE_MOVIES (5000),
 * BENCH_BROWSE_SERIES (500).
 */
import { Config, Effect, Redacted, Schema } from "effect"
import { seededRandom } from "@mediaserver/testkit/Random"
import { emit, progress, round } from "./report.js"
import { cachedAndUncached } from "./support/gateways.js"
import { callJson } from "./support/http.js"
import { failedRequests, runLoad, trivialLoad } from "./support/load.js"
import { LoadRequest } from "./support/protocol.js"
import { accounts, seedForBench } from "./support/seeded.js"

const BENCH = "browse"
const USERS = 50
const SEQUENCE = 600

const settings = Config.all({
  durationS: Config.number("BENCH_DURATION_S").pipe(Config.withDefault(10)),
  warmupS: Config.number("BENCH_WARMUP_S").pipe(Config.withDefault(2)),
  rate: Config.number("BENCH_RATE").pipe(Config.withDefault(1000)),
  movies: Config.integer("BENCH_BROWSE_MOVIES").pipe(Config.withDefault(5000)),
  series: Config.integer("BENCH_BROWSE_SERIES").pipe(Config.withDefault(500))
})


export const run = Effect.scoped(
  Effect.gen(function* () {
    const { durationS, movies, rate, series, warmupS } = yield* settings
    progress("starting the gateway (caches on) and a second one with CACHE_ENABLED=false, same database")
    const { cached: warm, db, uncached: cold } = yield* cachedAndUncached("benchbrowse", "CACHE_ENABLED")

    const { login, register, viewer } = accounts(warm.url)
    yield* register("admin")
    const admin = yield* login("admin")

    progress(`seeding ${movies} movies and ${series} series of 4 seasons x 10 episodes`)
    const { movieIds, seeded, seriesIds } = yield* seedForBench(Redacted.value(db.url), { movies, series, seasonsPerSeries: 4, episodesPerSeason: 10 })

    progress(`creating ${USERS} users with access and some progress each`)
    const random = seededRandom(42)
    const pickOf = <A>(values: ReadonlyArray<A>): A => values[Math.floor(random() * values.length)]!
    const users = yield* Effect.forEach(Array.from({ length: USERS }, (_, i) => `viewer${i}`), (name) =>
      Effect.gen(function* () {
        yield* viewer(admin, name, [seeded.movieLibrary, seeded.tvLibrary])
        const headers = yield* login(name)
        for (let k = 0; k < 3; k++) {
          yield* callJson("POST", `${warm.url}/api/v1/movies/${pickOf(movieIds).id}/progress`, { positionSeconds: 600, durationSeconds: 6000 }, Schema.Unknown, headers)
        }
        return headers
      }), { concurrency: 4 })

    const sorts = ["title", "added", "rating", "year", "release_date"]
    const requests = Array.from({ length: SEQUENCE }, () => {
      const user = Math.floor(random() * USERS)
      const r = random()
      const path = r < 0.3
        ? `/api/v1/movies?limit=24&offset=${24 * Math.floor(random() * 20)}&sort=${pickOf(sorts)}`
        : r < 0.4
        ? `/api/v1/tvshows?limit=24&offset=${24 * Math.floor(random() * 5)}`
        : r < 0.7
        ? `/api/v1/movies/${pickOf(movieIds).id}`
        : r < 0.8
        ? `/api/v1/tvshows/${pickOf(seriesIds).id}`
        : r < 0.9
        ? "/api/v1/movies/continue-watching"
        : "/api/v1/tvshows/continue-watching"
      return { path, user }
    })
    const sequence = { users, requests }
    const load = (title: string, url: string, fixedRate?: number, seconds = durationS, warmup = warmupS) =>
      runLoad(new LoadRequest({
        title,
        url: `${url}/`,
        connections: USERS,
        durationS: seconds,
        warmupS: warmup,
        sequence,
        ...(fixedRate === undefined ? {} : { rate: fixedRate })
      }))

    // Prime the warm server's caches (and the JIT) with the whole mix; not measured.
    yield* load("priming (not measured)", warm.url, undefined, 5, 0)
    const warmMax = yield* load("warm, as fast as it answers", warm.url)
    const warmRate = yield* load(`warm, ${rate} req/s`, warm.url, rate)
    const coldMax = yield* load("cold (CACHE_ENABLED=false), as fast as it answers", cold.url)
    const trivial = yield* trivialLoad(warm.url, USERS, durationS, warmupS)

    emit(BENCH, "warm_rps", round(warmMax.rps, 1), "req/s")
    emit(BENCH, "warm_p50_ms", warmRate.p50Ms, "ms")
    emit(BENCH, "warm_p99_ms", warmRate.p99Ms, "ms")
    emit(BENCH, "warm_saturated_p99_ms", warmMax.p99Ms, "ms")
    emit(BENCH, "cold_rps", round(coldMax.rps, 1), "req/s")
    emit(BENCH, "cold_p99_ms", coldMax.p99Ms, "ms")
    emit(BENCH, "ratio_warm_to_cold", round(warmMax.rps / coldMax.rps, 3), "ratio")
    emit(BENCH, "trivial_rps", round(trivial.rps, 1), "req/s")
    emit(BENCH, "ratio_warm_to_trivial", round(warmMax.rps / trivial.rps, 3), "ratio")
    emit(BENCH, "failed_requests", failedRequests(warmMax, warmRate, coldMax, trivial), "count")
    progress("tearing down (servers, database)")
  })
)
