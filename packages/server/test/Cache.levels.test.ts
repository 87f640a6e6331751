/**
 * The read path of the two-level cache on a real Redis: L1 hit, L2 hit, miss, TTLs at both levels,
 * coalesced concurrent misses, cached "not found", bounded L1 and the metrics it exports.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Option, Schema } from "effect"
import {
  cacheNode,
  cleanupPrefix,
  gatedLookup,
  gaugeValues,
  redisReady,
  source,
  subscribed
} from "@mediaserver/testkit/CacheNodes"
import { eventually } from "@mediaserver/testkit/Poll"
import { redisPrefix, redisUrl } from "@mediaserver/testkit/TestDatabase"

const prefix = redisPrefix("cache-levels")
const long = { l1: Duration.minutes(5), l2: Duration.minutes(5) }

/** Two nodes on the file's prefix, each with its own Redis connection and L1, both ready. */
const twoNodes = (maxEntries?: number) =>
  Effect.gen(function*() {
    const url = yield* Effect.orDie(redisUrl)
    yield* cleanupPrefix(url, prefix)
    const options = { prefix, redisUrl: Option.some(url), ...(maxEntries === undefined ? {} : { maxEntries }) }
    const a = yield* cacheNode(options)
    const b = yield* cacheNode(options)
    yield* redisReady(a)
    yield* redisReady(b)
    return { url, a, b }
  })

