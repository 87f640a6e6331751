/**
 * Cache TTLs on the in-process level, with TestClock: a value is served until its L1 TTL runs out, a
 * "not found" for its own shorter TTL, a put value (login challenges, OIDC state) only within its TTL,
 * and no TTL beyond one day.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Option, Ref, Schema, TestClock } from "effect"
import * as CacheAside from "../src/cache/CacheAside.js"
import { CacheStore, makeCacheStore } from "../src/cache/CacheStore.js"

/** An L1-only store; the clock starts at a real date (lru-cache takes a start time of 0 for "no TTL"). */
const withStore = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    yield* TestClock.setTime(Date.UTC(2026, 0, 1))
    const store = yield* makeCacheStore({ prefix: "unit:", maxEntries: 100, redisTimeout: Duration.millis(100), redis: Option.none() })
    return yield* Effect.provideService(effect, CacheStore, store)
  })

/** A counting lookup: how many times the source was read. */
const source = <A>(answer: A) =>
  Effect.map(Ref.make(0), (reads) => ({ reads: Ref.get(reads), lookup: Effect.as(Ref.update(reads, (n) => n + 1), answer) }))

/** Source reads seen after reading just before `ttl` ends, and after reading just past it. */
const readsAround = (read: Effect.Effect<unknown>, reads: Effect.Effect<number>, ttl: Duration.DurationInput) =>
  Effect.gen(function* () {
    yield* read
    yield* TestClock.adjust(Duration.millis(Duration.toMillis(ttl) - 1_000))
    yield* read
    const within = yield* reads
    yield* TestClock.adjust("2 seconds")
    yield* read
    return [within, yield* reads]
  })

describe("cache TTLs (TestClock, L1 only)", () => {
  it.scoped("a value is read again only once its L1 TTL has passed", () =>
    withStore(Effect.gen(function* () {
      const cache = yield* CacheAside.make({ namespace: "ttl-value", schema: Schema.String, ttl: { l1: "30 seconds", l2: "10 minutes" } })
      const { lookup, reads } = yield* source("v")
      expect(yield* readsAround(cache.get("k", lookup), reads, "30 seconds")).toEqual([1, 2])
    })))

  it.scoped("a not-found is kept for notFoundTtl, not for the value TTL", () =>
    withStore(Effect.gen(function* () {
      const cache = yield* CacheAside.make({
        namespace: "ttl-missing", schema: Schema.String, ttl: { l1: "1 hour", l2: "1 hour" }, notFoundTtl: "10 seconds"
      })
      const { lookup, reads } = yield* source(Option.none<string>())
      expect(yield* readsAround(cache.getOption("k", lookup), reads, "10 seconds")).toEqual([1, 2])
    })))

  it.scoped("a put value (a challenge, a sign-on state) can be taken within its TTL, not after", () =>
    withStore(Effect.gen(function* () {
      const challenges = yield* CacheAside.make({ namespace: "ttl-challenge", schema: Schema.String, ttl: { l1: "5 minutes", l2: "5 minutes" } })
      yield* challenges.put("early", "a")
      yield* challenges.put("late", "b")
      yield* TestClock.adjust("4 minutes")
      expect(yield* challenges.take("early")).toEqual(Option.some("a"))
      yield* TestClock.adjust("2 minutes")
      expect(yield* challenges.take("late")).toEqual(Option.none())
    })))

  it.scoped("no entry outlives a day, whatever its spec asks", () =>
    withStore(Effect.gen(function* () {
      const cache = yield* CacheAside.make({ namespace: "ttl-capped", schema: Schema.String, ttl: { l1: "7 days", l2: "7 days" } })
      const { lookup, reads } = yield* source("v")
      expect(yield* readsAround(cache.get("k", lookup), reads, "1 day")).toEqual([1, 2])
    })))
})
