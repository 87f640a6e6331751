/**
 * The `LibraryScan` entity (id = library id). Its messages run one at a time on the one runner that owns
 * it, so Start is check-then-act without races: the running scan if its job is still alive, else a new
 * scan row and its job, written in one transaction. A running row whose job has ended (its node died
 * between the two, or the job was lost) is marked interrupted first.
 */
import { Entity } from "@effect/cluster"
import {
  LibraryScanStarted,
  Conflict,
  type DatabaseError,
  finishedStates,
  LibraryId,
  type LibraryScan,
  LibraryScanEntity,
  LibraryScanJob,
  NotFound,
  ScanId,
  type ScanTrigger,
  Unavailable
} from "@mediaserver/domain"
import { AdminJobs } from "@mediaserver/server/jobs"
import { Jobs } from "@mediaserver/server/jobs"
import { Events, Libraries, ScansRepo } from "@mediaserver/server/library"
import { Effect, Option, Schema } from "effect"
import { randomUUID } from "node:crypto"

const unavailable = (error: { readonly message: string }) => new Unavailable({ message: `scan storage: ${error.message}` })

export const LibraryScanEntityLive = LibraryScanEntity.toLayer(
  Effect.gen(function* () {
    const address = yield* Entity.CurrentAddress
    const libraryId = yield* Schema.decodeUnknown(LibraryId)(address.entityId).pipe(Effect.orDie)
    const scans = yield* ScansRepo
    const libraries = yield* Libraries
    const jobs = yield* Jobs
    const admin = yield* AdminJobs
    const events = yield* Events

    /** The running scan, if its job is still alive. */
    const alive: Effect.Effect<Option.Option<LibraryScan>, DatabaseError> = Effect.gen(function* () {
      const running = yield* scans.running(libraryId)
      if (Option.isNone(running)) return Option.none()
      const runId = running.value.jobRunId
      const run = runId === null ? Option.none() : yield* jobs.get(runId)
      if (Option.isSome(run) && !finishedStates.includes(run.value.state)) return running
      yield* scans.finish(running.value.id, "interrupted", "its job ended without finishing the scan")
      return Option.none()
    })

    const start = (trigger: ScanTrigger) =>
      Effect.gen(function* () {
        const running = yield* alive
        if (Option.isSome(running)) return running.value
        yield* libraries.load(libraryId)
        const scanId = ScanId.make(randomUUID())
        return yield* jobs.withTransaction(
          Effect.gen(function* () {
            yield* scans.start(scanId, libraryId, trigger)
            // In the transaction: no "started" for a scan whose row rolled back.
            yield* events.publish(new LibraryScanStarted({ libraryId, scanId }))
            const runId = yield* jobs.enqueue(LibraryScanJob, { libraryId, scanId })
            return yield* scans.setJobRun(scanId, runId)
          })
        )
      })

    const cancel = Effect.gen(function* () {
      const running = yield* alive
      if (Option.isNone(running)) return yield* new Conflict({ message: `Library ${libraryId} has no running scan` })
      const runId = running.value.jobRunId
      if (runId !== null) yield* admin.cancel(runId).pipe(Effect.catchTag("Conflict", () => Effect.void))
      const cancelled = yield* scans.finish(running.value.id, "cancelled", "cancelled by request")
      if (Option.isSome(cancelled)) return cancelled.value
      // Its job ended it first (interrupted by the cancel, or just done): answer what the row says now.
      return Option.getOrElse(yield* scans.get(running.value.id), () => running.value)
    })

    return {
      Start: ({ payload }) =>
        start(payload.trigger).pipe(
          Effect.catchTags({
            DatabaseError: (e) => Effect.fail(unavailable(e)),
            JobPayloadInvalid: (e) => Effect.fail(unavailable(e)),
            // Another runner's leftover (a shard moved mid-start): answer what is running now.
            Conflict: () => Effect.flatMap(scans.running(libraryId), Option.match({
              onNone: () => Effect.fail(new Unavailable({ message: "scan start raced; try again" })),
              onSome: Effect.succeed
            })).pipe(Effect.catchTag("DatabaseError", (e) => Effect.fail(unavailable(e))))
          })
        ),
      Cancel: () =>
        cancel.pipe(
          Effect.catchTags({
            DatabaseError: (e) => Effect.fail(unavailable(e)),
            NotFound: (e) => Effect.fail(new NotFound({ message: e.message }))
          })
        )
    }
  })
)
