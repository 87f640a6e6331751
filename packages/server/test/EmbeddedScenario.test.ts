import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Schedule, Schema } from "effect"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { adminToken, api, runEmbeddedScenario, writeLibrary } from "@mediaserver/testkit/EmbeddedScenario"
import { spawnNode, waitFor200 } from "@mediaserver/testkit/NodeProcess"

const Scan = Schema.Struct({ id: Schema.String, status: Schema.String, phase: Schema.String })
const Total = Schema.Struct({ total: Schema.Number })

describe("embedded default under a newcomer's load", () => {
  it.scopedLive("scans 5,000 files while a client pages through the movies, rescans during the probes, and stays up with every answer right", () =>
    Effect.gen(function* () {
      const result = yield* runEmbeddedScenario({ movies: 5000, settleProbes: Duration.zero })
      expect(result.crashed).toBe(false)
      expect(result.moviesListed).toBe(5000)
      expect(result.busyMs.length).toBeGreaterThan(0)
      expect(result.output).not.toMatch(/RangeError|ERR_OUT_OF_RANGE|protocol fault/)
    }), { timeout: 600_000 })

  it.scopedLive("comes back after a SIGKILL in the middle of a scan's writes, on the same data, and finishes the work", () =>
    Effect.gen(function* () {
      const base = yield* Effect.acquireRelease(
        Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "ms-embedded-crash-"))),
        (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
      )
      yield* writeLibrary(base, 2000)
      const dataDir = Path.join(base, "data")
      const first = yield* spawnNode({ DATA_DIR: dataDir })
      yield* waitFor200(first, "/readyz", Duration.seconds(90))
      const call = api(first, yield* adminToken(first))
      const created = yield* call("/libraries", {
        method: "POST",
        body: JSON.stringify({ name: "Movies", kind: "movie", paths: [Path.join(base, "movies")] })
      })
      const libraryId = Schema.decodeUnknownSync(Schema.Struct({ id: Schema.String }))(created.body).id
      yield* call(`/libraries/${libraryId}/scan`, { method: "POST" })
      // Kill it once the scan is writing (some movies listed, the scan still running).
      yield* call("/movies?limit=1").pipe(
        Effect.flatMap((res) => Schema.decodeUnknown(Schema.Struct({ items: Schema.Array(Schema.Unknown) }))(res.body)),
        Effect.filterOrFail((page) => page.items.length > 0, () => "nothing written yet"),
        Effect.retry(Schedule.spaced(Duration.millis(20))),
        Effect.timeout(Duration.seconds(120))
      )
      yield* first.signal("SIGKILL")
      yield* first.exited

      const second = yield* spawnNode({ DATA_DIR: dataDir })
      yield* waitFor200(second, "/readyz", Duration.seconds(90))
      const again = api(second, yield* adminToken(second))
      // The interrupted scan is not left "running"; a new one completes and lists every movie. The node
      // came back on another port: the shards its dead self held are its own at once (no 503 while
      // their locks expire).
      const started = yield* again(`/libraries/${libraryId}/scan`, { method: "POST" }).pipe(
        Effect.flatMap((res) =>
          Schema.decodeUnknown(Scan)(res.body).pipe(
            Effect.mapError(() => `scan start answered ${res.status}: ${JSON.stringify(res.body)}\n${second.output().slice(-3000)}`)
          )
        )
      )
      const finished = yield* again(`/libraries/${libraryId}/scans`).pipe(
        Effect.flatMap((res) => Schema.decodeUnknown(Schema.Struct({ items: Schema.Array(Scan) }))(res.body)),
        Effect.map((list) => list.items.find((scan) => scan.id === started.id)),
        Effect.filterOrFail((scan) => scan !== undefined && scan.status !== "running", () => "still running"),
        Effect.retry(Schedule.spaced(Duration.millis(250))),
        Effect.timeout(Duration.seconds(180))
      )
      expect(finished?.status).toBe("completed")
      const listed = yield* again(`/movies?limit=1&libraryId=${libraryId}`).pipe(
        Effect.map((res) => res.body),
        Effect.flatMap(Schema.decodeUnknown(Total))
      )
      expect(listed.total).toBe(2000)
      const probes = yield* again("/admin/jobs?kind=library.probe&state=failed&pageSize=1").pipe(
        Effect.flatMap((res) => Schema.decodeUnknown(Total)(res.body))
      )
      expect(probes.total).toBe(0)
      expect(second.output()).not.toMatch(/RangeError|ERR_OUT_OF_RANGE/)
      // Stopped cleanly, this time.
      yield* second.signal("SIGINT")
      expect(yield* second.exited).toBe(0)
    }), { timeout: 600_000 })
})
