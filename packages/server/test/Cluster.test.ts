import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Redacted } from "effect"
import { spawnNode, freePort, waitFor200 } from "@mediaserver/testkit/NodeProcess"
import { eventually } from "@mediaserver/testkit/Poll"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"

interface Ping {
  readonly entityId: string
  readonly handledBy: string
  readonly count: number
}

const ping = (url: string, id: string) =>
  Effect.promise(async (): Promise<Ping> => {
    const res = await fetch(`${url}/api/v1/system/ping/${id}`, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" }
    })
    return res.json()
  })

describe("cluster", () => {
  it.scopedLive("two runner processes on one Postgres form one cluster; pings reach entities on both", () =>
    Effect.gen(function* () {
      const db = yield* freshDatabase("cluster")
      const [portA, portB] = yield* Effect.all([freePort, freePort])
      const common = { DATABASE_URL: Redacted.value(db.url), RUNNER_HOST: "127.0.0.1" }
      // Started together on an empty database: the migration lock must keep them from racing.
      const [a, b] = yield* Effect.all(
        [spawnNode({ ...common, RUNNER_PORT: String(portA) }), spawnNode({ ...common, RUNNER_PORT: String(portB) })],
        { concurrency: 2 }
      )
      yield* Effect.all([waitFor200(a, "/readyz"), waitFor200(b, "/readyz")], { concurrency: 2 })

      // Shards spread over both runners once assignments settle: some ids sent to A are handled by B.
      const handlers = yield* Effect.gen(function* () {
        const seen = new Set<string>()
        for (let i = 0; i < 20; i++) seen.add((yield* ping(a.url, `e${i}`)).handledBy)
        return seen
      }).pipe((pings) => eventually(pings, (seen) => seen.size === 2, { timeout: Duration.seconds(30), what: "both runners" }))
      expect([...handlers].sort()).toEqual([`127.0.0.1:${portA}`, `127.0.0.1:${portB}`].sort())

      // The same entity answers through either node, and its state lives in Postgres.
      const viaA = yield* ping(a.url, "shared")
      const viaB = yield* ping(b.url, "shared")
      expect(viaB.count).toBe(viaA.count + 1)
      expect(viaB.handledBy).toBe(viaA.handledBy)
    }), { timeout: 90_000 })
})
