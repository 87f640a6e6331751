/**
 * Redis killed and started again under two nodes (a redis-server of the test's own, never the shared
 * one): no request fails meanwhile (the caches fall back to the database), and once Redis is back the
 * nodes listen again, so a revocation on one reaches the other at once.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Redacted, Schema } from "effect"
import { connectedRedis, subscribed } from "@mediaserver/testkit/CacheNodes"
import { account, read, request } from "@mediaserver/testkit/Http"
import { migratedDatabase } from "@mediaserver/testkit/MigratedDatabase"
import { eventually } from "@mediaserver/testkit/Poll"
import { redisServer } from "@mediaserver/testkit/RedisServer"
import { redisPrefix } from "@mediaserver/testkit/TestDatabase"
import { startServer } from "@mediaserver/testkit/TestServer"

const Created = Schema.Struct({ secret: Schema.String, key: Schema.Struct({ id: Schema.String }) })

/** Status of one GET with a deadline of its own (0: no answer). */
const status = (url: string, headers: Record<string, string>) =>
  Effect.promise(() =>
    fetch(url, { headers, signal: AbortSignal.timeout(5_000) }).then(async (res) => {
      await res.text()
      return res.status
    }, () => 0))

describe("Redis lost and back", () => {
  it.scopedLive("no request fails while Redis is away; invalidations reach the other node again once it is back", () =>
    Effect.gen(function* () {
      const redis = yield* redisServer()
      const prefix = redisPrefix("faults_redis")
      const db = yield* migratedDatabase("faults_redis")
      const env = { DATABASE_URL: Redacted.value(db.url), REDIS_URL: redis.url, CACHE_KEY_PREFIX: prefix }
      const a = yield* startServer(env)
      const b = yield* startServer(env)
      yield* subscribed(yield* connectedRedis(redis.url), prefix, 2)
      const owner = yield* account(a.url, "nina")
      const key = yield* Effect.flatMap(
        request(a.url, "POST", "/api/v1/apikeys", { auth: owner.auth, body: { name: "tv", scopes: ["read"] } }),
        read(Created)
      )
      const bearer = { authorization: `Bearer ${owner.accessToken}` }
      const apiKey = { "x-api-key": key.secret }
      const round = Effect.all([
        status(`${a.url}/api/v1/users/me`, bearer),
        status(`${b.url}/api/v1/users/me`, apiKey),
        status(`${a.url}/api/v1/movies?limit=5`, apiKey),
        status(`${b.url}/api/v1/movies?limit=5`, bearer),
        status(`${b.url}/api/v1/libraries`, bearer)
      ])
      const answers: Array<number> = []
      const rounds = (n: number) => Effect.repeatN(Effect.tap(round, (r) => Effect.sync(() => answers.push(...r))), n - 1)

      yield* rounds(10)
      yield* redis.kill
      yield* rounds(30)
      yield* redis.start
      yield* rounds(10)
      expect(answers.filter((s) => s !== 200)).toEqual([])

      // Both nodes subscribe again to the new Redis; a revoked key then stops working on B at once.
      yield* subscribed(yield* connectedRedis(redis.url, Duration.seconds(10)), prefix, 2, Duration.seconds(20))
      expect(yield* status(`${b.url}/api/v1/users/me`, apiKey)).toBe(200)
      expect((yield* request(a.url, "DELETE", `/api/v1/apikeys/${key.key.id}`, { auth: owner.auth })).status).toBe(204)
      yield* eventually(status(`${b.url}/api/v1/users/me`, apiKey), (s) => s === 401, {
        what: "node B to refuse the key revoked on A", timeout: Duration.seconds(1), interval: Duration.millis(10)
      })
    }), 90_000)
})
