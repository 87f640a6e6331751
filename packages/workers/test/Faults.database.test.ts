/**
 * Postgres going away under a whole node (HTTP + workers), simulated by a TCP proxy in front of the
 * shared Postgres that drops every connection and refuses new ones (the real server is never stopped).
 */
import { describe, expect, it } from "@effect/vitest"
import { HttpServer } from "@effect/platform"
import { Context, Duration, Effect, Layer, Redacted, Schema } from "effect"
import { account, read, request } from "@mediaserver/testkit/Http"
import { allScansFinished, createLibrary, startScan, tree } from "@mediaserver/testkit/LibraryNode"
import { migratedDatabase } from "@mediaserver/testkit/MigratedDatabase"
import { eventually } from "@mediaserver/testkit/Poll"
import { TcpProxy } from "@mediaserver/testkit/TcpProxy"
import { testNode } from "@mediaserver/testkit/TestServer"
import { WorkersLive } from "@mediaserver/workers"

const FILES = 200

/** One GET with a deadline of its own: what it answered (0: no answer in time) and how long it took. */
const timedGet = (url: string, token: string) =>
  Effect.promise(async () => {
    const started = performance.now()
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(8_000) }).catch(() => undefined)
    await res?.text()
    return { status: res?.status ?? 0, retryAfter: res?.headers.get("retry-after") ?? null, ms: performance.now() - started }
  })

describe("Postgres lost and back", () => {
  it.scopedLive("requests fail fast with 503 and Retry-After, the node is not ready, then it recovers and the scan it held completes", () =>
    Effect.gen(function* () {
      const db = yield* migratedDatabase("faults_db")
      const { proxy, url: via } = yield* TcpProxy.forDatabase(Redacted.value(db.url))
      const context = yield* Layer.build(testNode({ LOG_LEVEL: "Error", DATABASE_URL: via, SCAN_PROGRESS_INTERVAL: "100 millis" }, WorkersLive))
      const server = Context.get(context, HttpServer.HttpServer)
      const url = `http://127.0.0.1:${server.address._tag === "TcpAddress" ? server.address.port : 0}`
      const admin = yield* account(url, "admin")
      const files: Record<string, string> = {}
      for (let i = 0; i < FILES; i++) files[`Film ${i} (1999)/Film ${i} (1999).mkv`] = ""
      const library = yield* createLibrary(url, admin.auth, { name: "Films", kind: "movie", paths: [yield* tree(files)] })
      // Job runs are read from the database on every call (pages of movies may come from the cache).
      const jobs = `${url}/api/v1/admin/jobs?pageSize=5`
      expect((yield* timedGet(jobs, admin.accessToken)).status).toBe(200)

      // The scan is under way (its job enqueued and started) when Postgres goes.
      yield* startScan(url, admin.auth, library.id)
      yield* proxy.cut
      const down = yield* eventually(timedGet(jobs, admin.accessToken), (r) => r.status === 503, {
        what: "a 503 for job runs while Postgres is away", timeout: Duration.seconds(15), interval: Duration.millis(100)
      })
      expect(down.retryAfter).toMatch(/^\d+$/)
      // Fails fast: the request does not sit waiting for a connection that will not come.
      const again = yield* timedGet(jobs, admin.accessToken)
      expect(again.status).toBe(503)
      expect(again.ms).toBeLessThan(5_000)
      const ready = yield* eventually(timedGet(`${url}/readyz`, admin.accessToken), (r) => r.status === 503, {
        what: "/readyz not ready", timeout: Duration.seconds(10)
      })
      expect(ready.status).toBe(503)

      yield* proxy.restore
      yield* eventually(
        Effect.zip(timedGet(`${url}/readyz`, admin.accessToken), timedGet(jobs, admin.accessToken)),
        ([r, m]) => r.status === 200 && m.status === 200,
        { what: "ready and serving again", timeout: Duration.seconds(20), interval: Duration.millis(100) }
      )
      // Nothing lost: the scan's job ran to the end and every file is a movie.
      const scans = yield* allScansFinished(url, admin.auth, library.id).pipe(Effect.timeout(Duration.seconds(60)))
      expect(scans.map((s) => s.status)).toContain("completed")
      const total = yield* Effect.flatMap(request(url, "GET", "/api/v1/movies?limit=1", { auth: admin.auth }), read(Schema.Struct({ total: Schema.Number })))
      expect(total.total).toBe(FILES)
      const runs = yield* eventually(
        Effect.flatMap(request(url, "GET", "/api/v1/admin/jobs?kind=library.scan", { auth: admin.auth }),
          read(Schema.Struct({ items: Schema.Array(Schema.Struct({ state: Schema.String })) }))),
        (page) => page.items.length > 0 && page.items.every((r) => r.state !== "running" && r.state !== "queued" && r.state !== "retrying"),
        { what: "the scan run to end", timeout: Duration.seconds(30) }
      )
      expect(runs.items.map((r) => r.state)).toContain("completed")
    }), { timeout: 120_000 })
})
