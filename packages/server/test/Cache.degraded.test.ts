/**
 * The cache without a working Redis: a closed port, a connection cut mid-test (TCP proxy), a Redis
 * that hangs; plus what a running server reports at /readyz and /metrics.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Option, Schema } from "effect"
import { cacheNode, cleanupPrefix, redisReady, source, subscribed } from "@mediaserver/testkit/CacheNodes"
import { eventually } from "@mediaserver/testkit/Poll"
import { StallProxy } from "./support/StallProxy.js"
import { TcpProxy } from "@mediaserver/testkit/TcpProxy"
import { redisPrefix, redisUrl } from "@mediaserver/testkit/TestDatabase"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"

const prefix = redisPrefix("cache-degraded")
const CLOSED = "redis://127.0.0.1:1"
const long = { l1: Duration.minutes(5), l2: Duration.minutes(5) }

const redisTarget = Effect.map(Effect.orDie(redisUrl), (url) => {
  const parsed = new URL(url)
  return { url, host: parsed.hostname, port: Number(parsed.port || "6379") }
})

/** The URL of the real Redis, with host and port replaced by the proxy's. */
const through = (url: string, port: number) => {
  const via = new URL(url)
  via.hostname = "127.0.0.1"
  via.port = String(port)
  return via.toString()
}

/** Generous: what is checked is that the call ends at all, not how fast (the cache bench measures that). */
const withinDeadline = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.timeoutFail(effect, { duration: Duration.seconds(10), onTimeout: () => "did not end within 10 s" })

describe("cache with Redis unreachable", () => {
  it.scopedLive("closed port: every read succeeds from the source, invalidations do not fail", () =>
    Effect.gen(function*() {
      const node = yield* cacheNode({ prefix, redisUrl: Option.some(CLOSED) })
      const ns = yield* node.namespace({ namespace: "deg-closed", schema: Schema.String, ttl: long, tags: (k: string) => [`t:${k}`] })
      const src = source("v1")
      // No waiting for a connection that will not come: reads that queued for one would never end.
      yield* withinDeadline(Effect.gen(function*() {
        for (let i = 0; i < 5; i++) expect(yield* ns.get("k", src.lookup)).toBe("v1")
        expect(yield* ns.getOption("none", Effect.succeed(Option.none<string>()))).toEqual(Option.none())
      }))
      // Generations are unknown without Redis, so the cache is bypassed: the source answers.
      expect(src.calls()).toBe(5)
      const { l2Skipped, redisErrors } = node.store.counters
      expect(l2Skipped + redisErrors).toBeGreaterThanOrEqual(6)
      expect(node.store.counters.forNamespace("deg-closed").lookups).toBe(6)

      yield* ns.invalidate("k")
      yield* node.invalidateTag("t:k")
      yield* ns.invalidateAll
      src.set("v2")
      expect(yield* ns.get("k", src.lookup)).toBe("v2")
    }))

  it.scopedLive("Redis cut mid-test: L1 and the source keep answering; invalidation still drops local entries; recovery", () =>
    Effect.gen(function*() {
      const target = yield* redisTarget
      yield* cleanupPrefix(target.url, prefix)
      const proxy = yield* TcpProxy.make({ host: target.host, port: target.port })
      const a = yield* cacheNode({ prefix, redisUrl: Option.some(through(target.url, proxy.port)) })
      const b = yield* cacheNode({ prefix, redisUrl: Option.some(target.url) })
      yield* redisReady(a)
      yield* redisReady(b)
      const spec = { namespace: "deg-cut", schema: Schema.String, ttl: long, tags: (k: string) => [`t:${k}`] }
      const nsA = yield* a.namespace(spec)
      const nsB = yield* b.namespace(spec)
      const src = source("v1")
      for (const key of ["k", "tagged", "ns", "remote"]) expect(yield* nsA.get(key, src.lookup)).toBe("v1")
      expect(src.calls()).toBe(4)

      yield* proxy.cut
      yield* eventually(Effect.sync(() => a.store.redis.available()), (ok) => !ok, {
        what: "node A to notice Redis is gone",
        timeout: Duration.seconds(5),
        interval: Duration.millis(10)
      })
      const before = a.store.counters.l2Skipped + a.store.counters.redisErrors
      src.set("v2")
      // L1 still answers what it holds.
      expect(yield* nsA.get("k", src.lookup)).toBe("v1")
      expect(src.calls()).toBe(4)
      // A key not in L1 comes from the source, with no error.
      expect(yield* nsA.get("new", src.lookup)).toBe("v2")
      expect(src.calls()).toBe(5)
      expect(a.store.counters.l2Skipped + a.store.counters.redisErrors).toBeGreaterThan(before)

      // Invalidation works locally while Redis is down: key, tag and namespace.
      yield* nsA.invalidate("k")
      expect(yield* nsA.get("k", src.lookup)).toBe("v2")
      yield* a.invalidateTag("t:tagged")
      expect(yield* nsA.get("tagged", src.lookup)).toBe("v2")
      expect(src.calls()).toBe(7)
      yield* nsA.invalidateAll
      expect(yield* nsA.get("ns", src.lookup)).toBe("v2")
      expect(src.calls()).toBe(8)

      // Another node invalidates while A is cut off: A cannot hear it, so after reconnecting it must
      // not trust what it cached before.
      const srcB = source("v3")
      src.set("v3")
      yield* nsB.invalidate("remote")
      yield* proxy.restore
      yield* redisReady(a, Duration.seconds(15))
      yield* eventually(nsA.get("remote", src.lookup), (v) => v === "v3", {
        what: "node A to drop what it cached before the outage",
        timeout: Duration.seconds(5),
        interval: Duration.millis(10)
      })

      // Back to normal: L2 is used again and invalidations from B reach A again.
      yield* subscribed(Option.getOrThrow(b.client), prefix, 2, Duration.seconds(10))
      const again = source("w1")
      expect(yield* nsA.get("after", again.lookup)).toBe("w1")
      expect(yield* nsB.get("after", srcB.lookup)).toBe("w1")
      expect(srcB.calls()).toBe(0)
      again.set("w2")
      yield* nsB.invalidate("after")
      yield* eventually(nsA.get("after", again.lookup), (v) => v === "w2", {
        what: "node A to see B's invalidation after the reconnect",
        timeout: Duration.millis(500),
        interval: Duration.millis(1)
      })
    }), 60_000)

  it.scopedLive("Redis hanging: each operation times out in milliseconds; the caller gets the value", () =>
    Effect.gen(function*() {
      const target = yield* redisTarget
      yield* cleanupPrefix(target.url, prefix)
      const proxy = yield* StallProxy.make({ host: target.host, port: target.port })
      const node = yield* cacheNode({ prefix, redisUrl: Option.some(through(target.url, proxy.port)), redisTimeout: Duration.millis(50) })
      yield* redisReady(node)
      const ns = yield* node.namespace({ namespace: "deg-stall", schema: Schema.String, ttl: long })
      const src = source("v1")
      expect(yield* ns.get("warm", src.lookup)).toBe("v1")

      yield* proxy.stall
      const errors = node.store.counters.redisErrors
      // One L2 read and one L2 write, each cut off by the timeout (a hung Redis would hold the read forever).
      expect(yield* withinDeadline(ns.get("k", src.lookup))).toBe("v1")
      expect(node.store.counters.redisErrors).toBeGreaterThanOrEqual(errors + 2)
      // L1 hits do not touch Redis: no L2 read, no new error.
      const counts = node.store.counters.forNamespace("deg-stall")
      const [l1Hits, l2Reads, errorsBefore] = [counts.l1Hit, counts.l2Hit + counts.l2Miss, node.store.counters.redisErrors]
      expect(yield* withinDeadline(ns.get("warm", src.lookup))).toBe("v1")
      expect([counts.l1Hit, counts.l2Hit + counts.l2Miss, node.store.counters.redisErrors]).toEqual([l1Hits + 1, l2Reads, errorsBefore])
      // Invalidating while Redis hangs returns and still drops the local entry.
      src.set("v2")
      yield* ns.invalidate("warm")
      expect(yield* ns.get("warm", src.lookup)).toBe("v2")
      yield* proxy.resume
    }), 30_000)
})

