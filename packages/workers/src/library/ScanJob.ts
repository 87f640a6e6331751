/**
 * The `library.scan` job: runs the scan, keeps its row current, and when done enqueues the probe and
 * metadata work and publishes `library.scan_done`. Cancelled (its run cancelled): the row says so. A
 * retryable failure leaves the row running for the next attempt; a run that gives up marks it failed
 * (`scanGaveUp`, called by the job framework).
 */
import {
  type LibraryId,
  LibraryProbeJob,
  LibraryScanDone,
  LibraryScanFailed,
  type LibraryScanJob,
  MetadataRefreshLibraryJob,
  type ScanId
} from "@mediaserver/domain"
import { AppConfig } from "@mediaserver/server/config"
import { allContentChanged } from "@mediaserver/server/content"
import { Events } from "@mediaserver/server/events"
import { Jobs } from "@mediaserver/server/jobs"
import type { JobContext } from "@mediaserver/server/jobs"
import { Libraries, ScansRepo } from "@mediaserver/server/library"
import type { ScanProgress } from "@mediaserver/server/library"
import { Effect, Option } from "effect"
import { runScan } from "./Scanner.js"

const PROGRESS_LOG_EVERY_MS = 5_000

type Payload = typeof LibraryScanJob.payload.Type

export const scanJob = (payload: Payload, context: JobContext) => scan(payload.libraryId, payload.scanId, context)

const scan = (libraryId: LibraryId, scanId: ScanId, context: JobContext) =>
  Effect.gen(function* () {
    const scans = yield* ScansRepo
    const libraries = yield* Libraries
    const jobs = yield* Jobs
    const config = yield* AppConfig
    const events = yield* Events

    const scan = yield* scans.get(scanId)
    if (Option.isNone(scan) || scan.value.status !== "running") {
      return yield* Effect.logInfo(`scan ${scanId}: no longer running, nothing to do`)
    }
    const library = yield* libraries.load(libraryId)
    let lastLog = Date.now()
    // Every flush goes to the row (the API); a log line every few seconds for long scans.
    const log = (progress: ScanProgress) =>
      Date.now() - lastLog < PROGRESS_LOG_EVERY_MS ? Effect.void : Effect.suspend(() => {
        lastLog = Date.now()
        const c = progress.counts
        return Effect.logInfo(
          `scan ${scanId} of ${library.name}: ${progress.phase}, ${c.seen} files seen (${progress.filesPerSecond}/s), ` +
            `${c.matched} matched, ${c.unmatched} unmatched`
        )
      })
    const outcome = yield* runScan(library, {
      missingGrace: config.libraryMissingGrace,
      progressInterval: config.scanProgressInterval,
      report: (progress) => scans.progress(scanId, progress).pipe(Effect.zipRight(log(progress)), Effect.ignore)
    }).pipe(
      Effect.onInterrupt(() =>
        // A cancelled run ends the scan; a node shutting down leaves it for the run's next owner.
        Effect.flatMap(jobs.get(context.runId), (run) =>
          Option.isSome(run) && run.value.state === "cancelled"
            ? Effect.asVoid(scans.finish(scanId, "cancelled", "cancelled"))
            : Effect.void
        ).pipe(Effect.ignore)
      )
    )
    // Completed and its follow-up work enqueued, or neither.
    const finished = yield* jobs.withTransaction(Effect.gen(function* () {
      if (outcome.touchedFiles > 0) yield* jobs.enqueue(LibraryProbeJob, { libraryId })
      if (outcome.newItems > 0) yield* jobs.enqueue(MetadataRefreshLibraryJob, { libraryId })
      return yield* scans.finish(scanId, "completed", null, outcome.progress)
    }))
    yield* libraries.markScanned(libraryId)
    const counts = outcome.progress.counts
    if (counts.new + counts.changed + counts.removed > 0) yield* allContentChanged(libraryId)
    yield* Effect.logInfo(
      `scan ${scanId} of ${library.name}: ${counts.seen} files (${counts.new} new, ${counts.changed} changed, ` +
        `${counts.removed} removed, ${counts.unmatched} unmatched) at ${outcome.progress.filesPerSecond} files/s`
    )
    yield* events.publish(new LibraryScanDone({
      libraryId,
      scanId,
      status: "completed",
      counts,
      durationMs: Option.match(finished, { onNone: () => 0, onSome: (done) => done.durationMs ?? 0 })
    }))
  }).pipe(
    // Whether another attempt follows is the job framework's call: a run that gives up ends the scan
    // through `scanGaveUp`, whatever ended it (an error, a timeout, a defect).
    Effect.tapError((error) => {
      const message = "message" in error && typeof error.message === "string" ? error.message : error._tag
      return Effect.flatMap(ScansRepo, (scans) => scans.setMessage(scanId, `attempt ${context.attempt} failed (${message})`)).pipe(
        Effect.ignore
      )
    })
  )

/** The scan of a run that gave up is failed, with the reason. */
export const scanGaveUp = (payload: Payload, message: string) =>
  Effect.gen(function* () {
    const scans = yield* ScansRepo
    const events = yield* Events
    const failed = yield* scans.finish(payload.scanId, "failed", message)
    // Only when this call ended it (a scan cancelled or finished meanwhile did not fail).
    if (Option.isSome(failed)) {
      yield* events.publish(new LibraryScanFailed({ libraryId: payload.libraryId, scanId: payload.scanId, reason: message }))
    }
  }).pipe(Effect.ignore)