describe("cache read path (L1 -> L2 -> lookup)", () => {
  it.scopedLive("miss runs the lookup; a second get is an L1 hit", () =>
    Effect.gen(function*() {
      const { a } = yield* twoNodes()
      const ns = yield* a.namespace({ namespace: "levels-l1", schema: Schema.String, ttl: long })
      const src = source("v1")

      expect(yield* ns.get("k", src.lookup)).toBe("v1")
      expect(src.calls()).toBe(1)
      const counts = a.store.counters.forNamespace("levels-l1")
      expect(counts).toMatchObject({ l1Miss: 1, l2Miss: 1, lookups: 1, l1Hit: 0 })

      src.set("v2")
      expect(yield* ns.get("k", src.lookup)).toBe("v1")
      expect(src.calls()).toBe(1)
      expect(counts).toMatchObject({ l1Hit: 1, l1Miss: 1, lookups: 1 })

      // A different key is a different entry.
      expect(yield* ns.get("other", src.lookup)).toBe("v2")
      expect(src.calls()).toBe(2)
    }))

  it.scopedLive("L2 serves what L1 evicted, without the lookup", () =>
    Effect.gen(function*() {
      const { a } = yield* twoNodes()
      const ns = yield* a.namespace({ namespace: "levels-evict", schema: Schema.String, ttl: long, maxEntries: 2 })
      const src = source("v1")
      for (const key of ["a", "b", "c"]) expect(yield* ns.get(key, src.lookup)).toBe("v1")
      expect(src.calls()).toBe(3)

      // "a" was evicted from L1 (capacity 2); the source changed, yet L2 still holds "v1".
      src.set("v2")
      expect(yield* ns.get("a", src.lookup)).toBe("v1")
      expect(src.calls()).toBe(3)
      const counts = a.store.counters.forNamespace("levels-evict")
      expect(counts.l2Hit).toBe(1)
      expect(counts.l1Hit).toBe(0)
      // ... and put it back in L1.
      expect(yield* ns.get("a", src.lookup)).toBe("v1")
      expect(counts.l1Hit).toBe(1)
      expect(counts.l2Hit).toBe(1)
    }))

  it.scopedLive("a second node with a cold L1 reads what the first wrote from L2", () =>
    Effect.gen(function*() {
      const { a, b } = yield* twoNodes()
      const spec = { namespace: "levels-cold", schema: Schema.Struct({ id: Schema.Number, title: Schema.String }), ttl: long }
      const nsA = yield* a.namespace(spec)
      const nsB = yield* b.namespace(spec)
      const srcA = source({ id: 1, title: "Alien" })
      const srcB = source({ id: 1, title: "from B's source" })

      expect(yield* nsA.get(1, srcA.lookup)).toEqual({ id: 1, title: "Alien" })
      expect(yield* nsB.get(1, srcB.lookup)).toEqual({ id: 1, title: "Alien" })
      expect(srcA.calls()).toBe(1)
      expect(srcB.calls()).toBe(0)
      expect(b.store.counters.forNamespace("levels-cold")).toMatchObject({ l1Miss: 1, l2Hit: 1, lookups: 0 })
    }))

  it.scopedLive("an L2 value that no longer decodes with the schema is a miss", () =>
    Effect.gen(function*() {
      const { a, b } = yield* twoNodes()
      const nsA = yield* a.namespace({ namespace: "levels-schema", schema: Schema.String, ttl: long })
      const nsB = yield* b.namespace({ namespace: "levels-schema", schema: Schema.Number, ttl: long })
      expect(yield* nsA.get("k", Effect.succeed("text"))).toBe("text")
      const src = source(42)
      expect(yield* nsB.get("k", src.lookup)).toBe(42)
      expect(src.calls()).toBe(1)
    }))

  it.scopedLive("TTL: after L1 expiry L2 serves the value; after L2 expiry the lookup runs again", () =>
    Effect.gen(function*() {
      const { a } = yield* twoNodes()
      // L1 short, L2 long: expiry of L1 falls back to L2, not to the source.
      const l1Only = yield* a.namespace({ namespace: "levels-ttl1", schema: Schema.String, ttl: { l1: "200 millis", l2: "1 minute" } })
      const src1 = source("v1")
      const started1 = performance.now()
      expect(yield* l1Only.get("k", src1.lookup)).toBe("v1")
      src1.set("v2")
      const counts1 = a.store.counters.forNamespace("levels-ttl1")
      yield* eventually(Effect.zipRight(l1Only.get("k", src1.lookup), Effect.sync(() => counts1.l2Hit)), (n) => n === 1, {
        what: "an L2 hit once the 200 ms L1 TTL passed",
        timeout: Duration.seconds(5),
        interval: Duration.millis(20)
      })
      expect(performance.now() - started1).toBeGreaterThanOrEqual(190)
      expect(src1.calls()).toBe(1)
      expect(yield* l1Only.get("k", src1.lookup)).toBe("v1")

      // Both short: the lookup runs again once L2 expired too.
      const both = yield* a.namespace({ namespace: "levels-ttl2", schema: Schema.String, ttl: { l1: "100 millis", l2: "400 millis" } })
      const src2 = source("v1")
      const started2 = performance.now()
      expect(yield* both.get("k", src2.lookup)).toBe("v1")
      // Every key in Redis carries a TTL.
      const client = Option.getOrThrow(a.client)
      const generation = a.store.mirror.namespace("levels-ttl2") ?? 0
      const pttl = yield* Effect.promise(() => client.pttl(a.store.l2Key("levels-ttl2", generation, "k")))
      expect(pttl).toBeGreaterThan(0)
      expect(pttl).toBeLessThanOrEqual(400)
      expect(yield* both.get("k", src2.lookup)).toBe("v1")
      expect(src2.calls()).toBe(1)
      src2.set("v2")
      const seen = yield* eventually(both.get("k", src2.lookup), (v) => v === "v2", {
        what: "a fresh lookup once the 400 ms L2 TTL passed",
        timeout: Duration.seconds(5),
        interval: Duration.millis(20)
      })
      expect(seen).toBe("v2")
      expect(performance.now() - started2).toBeGreaterThanOrEqual(390)
      expect(src2.calls()).toBe(2)
      // In between, the L1 expiry (100 ms) was answered from L2.
      expect(a.store.counters.forNamespace("levels-ttl2").l2Hit).toBeGreaterThanOrEqual(1)
    }))

  it.scopedLive("100 concurrent gets of one key run one lookup", () =>
    Effect.gen(function*() {
      const { a } = yield* twoNodes()
      const ns = yield* a.namespace({ namespace: "levels-coalesce", schema: Schema.String, ttl: long })
      const gated = yield* gatedLookup("v1")
      const counts = a.store.counters.forNamespace("levels-coalesce")
      const readers = yield* Effect.forEach(Array.from({ length: 100 }), () => Effect.fork(ns.get("k", gated.lookup)))
      yield* gated.started
      // All 100 are waiting: one leader in the lookup, 99 joined it.
      yield* eventually(Effect.sync(() => counts.coalesced), (n) => n === 99, {
        what: "99 readers joining the running lookup",
        timeout: Duration.seconds(5),
        interval: Duration.millis(5)
      })
      expect(gated.calls()).toBe(1)
      yield* gated.release
      const results = yield* Fiber.joinAll(readers)
      expect(results).toEqual(Array.from({ length: 100 }, () => "v1"))
      expect(gated.calls()).toBe(1)
      expect(counts.lookups).toBe(1)
    }))

  it.scopedLive("a failed lookup is not cached and its followers retry on their own", () =>
    Effect.gen(function*() {
      const { a } = yield* twoNodes()
      const ns = yield* a.namespace({ namespace: "levels-fail", schema: Schema.String, ttl: long })
      let calls = 0
      const failing = Effect.suspend(() => {
        calls++
        return calls === 1 ? Effect.fail("boom" as const) : Effect.succeed("ok")
      })
      expect(yield* Effect.flip(ns.get("k", failing))).toBe("boom")
      expect(yield* ns.get("k", failing)).toBe("ok")
      expect(yield* ns.get("k", failing)).toBe("ok")
      expect(calls).toBe(2)
    }))

  it.scopedLive("a cached not-found (getOption) lives for notFoundTtl at both levels", () =>
    Effect.gen(function*() {
      const { a, b } = yield* twoNodes()
      const spec = { namespace: "levels-nf", schema: Schema.String, ttl: long, notFoundTtl: Duration.millis(300) }
      const nsA = yield* a.namespace(spec)
      const nsB = yield* b.namespace(spec)
      const src = source(Option.none<string>())

      expect(yield* nsA.getOption("missing", src.lookup)).toEqual(Option.none())
      expect(yield* nsA.getOption("missing", src.lookup)).toEqual(Option.none())
      expect(src.calls()).toBe(1)
      // Another node finds the not-found in L2.
      const srcB = source(Option.some("from B"))
      expect(yield* nsB.getOption("missing", srcB.lookup)).toEqual(Option.none())
      expect(srcB.calls()).toBe(0)

      // get() never returns a cached not-found: it asks the source.
      const plain = source("created")
      expect(yield* nsA.get("missing", plain.lookup)).toBe("created")
      expect(plain.calls()).toBe(1)

      src.set(Option.some("created"))
      const started = performance.now()
      const found = yield* eventually(nsA.getOption("missing", src.lookup), Option.isSome, {
        what: "the not-found to expire after 300 ms",
        timeout: Duration.seconds(5),
        interval: Duration.millis(20)
      })
      expect(found).toEqual(Option.some("created"))
      expect(performance.now() - started).toBeGreaterThan(100)
      expect(src.calls()).toBe(2)
      // The found value is cached with the long TTL.
      expect(yield* nsA.getOption("missing", src.lookup)).toEqual(Option.some("created"))
      expect(src.calls()).toBe(2)
    }))

  it.scopedLive("embedded mode (no Redis): L1 only, same API", () =>
    Effect.gen(function*() {
      const node = yield* cacheNode({ prefix, redisUrl: Option.none() })
      const ns = yield* node.namespace({ namespace: "levels-embedded", schema: Schema.String, ttl: long, tags: (k: string) => [`t:${k}`] })
      const src = source("v1")
      expect(yield* ns.get("k", src.lookup)).toBe("v1")
      expect(yield* ns.get("k", src.lookup)).toBe("v1")
      expect(src.calls()).toBe(1)
      src.set("v2")
      yield* ns.invalidate("k")
      expect(yield* ns.get("k", src.lookup)).toBe("v2")
      src.set("v3")
      yield* node.invalidateTag("t:k")
      expect(yield* ns.get("k", src.lookup)).toBe("v3")
      src.set("v4")
      yield* ns.invalidateAll
      expect(yield* ns.get("k", src.lookup)).toBe("v4")
      expect(src.calls()).toBe(4)
      expect(node.store.counters.redisErrors).toBe(0)
      expect(node.store.counters.l2Skipped).toBe(0)
    }))

  it.scopedLive("embedded mode: every invalidation drops what was read before it, even within one millisecond", () =>
    Effect.gen(function*() {
      const node = yield* cacheNode({ prefix, redisUrl: Option.none() })
      const ns = yield* node.namespace({ namespace: "levels-embedded-fast", schema: Schema.Number, ttl: long, tags: () => ["fast"] })
      const stale: Array<string> = []
      for (let i = 0; i < 200; i++) {
        yield* ns.invalidateAll
        expect(yield* ns.get("k", Effect.succeed(2 * i))).toBe(2 * i)
        yield* ns.invalidateAll
        const afterNs = yield* ns.get("k", Effect.succeed(2 * i + 1))
        if (afterNs !== 2 * i + 1) stale.push(`namespace #${i}: ${afterNs}`)
        yield* node.invalidateTag("fast")
        const afterTag = yield* ns.get("k", Effect.succeed(-i))
        if (afterTag !== -i) stale.push(`tag #${i}: ${afterTag}`)
      }
      expect(stale.slice(0, 5)).toEqual([])
    }))
})

