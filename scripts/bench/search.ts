/**
 * `npm run bench -- search`: a seeded database (5,000 movies, 500 series, 20,000 episodes, 30,000
 * people, a few well-known and non-Latin titles) behind a gateway with CACHE_ENABLED=false, and users
 * with access to both libraries. At a fixed offered rate (BENCH_RATE, 100 req/s), each kind of request
 * is measured on its own: autocomplete, search, facets and multi over a set of realistic queries
 * (typos, prefixes, people, non-Latin titles), and, as the baseline in the same run, movie details.
 * Figures: p50 and p99 of each, and each p99 as a ratio to the details p99.
 *
 * Settings (env): BENCH_DURATION_S (10), BENCH_WARMUP_S (2), BENCH_RATE (100).
 */
import { Config, Effect, Redacted } from "effect"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"
import { startServer } from "@mediaserver/testkit/TestServer"
import { seededRandom } from "@mediaserver/testkit/Random"
import { emit, progress, round } from "./report.js"
import { failedRequests, runLoad } from "./support/load.js"
import { LoadRequest } from "./support/protocol.js"
import { accounts, seedForBench } from "./support/seeded.js"

const BENCH = "search"
const USERS = 10
const SEQUENCE = 400

const settings = Config.all({
  durationS: Config.number("BENCH_DURATION_S").pipe(Config.withDefault(10)),
  warmupS: Config.number("BENCH_WARMUP_S").pipe(Config.withDefault(2)),
  rate: Config.number("BENCH_RATE").pipe(Config.withDefault(100))
})

/** Titles users look for by name, typo or original title (the seed's own titles are word pairs). */
const FAMOUS = `
  UPDATE movies SET title = 'The Matrix', year = 1999 WHERE match_key = 'seed-1';
  UPDATE movies SET title = 'Spirited Away', original_title = '千と千尋の神隠し', alternative_titles = '{"Sen to Chihiro no Kamikakushi"}' WHERE match_key = 'seed-2';
  UPDATE movies SET title = 'Amélie', original_title = 'Le Fabuleux Destin d''Amélie Poulain' WHERE match_key = 'seed-3';
  UPDATE movies SET title = 'Оттепель', original_title = 'Ottepel' WHERE match_key = 'seed-4';
  UPDATE movies SET title = '올드보이', original_title = 'Oldboy' WHERE match_key = 'seed-5';
  UPDATE series SET title = 'Breaking Bad' WHERE match_key = 'seed-1';
  UPDATE people SET name = 'Keanu Reeves' WHERE tmdb_id = 'seed-1'
`
const QUERIES = [
  "matrx", "the matrix", "spirted away", "sen to chihiro", "千と千尋", "amelie", "оттепель", "올드보이", "breakng bad", "brea",
  "keanu reeves", "anna adams", "lost", "iron empire", "crimson riv", "golden", "shadow", "midnight harbor", "chapter 3", "dark kingdom"
]
const prefixes = (q: string) => [2, 3, 4, 6].filter((n) => n <= q.length).map((n) => q.slice(0, n))

export const run = Effect.scoped(
  Effect.gen(function* () {
    const { durationS, rate, warmupS } = yield* settings
    const db = yield* freshDatabase("benchsearch")
    progress("starting the gateway with CACHE_ENABLED=false")
    const server = yield* startServer({ DATABASE_URL: Redacted.value(db.url), CACHE_ENABLED: "false", LOG_LEVEL: "warn" })
    const { login, register, viewer } = accounts(server.url)
    yield* register("admin")
    const admin = yield* login("admin")

    progress("seeding 5,000 movies, 500 series x 4 seasons x 10 episodes, 30,000 people (search documents written by the same statements)")
    const { movieIds, seeded } = yield* seedForBench(
      Redacted.value(db.url),
      { movies: 5000, series: 500, seasonsPerSeries: 4, episodesPerSeason: 10, people: 30000 },
      FAMOUS
    )

    const names = Array.from({ length: USERS }, (_, i) => `viewer${i}`)
    yield* Effect.forEach(names, (name) => viewer(admin, name, [seeded.movieLibrary, seeded.tvLibrary]), { concurrency: 2 })
    // Signed in again before each run: on a loaded machine a whole run outlasts an access token.
    const signedIn = Effect.forEach(names, login)

    const random = seededRandom(7)
    const pick = <A>(values: ReadonlyArray<A>): A => values[Math.floor(random() * values.length)]!
    const mix = (path: () => string) => ({
      requests: Array.from({ length: SEQUENCE }, () => ({ path: path(), user: Math.floor(random() * USERS) }))
    })
    const kind = () => pick(["movies", "tvshows"])
    const q = () => encodeURIComponent(pick(QUERIES))
    const kinds = {
      autocomplete: mix(() => `/api/v1/search/${kind()}/autocomplete?q=${encodeURIComponent(pick(prefixes(pick(QUERIES))))}`),
      search: mix(() => `/api/v1/search/${kind()}?q=${q()}&limit=24${random() < 0.3 ? `&yearFrom=1980&sort=${pick(["rating", "year"])}` : ""}`),
      facets: mix(() => `/api/v1/search/${kind()}/facets?q=${q()}`),
      multi: mix(() => `/api/v1/search/multi?q=${q()}`),
      details: mix(() => `/api/v1/movies/${pick(movieIds).id}`)
    }
    const load = (title: string, mixed: (typeof kinds)[keyof typeof kinds]) =>
      Effect.flatMap(signedIn, (users) =>
        runLoad(new LoadRequest({ title, url: `${server.url}/`, connections: USERS, durationS, warmupS, sequence: { users, ...mixed }, rate })))

    // The JIT and Postgres' caches warm on a short pass of everything; not measured.
    yield* load("warming (not measured)", mix(() => pick(pick(Object.values(kinds)).requests).path))
    const details = yield* load(`details (baseline), ${rate} req/s`, kinds.details)
    const results = {
      autocomplete: yield* load(`autocomplete, ${rate} req/s`, kinds.autocomplete),
      search: yield* load(`search, ${rate} req/s`, kinds.search),
      facets: yield* load(`facets, ${rate} req/s`, kinds.facets),
      multi: yield* load(`multi, ${rate} req/s`, kinds.multi)
    }
    for (const [name, result] of Object.entries(results)) {
      emit(BENCH, `${name}_p50_ms`, result.p50Ms, "ms")
      emit(BENCH, `${name}_p99_ms`, result.p99Ms, "ms")
      emit(BENCH, `${name}_p99_to_details`, round(result.p99Ms / Math.max(details.p99Ms, 1), 2), "ratio")
    }
    emit(BENCH, "details_p50_ms", details.p50Ms, "ms")
    emit(BENCH, "details_p99_ms", details.p99Ms, "ms")
    emit(BENCH, "failed_requests", failedRequests(details, ...Object.values(results)), "count")
    progress("tearing down (server, database)")
  })
)
