/**
 * How running handlers learn that their run was cancelled. An admin cancel only changes the run's row
 * (the engine's interrupt reaches suspended workflows only), so this node reads, once a second, which
 * of the runs it is executing are cancelled: one query per node, however many handlers run.
 */
import { SqlClient } from "@effect/sql"
import { Context, Deferred, Duration, Effect, Exit, FiberId, Layer, Schedule } from "effect"

/** How often running runs are checked; short handlers finish before the first check. */
const CHECK_EVERY = Duration.seconds(1)

export interface JobCancelsShape {
  /** Succeeds once `runId` is cancelled; never otherwise. Interrupting the caller stops the watch. */
  readonly cancelled: (runId: string) => Effect.Effect<void>
}

interface Watch {
  readonly done: Deferred.Deferred<void>
  watchers: number
}

export class JobCancels extends Context.Tag("@mediaserver/jobs/JobCancels")<JobCancels, JobCancelsShape>() {
  static readonly layer = Layer.scoped(
    JobCancels,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const watched = new Map<string, Watch>()
      const check = Effect.gen(function* () {
        if (watched.size === 0) return
        const rows = yield* sql<{ readonly id: string }>`
          SELECT id FROM job_runs WHERE id IN ${sql.in([...watched.keys()])} AND state = 'cancelled'`
        for (const { id } of rows) {
          const watch = watched.get(id)
          if (watch === undefined) continue
          watched.delete(id)
          Deferred.unsafeDone(watch.done, Exit.void)
        }
        // A failed check counts as "not cancelled"; the next one tries again.
      }).pipe(Effect.catchAll((error) => Effect.logWarning(`jobs: cancel check failed: ${error.message}`)))
      yield* Effect.forkScoped(Effect.repeat(check, Schedule.spaced(CHECK_EVERY)))

      const cancelled = (runId: string) =>
        Effect.acquireUseRelease(
          Effect.sync(() => {
            const watch = watched.get(runId) ?? { done: Deferred.unsafeMake<void>(FiberId.none), watchers: 0 }
            watch.watchers++
            watched.set(runId, watch)
            return watch
          }),
          (watch) => Deferred.await(watch.done),
          (watch) =>
            Effect.sync(() => {
              if (--watch.watchers === 0 && watched.get(runId) === watch) watched.delete(runId)
            })
        )
      return { cancelled }
    })
  )
}