describe("bounded L1 and metrics", () => {
  it.scopedLive("inserting 10x capacity keeps L1 at capacity", () =>
    Effect.gen(function*() {
      const url = yield* Effect.orDie(redisUrl)
      yield* cleanupPrefix(url, prefix)
      const node = yield* cacheNode({ prefix, redisUrl: Option.none(), maxEntries: 100 })
      const ns = yield* node.namespace({ namespace: "levels-bounded", schema: Schema.Number, ttl: long })
      for (let i = 0; i < 1000; i++) yield* ns.get(i, Effect.succeed(i))
      yield* node.store.sampleMetrics
      expect(yield* gaugeValues("cache_l1_entries")).toEqual([100])

      // The most recent 100 are still L1 hits; the first ones were evicted.
      const counts = node.store.counters.forNamespace("levels-bounded")
      const src = source(-1)
      for (let i = 900; i < 1000; i++) expect(yield* ns.get(i, src.lookup)).toBe(i)
      expect(src.calls()).toBe(0)
      expect(counts.l1Hit).toBe(100)
      expect(yield* ns.get(0, src.lookup)).toBe(-1)
      expect(src.calls()).toBe(1)

      // A namespace's own maxEntries bounds it the same way.
      const small = yield* node.namespace({ namespace: "levels-bounded-small", schema: Schema.Number, ttl: long, maxEntries: 10 })
      for (let i = 0; i < 100; i++) yield* small.get(i, Effect.succeed(i))
      yield* node.store.sampleMetrics
      expect(yield* gaugeValues("cache_l1_entries")).toEqual([110])
    }))

  it.scopedLive("hits, misses, lookups and invalidations are exported as gauges", () =>
    Effect.gen(function*() {
      const { a, b } = yield* twoNodes()
      const ns = "levels-metrics"
      const nsA = yield* a.namespace({ namespace: ns, schema: Schema.String, ttl: long })
      const nsB = yield* b.namespace({ namespace: ns, schema: Schema.String, ttl: long })
      yield* nsA.get("x", Effect.succeed("1")) // L1 miss, L2 miss, lookup
      yield* nsA.get("x", Effect.succeed("1")) // L1 hit
      yield* nsA.get("x", Effect.succeed("1")) // L1 hit
      yield* nsB.get("x", Effect.succeed("1")) // (node B) L2 hit
      yield* nsA.invalidate("x")
      yield* a.store.sampleMetrics
      const gauge = (level: string, result: string) => gaugeValues("cache_requests_total", { namespace: ns, level, result })
      expect(yield* gauge("l1", "hit")).toEqual([2])
      expect(yield* gauge("l1", "miss")).toEqual([1])
      expect(yield* gauge("l2", "miss")).toEqual([1])
      expect(yield* gaugeValues("cache_lookups_total", { namespace: ns })).toEqual([1])
      expect(yield* gaugeValues("cache_invalidations_total", { namespace: ns })).toEqual([1])
      expect(yield* gaugeValues("cache_redis_errors_total")).toEqual([0])
      yield* b.store.sampleMetrics
      expect(yield* gauge("l2", "hit")).toEqual([1])
    }))

  it.scopedLive("both nodes listen for invalidations", () =>
    Effect.gen(function*() {
      const { a } = yield* twoNodes()
      yield* subscribed(Option.getOrThrow(a.client), prefix, 2)
    }))
})
