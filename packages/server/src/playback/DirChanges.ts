/**
 * Waiting on the files ffmpeg writes instead of polling for them. A session has one `Changes` that all
 * its waiters share (segment requests, the pacing of its run): a file created, renamed or removed in
 * the run's directory (one `fs.watch`, inotify on Linux, per run), a segment request and a new run wake
 * them all, and each looks again. A watcher is not guaranteed to see everything and may fail to start
 * (the system's limit of watches), so waiters that expect a file also look again after a while.
 */
import { Deferred, Effect, FiberId } from "effect"
import * as Fs from "node:fs"

export interface Changes {
  /** Wakes every waiter. */
  readonly notify: () => void
  /**
   * Arms a wait: the effect answered completes at the first `notify` after this call. Arm, then look,
   * then await: a change that happens while looking is not lost.
   */
  readonly next: Effect.Effect<Effect.Effect<void>>
}

export const makeChanges = Effect.sync((): Changes => {
  let pending = Deferred.unsafeMake<void>(FiberId.none)
  return {
    notify: () => {
      const woken = pending
      pending = Deferred.unsafeMake<void>(FiberId.none)
      Deferred.unsafeDone(woken, Effect.void)
    },
    next: Effect.sync(() => Deferred.await(pending))
  }
})

export interface DirWatch {
  /** False when the watcher could not start or has failed: waiters must then look often. */
  readonly watching: () => boolean
  readonly close: Effect.Effect<void>
}

const unwatched: DirWatch = { watching: () => false, close: Effect.void }

/**
 * Calls `onChange` whenever a name appears in or leaves `dir` (which must exist). Writes into a file
 * are not changes: ffmpeg names a file only once it is whole (or, in place, once the next one starts).
 */
export const watchDir = (dir: string, onChange: () => void): Effect.Effect<DirWatch> =>
  Effect.try(() =>
    Fs.watch(dir, { persistent: false }, (event) => {
      if (event === "rename") onChange()
    })
  ).pipe(
    Effect.map((watcher): DirWatch => {
      let watching = true
      // Without a listener an error (the directory removed under it) would end the process.
      watcher.on("error", () => {
        watching = false
        watcher.close()
        onChange()
      })
      return {
        watching: () => watching,
        close: Effect.sync(() => {
          watching = false
          watcher.close()
        })
      }
    }),
    Effect.catchAll((e) => Effect.as(Effect.logWarning(`cannot watch ${dir}, polling it instead: ${e.message}`), unwatched))
  )
