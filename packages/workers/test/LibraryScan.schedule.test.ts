import { describe, expect, it } from "@effect/vitest"
import { Library, LibraryId, ScanSettings } from "@mediaserver/domain"
import { Context, DateTime, Duration, Effect } from "effect"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { read, request } from "@mediaserver/testkit/Http"
import { eventually } from "@mediaserver/testkit/Poll"
import { isDue, startDueScans, WATCH_FALLBACK_MINUTES } from "../src/library/ScanSchedule.js"
import { createLibrary, libraryNode, scanNow, ScansPage, tree } from "@mediaserver/testkit/LibraryNode"
import { Libraries, LibraryScans } from "@mediaserver/server/library"

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

  it.scopedLive("a watched library: new files are matched one by one (an unmatched one is discarded after one attempt), a removal triggers a scan", () =>
    Effect.gen(function* () {
      const { url, admin, sql } = yield* libraryNode("scan_watch", { SCAN_WATCH_RECONCILE: "200 millis", SCAN_WATCH_DEBOUNCE: "300 millis" })
      const show = "Breaking Bad (2008)"
      const root = yield* tree({ [`${show}/Season 01/Breaking Bad S01E01.mkv`]: "" })
      const created = yield* createLibrary(url, admin, {
        name: "Watched", kind: "tvshow", paths: [root], scan: { intervalMinutes: 0, watch: true, extensions: [".mkv"], exclude: [] }
      })
      yield* scanNow(url, admin, created.id)
      yield* eventually(
        request(url, "GET", `/api/v1/libraries/${created.id}`, { auth: admin }),
        (res) => typeof res.body === "object" && res.body !== null && "watchState" in res.body && res.body.watchState === "watching",
        { what: "the watcher is up", timeout: Duration.seconds(20), interval: Duration.millis(100) }
      )
      yield* Effect.promise(() => Fs.mkdir(Path.join(root, show, "Season 02")))
      yield* Effect.promise(() => Fs.writeFile(Path.join(root, show, "Season 02", "Breaking Bad S02E01.mkv"), ""))
      yield* Effect.promise(() => Fs.writeFile(Path.join(root, show, "Season 01", "Breaking Bad S01E02.mkv"), ""))
      yield* Effect.promise(() => Fs.writeFile(Path.join(root, show, "Random Clip.mkv"), ""))
      const episodes = yield* eventually(
        sql<{ code: string }>`SELECT season_number || 'x' || episode_number AS code FROM episodes ORDER BY season_number, episode_number`,
        (rows) => rows.length === 3,
        { what: "the new episodes matched", timeout: Duration.seconds(30), interval: Duration.millis(100) }
      )
      expect(episodes.map((e) => e.code)).toEqual(["1x1", "1x2", "2x1"])
      const discarded = yield* eventually(
        request(url, "GET", "/api/v1/admin/jobs?kind=library.match_file&state=discarded", { auth: admin }),
        (res) => typeof res.body === "object" && res.body !== null && "total" in res.body && res.body.total === 1,
        { what: "the unmatched file's job discarded", timeout: Duration.seconds(30), interval: Duration.millis(100) }
      )
      expect(discarded.body).toMatchObject({ items: [{ attempt: 1, lastError: expect.stringContaining("FileUnmatched") }] })
      const unmatched = yield* sql<{ match_state: string }>`SELECT match_state FROM media_files WHERE path LIKE '%Random Clip.mkv'`
      expect(unmatched.map((r) => r.match_state)).toEqual(["unmatched"])

      // A removal is only seen by a scan: the watcher starts one.
      yield* Effect.promise(() => Fs.rm(Path.join(root, show, "Season 01", "Breaking Bad S01E01.mkv")))
      const page = yield* eventually(
        Effect.flatMap(request(url, "GET", `/api/v1/libraries/${created.id}/scans`, { auth: admin }), read(ScansPage)),
        (p) => p.items.some((s) => s.trigger === "watch" && s.status === "completed" && s.counts.removed === 1),
        { what: "a watch-triggered scan that saw the removal", timeout: Duration.seconds(30), interval: Duration.millis(100) }
      )
      expect(page.items.filter((s) => s.trigger === "watch").length).toBeGreaterThanOrEqual(1)
    }), { timeout: 60_000 })
})
