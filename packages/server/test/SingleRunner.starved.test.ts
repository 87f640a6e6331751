/**
 * A single runner keeps its shards when the machine starves it: an embedded node is frozen for 5 s
 * (SIGSTOP, as a machine too busy to schedule it), then scans a library beside two CPU hogs, and must
 * never log that it gave its shards up. The failure seen on a loaded machine (a lock refresh queued
 * behind a long embedded query for over 2 s) is not reproducible on demand from outside the process;
 * the single runner's wide timings (AppConfig.shardLockTimings, tested in Config.test.ts) are the fix.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Schedule, Schema } from "effect"
import { spawn } from "node:child_process"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { adminToken, api, writeLibrary } from "@mediaserver/testkit/EmbeddedScenario"
import { spawnNode, waitFor200 } from "@mediaserver/testkit/NodeProcess"

const Scan = Schema.Struct({ id: Schema.String, status: Schema.String, counts: Schema.Struct({ seen: Schema.Number }) })
const FILES = 12

/** A process that spins one core until the scope ends (killed by its own id). */
const cpuHog = Effect.acquireRelease(
  Effect.sync(() => spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" })),
  (child) => Effect.sync(() => void child.kill("SIGKILL"))
)

describe("a single runner under starvation", () => {
  it.scopedLive("frozen for 5 s and then beside two CPU hogs, it keeps its shards and its scans complete", () =>
    Effect.gen(function* () {
      const base = yield* Effect.acquireRelease(
        Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "ms-starved-"))),
        (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
      )
      yield* writeLibrary(base, FILES)
      const node = yield* spawnNode({ DATA_DIR: Path.join(base, "data") })
      yield* waitFor200(node, "/readyz", Duration.seconds(120))
      const call = api(node, yield* adminToken(node))
      const created = yield* call("/libraries", {
        method: "POST",
        body: JSON.stringify({ name: "Movies", kind: "movie", paths: [Path.join(base, "movies")] })
      })
      const libraryId = Schema.decodeUnknownSync(Schema.Struct({ id: Schema.String }))(created.body).id

      // Frozen: every timer of the node (lock refreshes and their timeouts) is late by 5 s at once.
      yield* node.signal("SIGSTOP")
      yield* Effect.sleep(Duration.seconds(5))
      yield* node.signal("SIGCONT")

      yield* cpuHog
      yield* cpuHog
      const started = yield* call(`/libraries/${libraryId}/scan`, { method: "POST" }).pipe(
        Effect.flatMap((res) => Schema.decodeUnknown(Scan)(res.body))
      )
      const finished = yield* call(`/libraries/${libraryId}/scans`).pipe(
        Effect.flatMap((res) => Schema.decodeUnknown(Schema.Struct({ items: Schema.Array(Scan) }))(res.body)),
        Effect.map((list) => list.items.find((scan) => scan.id === started.id)),
        Effect.filterOrFail((scan) => scan !== undefined && scan.status !== "running", () => "still running"),
        Effect.retry(Schedule.spaced(Duration.millis(250))),
        Effect.timeout(Duration.seconds(180))
      )
      expect(finished?.status).toBe("completed")
      expect(finished?.counts.seen).toBe(FILES)
      expect(node.output()).not.toMatch(/Shard lock storage is unhealthy|No healthy runners/)
    }), { timeout: 360_000 })
})
