/**
 * A real client: headless Chromium (Debian's `chromium`, or CHROMIUM_PATH) with hls.js loaded on a page
 * of the server's origin (so streams need no CORS).
 */
import { Config, Effect } from "effect"
import { createRequire } from "node:module"
import { chromium } from "playwright-core"

const hlsScript = createRequire(import.meta.url).resolve("hls.js/dist/hls.min.js")

const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required"
]

export const browserPage = (origin: string) =>
  Effect.gen(function* () {
    const executablePath = yield* Config.string("CHROMIUM_PATH").pipe(Config.withDefault("/usr/bin/chromium"))
    const browser = yield* Effect.acquireRelease(
      Effect.promise(() => chromium.launch({ executablePath, args: FLAGS })),
      (b) => Effect.promise(() => b.close())
    )
    const page = yield* Effect.promise(() => browser.newPage())
    yield* Effect.promise(() =>
      page.route(`${origin}/player`, (route) => route.fulfill({ contentType: "text/html", body: "<!doctype html><body></body>" })))
    yield* Effect.promise(() => page.goto(`${origin}/player`))
    yield* Effect.promise(() => page.addScriptTag({ path: hlsScript }))
    return page
  })

declare global {
  interface Window {
    readonly Hls: typeof import("hls.js").default
  }
}
