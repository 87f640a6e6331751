/** Waiting on a session's directory: what wakes its waiters, and the fallback when it cannot be watched. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { tempDir } from "@mediaserver/testkit/TempDir"
import { makeChanges, watchDir } from "../../src/playback/DirChanges.js"

const woken = <A>(fiber: Fiber.RuntimeFiber<A>) =>
  Fiber.join(fiber).pipe(Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => "not woken" }))

describe("session directory changes", () => {
  it.scopedLive("a file named in the directory wakes every waiter armed before it; a closed watcher wakes nobody", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir("ms-dirchanges-")
      const changes = yield* makeChanges
      const watch = yield* watchDir(dir, changes.notify)
      expect(watch.watching()).toBe(true)

      // As ffmpeg does (`-hls_flags temp_file`): written under another name, then renamed.
      const wake = yield* changes.next
      const waiters = yield* Effect.all([Effect.fork(wake), Effect.fork(wake)])
      Fs.writeFileSync(Path.join(dir, "0.ts.tmp"), "segment")
      Fs.renameSync(Path.join(dir, "0.ts.tmp"), Path.join(dir, "0.ts"))
      yield* Effect.forEach(waiters, woken)

      yield* watch.close
      expect(watch.watching()).toBe(false)
      // A second watcher on the directory shows when the next change has been delivered.
      const probe = yield* makeChanges
      yield* Effect.acquireRelease(watchDir(dir, probe.notify), (w) => w.close)
      const after = yield* Effect.fork(yield* changes.next)
      const seen = yield* Effect.fork(yield* probe.next)
      Fs.writeFileSync(Path.join(dir, "1.ts"), "segment")
      yield* woken(seen)
      expect((yield* Fiber.poll(after))._tag).toBe("None")
      // A request or a new run still wakes it.
      changes.notify()
      yield* woken(after)
    }))

  it.live("a directory that cannot be watched is reported, so that its waiters poll it", () =>
    Effect.map(watchDir("/nonexistent/ms-dirchanges", () => undefined), (watch) => expect(watch.watching()).toBe(false)))
})
