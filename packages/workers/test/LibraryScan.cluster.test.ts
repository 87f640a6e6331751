import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { account } from "@mediaserver/testkit/Http"
import { freePort, spawnNode, waitFor200 } from "@mediaserver/testkit/NodeProcess"
import { freshDatabase, redisPrefix, redisUrl } from "@mediaserver/testkit/TestDatabase"
import { allScansFinished, createLibrary, overlapping, startScan, tree } from "@mediaserver/testkit/LibraryNode"

describe("library scans on a cluster", () => {
  it.scopedLive("two runner processes: concurrent triggers through both nodes start one scan", () =>
    Effect.gen(function* () {
      const db = yield* freshDatabase("scan_cluster")
      const [portA, portB] = yield* Effect.all([freePort, freePort])
      // A cluster shares Postgres and Redis (cache invalidations reach every node through Redis).
      const redis = yield* Effect.orDie(redisUrl)
      const common = { DATABASE_URL: Redacted.value(db.url), REDIS_URL: redis, CACHE_KEY_PREFIX: redisPrefix("scan_cluster"), RUNNER_HOST: "127.0.0.1" }
      const a = yield* spawnNode({ ...common, RUNNER_PORT: String(portA) })
      yield* waitFor200(a, "/readyz")
      const b = yield* spawnNode({ ...common, RUNNER_PORT: String(portB) })
      yield* waitFor200(b, "/readyz")
      const admin = (yield* account(a.url, "admin")).auth

      const files: Record<string, string> = {}
      for (let i = 0; i < 1000; i++) files[`Movie ${i} (2000)/Movie ${i} (2000).mkv`] = ""
      const root = yield* tree(files)
      const library = yield* createLibrary(a.url, admin, { name: "Movies", kind: "movie", paths: [root] })

      const triggers = yield* Effect.all(
        Array.from({ length: 6 }, (_, i) => startScan(i % 2 === 0 ? a.url : b.url, admin, library.id)),
        { concurrency: "unbounded" }
      )
      // A trigger arriving after a scan finished starts the next one, so several scans may result,
      // but never two at once, and every trigger was answered with one of them.
      const history = yield* allScansFinished(a.url, admin, library.id)
      expect(overlapping(history)).toBe(0)
      expect(triggers.every((t) => history.some((s) => s.id === t.id))).toBe(true)
      expect(history.filter((s) => s.status === "completed").reduce((n, s) => n + s.counts.new, 0)).toBe(1000)
    }), { timeout: 120_000 })
})