const Ready = Schema.parseJson(Schema.Struct({
  status: Schema.String,
  checks: Schema.Struct({ database: Schema.String, redis: Schema.String })
}))

const get = (url: string) =>
  Effect.promise(async () => {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) })
    return { status: res.status, text: await res.text() }
  })

describe("server probes with the cache", () => {
  it.scopedLive("/readyz reports Redis as degraded (HTTP 200) when REDIS_URL points at a closed port", () =>
    Effect.gen(function*() {
      const { url } = yield* startServerWithDatabase({ REDIS_URL: CLOSED, CACHE_KEY_PREFIX: prefix })
      const res = yield* get(`${url}/readyz`)
      expect(res.status).toBe(200)
      const body = yield* Schema.decodeUnknown(Ready)(res.text)
      expect(body.checks).toEqual({ database: "ok", redis: "degraded" })
      expect(body.status).toBe("degraded")
    }), 60_000)

  it.scopedLive("/metrics exports the cache gauges", () =>
    Effect.gen(function*() {
      const target = yield* redisTarget
      yield* cleanupPrefix(target.url, prefix)
      // The server runs in this process: gauges sampled from this store share its registry.
      const node = yield* cacheNode({ prefix, redisUrl: Option.some(target.url) })
      yield* redisReady(node)
      const ns = yield* node.namespace({ namespace: "deg-metrics", schema: Schema.String, ttl: long })
      yield* ns.get("k", Effect.succeed("v"))
      yield* ns.get("k", Effect.succeed("v"))
      yield* node.store.sampleMetrics

      const { url } = yield* startServerWithDatabase({ REDIS_URL: target.url, CACHE_KEY_PREFIX: prefix })
      yield* eventually(get(`${url}/readyz`), (r) => r.status === 200 && r.text.includes(`"redis":"ok"`), {
        what: "/readyz with Redis ok",
        timeout: Duration.seconds(10)
      })
      const metrics = yield* get(`${url}/metrics`)
      expect(metrics.status).toBe(200)
      const lines = metrics.text.split("\n")
      const line = (pattern: RegExp) => lines.filter((l) => pattern.test(l))
      expect(line(/^cache_l1_entries \d+$/)).toHaveLength(1)
      expect(line(/^cache_redis_errors_total 0$/)).toHaveLength(1)
      expect(line(/^cache_l2_skipped_total \d+$/)).toHaveLength(1)
      expect(line(/^cache_requests_total\{.*namespace="deg-metrics".*\} \d+$/).length).toBeGreaterThanOrEqual(4)
      expect(line(/^cache_requests_total\{(?=.*namespace="deg-metrics")(?=.*level="l1")(?=.*result="hit").*\} 1$/)).toHaveLength(1)
      expect(line(/^cache_lookups_total\{namespace="deg-metrics"\} 1$/)).toHaveLength(1)
    }), 60_000)
})
