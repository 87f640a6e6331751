/**
 * Periodic scans: once a minute (one tick across the cluster, ClusterCron), every library whose
 * interval has passed since its last scan is started through its LibraryScan entity — which answers
 * the running scan instead of starting a second one.
 */
import { ClusterCron } from "@effect/cluster"
import type { Library } from "@mediaserver/domain"
import { Libraries, LibraryScans } from "@mediaserver/server/library"
import { Cron, DateTime, Effect } from "effect"

/** A library whose watcher failed is scanned at least this often, even with periodic scans off. */
export const WATCH_FALLBACK_MINUTES = 15

const intervalOf = (library: Library): number =>
  library.watchState === "failed" && library.scan.intervalMinutes === 0 ? WATCH_FALLBACK_MINUTES : library.scan.intervalMinutes

/** Due when the interval is on and the library was never scanned, or last scanned at least that long ago. */
export const isDue = (library: Library, now: number): boolean => {
  const minutes = intervalOf(library)
  return minutes > 0 &&
    (library.lastScanAt === null || now - DateTime.toEpochMillis(library.lastScanAt) >= minutes * 60_000)
}

export const startDueScans = Effect.gen(function* () {
  const libraries = yield* Libraries
  const scans = yield* LibraryScans
  const now = Date.now()
  const due = (yield* libraries.all).filter((library) => isDue(library, now))
  yield* Effect.forEach(due, (library) =>
    scans.start(library.id, "schedule").pipe(
      Effect.tap((scan) => Effect.logInfo(`periodic scan of ${library.name}: ${scan.id}`)),
      Effect.catchAll((e) => Effect.logWarning(`periodic scan of ${library.name} not started: ${e.message}`))
    ), { concurrency: 4, discard: true })
}).pipe(Effect.catchAll((e) => Effect.logWarning(`periodic scans: ${e.message}`)))

const everyMinute = Cron.unsafeParse("* * * * *", "UTC")

export const ScanScheduleLive = ClusterCron.make({ name: "library/periodic-scans", cron: everyMinute, execute: startDueScans })
