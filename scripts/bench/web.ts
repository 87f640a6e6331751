/**
 * `npm run bench -- web`: the web client as built by `npm start`, served by a real node on a database
 * seeded with BENCH_WEB_MOVIES (5,000) movies and 500 series, in headless Chromium.
 * - first_load_js_kb_gzip: the JavaScript index.html loads before anything else (entry + preloads), gzipped;
 * - home_ready_ms: navigation start -> home rendered with its poster rows, warm server, median of 5;
 *   baseline in the same run, home_api_ms: the requests home makes (who, libraries, then continue watching
 *   and one row per library), fetched by the page itself;
 * - grid_5000_scroll_ms: a library grid scrolled to its end (every page of the keyset cursor loaded;
 *   grid_dom_cards: cards in the DOM at the end, the grid being windowed);
 *   baseline, grid_api_ms: the same pages fetched one after another by the page, nothing rendered.
 */
import { PgClient } from "@effect/sql-pg"
import { Config, Effect } from "effect"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { gzipSync } from "node:zlib"
import { Redacted } from "effect"
import { seedContent } from "@mediaserver/server/dev"
import { databaseLayer } from "@mediaserver/testkit/DatabaseLayer"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"
import { buildClient, launchBrowser, newPage, WEB_DIR } from "@mediaserver/testkit/WebNode"
import { emit, progress, round } from "./report.js"

const BENCH = "web"
const PASSWORD = "a benchmark passphrase"

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

/** Gzipped size of the scripts index.html loads at once (module entry and its modulepreloads). */
const firstLoadJsGzip = async () => {
  const html = await Fs.readFile(Path.join(WEB_DIR, "index.html"), "utf8")
  const scripts = [...html.matchAll(/<script type="module"[^>]*src="([^"]+)"|<link rel="modulepreload"[^>]*href="([^"]+)"/g)]
    .map((m) => m[1] ?? m[2] ?? "")
  let bytes = 0
  for (const src of scripts) bytes += gzipSync(await Fs.readFile(Path.join(WEB_DIR, src)), { level: 9 }).length
  return bytes / 1024
}

export const run = Effect.scoped(
  Effect.gen(function* () {
    const movies = yield* Config.integer("BENCH_WEB_MOVIES").pipe(Config.withDefault(5000))
    progress("building the web client (when its sources changed)")
    yield* buildClient
    emit(BENCH, "first_load_js_kb_gzip", round(yield* Effect.promise(firstLoadJsGzip), 1), "KB")

    const server = yield* startServerWithDatabase({ LOG_LEVEL: "warn", WEB_CLIENT_DIR: WEB_DIR })
    progress(`seeding ${movies} movies and 500 series`)
    const seeded = yield* Effect.provide(
      Effect.zipLeft(seedContent({ movies, series: 500, seasonsPerSeries: 2, episodesPerSeason: 5 }), Effect.flatMap(PgClient.PgClient, (sql) => sql`ANALYZE`)),
      databaseLayer(Redacted.value(server.database.url))
    )
    const browser = yield* launchBrowser
    const page = yield* Effect.promise(() => newPage(browser))
    const url = server.url

    progress("first run: the admin account, signed in by the client (cookies)")
    yield* Effect.promise(async () => {
      await page.goto(url)
      await page.getByLabel("Username").fill("admin")
      await page.getByLabel("Email").fill("admin@example.test")
      await page.getByLabel("Password").fill(PASSWORD)
      await page.getByRole("button", { name: "Create admin" }).click()
      await page.getByRole("heading", { name: "Libraries" }).waitFor()
    })

    const homeReady = () =>
      Effect.promise(async () => {
        await page.goto(`${url}/`)
        const ready = await page.waitForFunction(() => (document.querySelectorAll(".row-items .card img").length > 0 ? performance.now() : 0), null, { polling: "raf", timeout: 60_000 })
        return Number(await ready.jsonValue())
      })
    const homeApi = () =>
      Effect.promise(() =>
        page.evaluate(async () => {
          const started = performance.now()
          const [, libraries] = await Promise.all([fetch("/api/v1/users/me").then((r) => r.text()), fetch("/api/v1/libraries").then((r) => r.json())])
          const rows = (Array.isArray(libraries) ? libraries : []).map((l: { id: string; kind: string }) =>
            `/api/v1/${l.kind === "movie" ? "movies" : "tvshows"}?libraryId=${l.id}&sort=added&order=desc&limit=20`)
          await Promise.all(["/api/v1/movies/continue-watching?limit=20", "/api/v1/tvshows/continue-watching?limit=20", ...rows]
            .map((path) => fetch(path).then((r) => r.text())))
          return performance.now() - started
        }))

    progress("home: one warm-up load, then 5 measured")
    yield* homeReady()
    yield* homeApi()
    const homes: Array<number> = []
    const apis: Array<number> = []
    for (let i = 0; i < 5; i++) {
      homes.push(yield* homeReady())
      apis.push(yield* homeApi())
    }
    emit(BENCH, "home_ready_ms", round(median(homes), 1), "ms")
    emit(BENCH, "home_api_ms", round(median(apis), 1), "ms")

    progress(`grid: scrolling a ${movies}-movie library to its end`)
    const scrolled = yield* Effect.promise(async () => {
      await page.goto(`${url}/library/${seeded.movieLibrary}`)
      await page.getByTestId("grid-more").waitFor({ state: "attached" })
      return page.evaluate(async () => {
        const started = performance.now()
        while (document.querySelector('[data-testid="grid-end"]') === null) {
          window.scrollTo(0, document.body.scrollHeight)
          await new Promise((resolve) => requestAnimationFrame(resolve))
        }
        return { ms: performance.now() - started, cards: document.querySelectorAll('[data-testid="grid"] .card').length }
      })
    })
    progress(`grid end reached; ${scrolled.cards} cards in the DOM (windowed)`)
    const apiOnly = yield* Effect.promise(() =>
      page.evaluate(async (libraryId) => {
        const started = performance.now()
        let cursor: string | null = ""
        while (cursor !== null) {
          const query: string = `libraryId=${libraryId}&limit=100${cursor === "" ? "" : `&cursor=${encodeURIComponent(cursor)}`}`
          const body: { nextCursor: string | null } = await fetch(`/api/v1/movies?${query}`).then((r) => r.json())
          cursor = body.nextCursor
        }
        return performance.now() - started
      }, seeded.movieLibrary))
    emit(BENCH, "grid_api_ms", round(apiOnly, 0), "ms")
    emit(BENCH, "grid_5000_scroll_ms", round(scrolled.ms, 0), "ms")
    emit(BENCH, "grid_dom_cards", scrolled.cards, "count")
    progress("tearing down (browser, server, database)")
  })
)
