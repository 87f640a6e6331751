import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Layer, Redacted, Schema } from "effect"
import { account, read, request } from "@mediaserver/testkit/Http"
import { databaseLayer } from "@mediaserver/testkit/DatabaseLayer"
import { freePort, spawnNode, waitFor200 } from "@mediaserver/testkit/NodeProcess"
import { eventually } from "@mediaserver/testkit/Poll"
import { holdTable } from "@mediaserver/testkit/TableHold"
import { freshDatabase, redisPrefix, redisUrl } from "@mediaserver/testkit/TestDatabase"
import { allScansFinished, createLibrary, ScansPage, startScan, tree } from "@mediaserver/testkit/LibraryNode"

const FILES = 2_000

describe("jobs when a node dies", () => {
  it.scopedLive("a scan job running on a killed node is taken over by the other runner and completes", () =>
    Effect.gen(function* () {
      const db = yield* freshDatabase("jobs_failover")
      const [portA, portB] = yield* Effect.all([freePort, freePort])
      const redis = yield* Effect.orDie(redisUrl)
      const common = {
        DATABASE_URL: Redacted.value(db.url),
        REDIS_URL: redis,
        CACHE_KEY_PREFIX: redisPrefix("jobs_failover"),
        RUNNER_HOST: "127.0.0.1",
        SCAN_PROGRESS_INTERVAL: "100 millis"
      }
      const files: Record<string, string> = {}
      for (let i = 0; i < FILES; i++) files[`Film ${i} (1999)/Film ${i} (1999).mkv`] = ""
      const root = yield* tree(files)

      // A alone owns every shard, so the scan job starts there.
      const a = yield* spawnNode({ ...common, RUNNER_PORT: String(portA) })
      yield* waitFor200(a, "/readyz")
      const admin = (yield* account(a.url, "admin")).auth
      const library = yield* createLibrary(a.url, admin, { name: "Films", kind: "movie", paths: [root] })
      // The scan is held at its first statement (loading the library's files) so it is running on A
      // when A dies, however fast the machine; the lock goes once A is gone.
      const database = yield* Layer.build(databaseLayer(Redacted.value(db.url)))
      const hold = yield* Effect.provide(holdTable("media_files"), database)
      const scan = yield* startScan(a.url, admin, library.id)
      yield* eventually(hold.waiting, (waiting) => waiting, { what: "the scan on A to reach the held table", timeout: Duration.seconds(30) })
      const onA = yield* Effect.flatMap(request(a.url, "GET", `/api/v1/libraries/${library.id}/scans`, { auth: admin }), read(ScansPage))
      expect(onA.items.find((s) => s.id === scan.id)?.status).toBe("running")

      // B joins and A dies at once (no shutdown): B must take the job over.
      const b = yield* spawnNode({ ...common, RUNNER_PORT: String(portB) })
      yield* a.signal("SIGKILL")
      yield* a.exited
      const killedAt = Date.now()
      yield* hold.release
      yield* waitFor200(b, "/readyz")

      const history = yield* allScansFinished(b.url, admin, library.id).pipe(Effect.timeout(Duration.seconds(90)))
      // It finished after A was gone, so on B.
      const completed = history.filter((s) => s.status === "completed")
      expect(completed).toHaveLength(1)
      expect(Date.parse(completed[0]?.finishedAt ?? "")).toBeGreaterThan(killedAt)
      const movies = yield* Effect.flatMap(
        request(b.url, "GET", "/api/v1/movies?limit=1", { auth: admin }),
        read(Schema.Struct({ total: Schema.Number }))
      )
      expect(movies.total).toBe(FILES)
      // The run itself ends just after its scan row.
      const runs = yield* eventually(
        Effect.flatMap(
          request(b.url, "GET", "/api/v1/admin/jobs?kind=library.scan", { auth: admin }),
          read(Schema.Struct({ items: Schema.Array(Schema.Struct({ state: Schema.String })) }))
        ),
        (page) => page.items.every((r) => r.state !== "running" && r.state !== "queued"),
        { what: "the scan run to end", timeout: Duration.seconds(30) }
      )
      expect(runs.items.map((r) => r.state)).toEqual(["completed"])
    }), { timeout: 180_000 })
})
