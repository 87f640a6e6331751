import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, Option, Redacted, Schema, Scope } from "effect"
import { eventually } from "@mediaserver/testkit/Poll"
import { TcpProxy } from "@mediaserver/testkit/TcpProxy"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"
import { startServer } from "@mediaserver/testkit/TestServer"

const ReadyBody = Schema.Struct({
  status: Schema.String,
  checks: Schema.Struct({ database: Schema.String, migrations: Schema.String, redis: Schema.String })
})

const get = (url: string) =>
  Effect.promise(async () => {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) })
    return { status: res.status, text: await res.text() }
  })

const ping = (base: string) =>
  Effect.promise(async () => {
    const res = await fetch(`${base}/api/v1/system/ping/readiness`, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
      signal: AbortSignal.timeout(5_000)
    }).catch(() => undefined)
    await res?.text()
    return res?.status ?? 0
  })

const readyz = (base: string) =>
  Effect.gen(function*() {
    const { status, text } = yield* get(`${base}/readyz`)
    const body = yield* Schema.decodeUnknown(Schema.parseJson(ReadyBody))(text)
    return { status, body }
  })

describe("readiness", () => {
  it.scopedLive("/readyz follows the database: 200, 503 while unreachable, 200 again", () =>
    Effect.gen(function*() {
      const db = yield* freshDatabase("ready")
      const { proxy, url: viaProxy } = yield* TcpProxy.forDatabase(Redacted.value(db.url))
      const { url } = yield* startServer({ DATABASE_URL: viaProxy })
      // The server really talks to Postgres through the proxy.
      expect(yield* proxy.acceptedTotal).toBeGreaterThan(0)

      const first = yield* readyz(url)
      expect(first.status).toBe(200)
      expect(first.body.status).toBe("ready")
      expect(first.body.checks.database).toBe("ok")

      yield* proxy.cut
      const down = yield* eventually(readyz(url), (r) => r.status === 503, {
        what: "/readyz 503 after the database connection was cut",
        timeout: Duration.seconds(10)
      })
      expect(down.body.checks.database).toBe("down")
      expect(down.body.status).toBe("not_ready")
      // Liveness does not depend on the database.
      const health = yield* get(`${url}/healthz`)
      expect(health.status).toBe(200)
      // Still down while the cut lasts (not a one-off failure).
      expect((yield* readyz(url)).status).toBe(503)

      yield* proxy.restore
      const up = yield* eventually(readyz(url), (r) => r.status === 200, {
        what: "/readyz 200 after the database came back",
        timeout: Duration.seconds(15)
      })
      expect(up.body.checks.database).toBe("ok")
      expect(up.body.status).toBe("ready")
      // The cluster recovers too: a ping goes through its entity again.
      yield* eventually(ping(url), (status) => status === 200, {
        what: "a ping through the cluster after the database came back",
        timeout: Duration.seconds(20)
      })
    }), 60_000)

  // Layer.launch (bin/main.ts on SIGTERM) and a test's scope release both close the layers
  // uninterruptibly; shutdown must still finish while Postgres is unreachable.
  it.scopedLive("shuts down within a deadline while the database is unreachable", () =>
    Effect.gen(function*() {
      const db = yield* freshDatabase("shutdown")
      const { proxy, url: viaProxy } = yield* TcpProxy.forDatabase(Redacted.value(db.url))
      const serverScope = yield* Scope.make()
      const { url } = yield* startServer({ DATABASE_URL: viaProxy, SHUTDOWN_TIMEOUT: "2 seconds" }).pipe(
        Scope.extend(serverScope)
      )
      expect((yield* readyz(url)).status).toBe(200)

      yield* proxy.cut
      yield* eventually(readyz(url), (r) => r.status === 503, {
        what: "/readyz 503 after the database connection was cut",
        timeout: Duration.seconds(10)
      })
      // A daemon: if shutdown hangs, the test fails instead of hanging with it.
      const closing = yield* Effect.forkDaemon(Effect.uninterruptible(Scope.close(serverScope, Exit.void)))
      const closed = yield* eventually(Fiber.poll(closing), Option.isSome, {
        what: "the server to shut down with the database unreachable",
        timeout: Duration.seconds(15),
        interval: Duration.millis(100)
      }).pipe(Effect.either)
      // Let a stuck shutdown finish once the database is back, so it does not outlive the test.
      yield* proxy.restore
      expect(closed._tag, "shutdown did not complete within 15 s while Postgres was unreachable").toBe("Right")
    }), 60_000)
})
