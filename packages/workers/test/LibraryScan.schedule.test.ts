import { describe, expect, it } from "@effect/vitest"
import { Library, LibraryId, ScanSettings } from "@mediaserver/domain"
import { Context, DateTime, Duration, Effect } from "effect"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { read, request } from "../../server/test/auth/Http.js"
import { eventually } from "../../server/test/support/Poll.js"
import { isDue, startDueScans, WATCH_FALLBACK_MINUTES } from "../src/library/ScanSchedule.js"
import { createLibrary, libraryNode, ScansPage, tree } from "./support/LibraryNode.js"
import { Libraries, LibraryScans } from "@mediaserver/server/library/index"

const library = (intervalMinutes: number, lastScanMinutesAgo: number | null, watchState: "off" | "watching" | "failed" = "off") =>
  new Library({
    id: LibraryId.make("00000000-0000-4000-8000-000000000001"),
    name: "L",
    kind: "movie",
    paths: ["/m"],
    scan: new ScanSettings({ intervalMinutes, watch: watchState !== "off", extensions: [".mkv"], exclude: [] }),
    language: "en",
    country: "US",
    watchState,
    watchError: null,
    lastScanAt: lastScanMinutesAgo === null ? null : DateTime.unsafeMake(Date.now() - lastScanMinutesAgo * 60_000),
    createdAt: DateTime.unsafeMake(0)
  })

describe("scan schedules", () => {
  it("a library is due when its interval has passed; a failed watcher falls back to periodic scans", () => {
    const now = Date.now()
    expect(isDue(library(60, null), now)).toBe(true)
    expect(isDue(library(60, 30), now)).toBe(false)
    expect(isDue(library(60, 61), now)).toBe(true)
    expect(isDue(library(0, 1000), now)).toBe(false)
    expect(isDue(library(0, 1000, "watching"), now)).toBe(false)
    expect(isDue(library(0, WATCH_FALLBACK_MINUTES + 1, "failed"), now)).toBe(true)
    expect(isDue(library(0, WATCH_FALLBACK_MINUTES - 1, "failed"), now)).toBe(false)
  })

  it.scopedLive("the periodic tick scans due libraries (trigger: schedule) and leaves the others", () =>
    Effect.gen(function* () {
      const { url, admin, context } = yield* libraryNode("scan_periodic")
      const root = yield* tree({ "Heat (1995).mkv": "" })
      const other = yield* tree({ "Up (2009).mkv": "" })
      const due = yield* createLibrary(url, admin, { name: "Due", kind: "movie", paths: [root] })
      const off = yield* createLibrary(url, admin, {
        name: "Off", kind: "movie", paths: [other], scan: { intervalMinutes: 0, watch: false, extensions: [".mkv"], exclude: [] }
      })
      yield* startDueScans.pipe(
        Effect.provideService(Libraries, Context.get(context, Libraries)),
        Effect.provideService(LibraryScans, Context.get(context, LibraryScans))
      )
      const scans = yield* eventually(
        Effect.flatMap(request(url, "GET", `/api/v1/libraries/${due.id}/scans`, { auth: admin }), read(ScansPage)),
        (page) => page.items.some((s) => s.status === "completed"),
        { what: "the scheduled scan", timeout: Duration.seconds(30), interval: Duration.millis(100) }
      )
      expect(scans.items.map((s) => s.trigger)).toEqual(["schedule"])
      const none = yield* Effect.flatMap(request(url, "GET", `/api/v1/libraries/${off.id}/scans`, { auth: admin }), read(ScansPage))
      expect(none.total).toBe(0)
    }), { timeout: 60_000 })

  it.scopedLive("a watched library rescans shortly after files change (debounced: one scan for a burst)", () =>
    Effect.gen(function* () {
      const { url, admin } = yield* libraryNode("scan_watch", { SCAN_WATCH_RECONCILE: "200 millis", SCAN_WATCH_DEBOUNCE: "500 millis", LOG_LEVEL: "Info" })
      const root = yield* tree({ "Heat (1995)/Heat (1995).mkv": "" })
      const created = yield* createLibrary(url, admin, {
        name: "Watched", kind: "movie", paths: [root], scan: { intervalMinutes: 0, watch: true, extensions: [".mkv"], exclude: [] }
      })
      yield* eventually(
        request(url, "GET", `/api/v1/libraries/${created.id}`, { auth: admin }),
        (res) => typeof res.body === "object" && res.body !== null && "watchState" in res.body && res.body.watchState === "watching",
        { what: "the watcher is up", timeout: Duration.seconds(20), interval: Duration.millis(100) }
      )
      // A burst of changes: one scan.
      for (const name of ["Up (2009)", "Alien (1979)", "Brazil (1985)"]) {
        yield* Effect.promise(() => Fs.mkdir(Path.join(root, name)))
        yield* Effect.promise(() => Fs.writeFile(Path.join(root, name, `${name}.mkv`), ""))
      }
      const page = yield* eventually(
        Effect.flatMap(request(url, "GET", `/api/v1/libraries/${created.id}/scans`, { auth: admin }), read(ScansPage)),
        (p) => p.items.some((s) => s.status === "completed" && s.counts.seen === 4),
        { what: "a watch-triggered scan that saw the new files", timeout: Duration.seconds(30), interval: Duration.millis(100) }
      )
      // Never scanned before (periodic scans are off): the first watch scan finds all four files.
      expect(page.items.every((s) => s.trigger === "watch")).toBe(true)
      expect(page.items.reduce((n, s) => n + s.counts.new, 0)).toBe(4)
    }), { timeout: 60_000 })
})
