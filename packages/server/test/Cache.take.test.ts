/**
 * Single-use values in the cache (`put`/`take`, for login challenges and OIDC state): put on one node,
 * taken once on any node; concurrent takes on two nodes give the value to exactly one.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Option, Schema } from "effect"
import { cacheNode, twoCacheNodes } from "@mediaserver/testkit/CacheNodes"
import { eventually } from "@mediaserver/testkit/Poll"
import { redisPrefix } from "@mediaserver/testkit/TestDatabase"

const prefix = redisPrefix("cache-take")
const ttl = { l1: Duration.minutes(1), l2: Duration.minutes(1) }
const spec = { namespace: "challenge", schema: Schema.String, ttl }

describe("cache put/take", () => {
  it.scopedLive("a value put on one node is taken once, on another node", () =>
    Effect.gen(function* () {
      const { a, b } = yield* twoCacheNodes(prefix)
      const onA = yield* a.namespace(spec)
      const onB = yield* b.namespace(spec)

      yield* onA.put("k1", "v1")
      expect(yield* onB.take("k1")).toEqual(Option.some("v1"))
      expect(yield* onA.take("k1")).toEqual(Option.none())
      expect(yield* onB.take("k1")).toEqual(Option.none())

      // Racing takes on both nodes: exactly one wins, every time.
      const winners = yield* Effect.forEach(Array.from({ length: 20 }, (_, i) => `race${i}`), (key) =>
        Effect.gen(function* () {
          yield* onA.put(key, key)
          const [x, y] = yield* Effect.all([onA.take(key), onB.take(key)], { concurrency: 2 })
          return Number(Option.isSome(x)) + Number(Option.isSome(y))
        }))
      expect(winners.every((n) => n === 1)).toBe(true)
    }))

  it.scopedLive("without Redis the value lives in the node's L1, once", () =>
    Effect.gen(function* () {
      const node = yield* cacheNode({ prefix, redisUrl: Option.none() })
      const values = yield* node.namespace(spec)
      yield* values.put("k", "v")
      expect(yield* values.getOption("k", Effect.succeedNone)).toEqual(Option.some("v"))
      expect(yield* values.take("k")).toEqual(Option.some("v"))
      expect(yield* values.take("k")).toEqual(Option.none())
    }))

  it.scopedLive("peek reads a put value on any node without taking it, also with caching off", () =>
    Effect.gen(function* () {
      const { a, b } = yield* twoCacheNodes(prefix)
      const onA = yield* a.namespace(spec)
      const onB = yield* b.namespace(spec)
      yield* onA.put("p", "v")
      expect(yield* onB.peek("p")).toEqual(Option.some("v"))
      expect(yield* onA.peek("p")).toEqual(Option.some("v"))
      expect(yield* onB.take("p")).toEqual(Option.some("v"))
      // The take's key drop reaches A's L1 over pub/sub.
      yield* eventually(onA.peek("p"), Option.isNone, { what: "the taken value gone on A", timeout: Duration.seconds(2) })
      expect(yield* onB.peek("never")).toEqual(Option.none())

      const off = yield* cacheNode({ prefix, redisUrl: Option.none(), enabled: false })
      const values = yield* off.namespace(spec)
      yield* values.put("k", "v")
      expect(yield* values.peek("k")).toEqual(Option.some("v"))
      expect(yield* values.take("k")).toEqual(Option.some("v"))
    }))
})
