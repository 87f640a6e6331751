/**
 * A real client: headless Chromium (Debian's `chromium`, or CHROMIUM_PATH) with hls.js loaded on a page
 * of the server's origin (so streams need no CORS).
 */
import { eventually } from "@mediaserver/testkit/Poll"
import { Config, Duration, Effect } from "effect"
import { createRequire } from "node:module"
import { chromium, type Page } from "playwright-core"

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
    /** The hls.js instance of the last `playThrough`. */
    player?: import("hls.js").default
  }
}

export interface PlayedThrough {
  readonly ended: boolean
  readonly currentTime: number
  /** Seconds of media played (the sum of `video.played`): content shown twice counts twice. */
  readonly played: number
}

/** hls.js starts `master` (a bearer `token`, or none for a signed URL) in a fresh muted video element, at `rate`. */
export const startPlayer = (page: Page, master: string, token: string | null, rate = 1) =>
  Effect.promise(() =>
    page.evaluate(({ master, token, rate }) => {
      document.querySelector("video")?.remove()
      const video = document.createElement("video")
      video.muted = true
      document.body.appendChild(video)
      const hls = new window.Hls(token === null
        ? {}
        : { xhrSetup: (xhr: XMLHttpRequest) => xhr.setRequestHeader("Authorization", `Bearer ${token}`) })
      window.player = hls
      hls.loadSource(master)
      hls.attachMedia(video)
      video.addEventListener("canplay", () => {
        video.playbackRate = rate
      })
      void video.play()
    }, { master, token, rate }))

/** `startPlayer` at 4x, to the end; the end time and the seconds played. */
export const playThrough = (page: Page, master: string, token: string | null, what: string) =>
  Effect.gen(function* () {
    yield* startPlayer(page, master, token, 4)
    return yield* eventually(
      Effect.promise(() => page.evaluate((): PlayedThrough => {
        const video = document.querySelector("video")
        if (video === null) return { ended: false, currentTime: 0, played: 0 }
        let played = 0
        for (let i = 0; i < video.played.length; i++) played += video.played.end(i) - video.played.start(i)
        return { ended: video.ended, currentTime: video.currentTime, played }
      })),
      (state) => state.ended,
      { what: `${what}: played to the end`, timeout: Duration.seconds(60), interval: Duration.millis(200) }
    )
  })
