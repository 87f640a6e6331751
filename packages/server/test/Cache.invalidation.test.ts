/**
 * Invalidation by key, tag and namespace across two cache nodes (each with its own Redis connection
 * and L1) on a real Redis, lookups in flight during an invalidation, and a real Postgres source.
 */
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Layer, Option, Schema } from "effect"
import type { CacheAside } from "../src/cache/CacheAside.js"
import { type CacheNode, gatedLookup, type Source, source, twoCacheNodes } from "@mediaserver/testkit/CacheNodes"
import { eventually } from "@mediaserver/testkit/Poll"
import { freshDatabase, redisPrefix } from "@mediaserver/testkit/TestDatabase"

const prefix = redisPrefix("cache-inval")
const long = { l1: Duration.minutes(5), l2: Duration.minutes(5) }
const twoNodes = twoCacheNodes(prefix)

/**
 * Runs `invalidate` on one node and polls the other node's `get` until it returns `expected`. The
 * deadline is generous: how fast is the cache bench's figure (invalidation_p50_ms / p99), not a test's.
 */
const visibleAfter = <A>(invalidate: Effect.Effect<void>, read: Effect.Effect<A>, expected: A) =>
  Effect.zipRight(invalidate, eventually(read, (value) => value === expected, {
    what: "the other node to see the invalidation",
    timeout: Duration.seconds(10),
    interval: Duration.millis(1)
  }))

/** Both nodes cache "v1" for `key`; the source then changes to "v2". */
const primed = (nsA: CacheAside<string, string>, nsB: CacheAside<string, string>, key: string, src: Source<string>, srcB: Source<string>) =>
  Effect.gen(function*() {
    expect(yield* nsA.get(key, src.lookup)).toBe("v1")
    expect(yield* nsB.get(key, srcB.lookup)).toBe("v1")
    expect(yield* nsB.get(key, srcB.lookup)).toBe("v1")
    expect(srcB.calls()).toBe(0)
    src.set("v2")
    srcB.set("v2")
  })

const namespaces = (a: CacheNode, b: CacheNode, namespace: string, tags?: (k: string) => ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const spec = { namespace, schema: Schema.String, ttl: long, ...(tags === undefined ? {} : { tags }) }
    return { nsA: yield* a.namespace(spec), nsB: yield* b.namespace(spec) }
  })

describe("cache invalidation across nodes", () => {
  it.scopedLive("by key: the other node drops it and looks it up again", () =>
    Effect.gen(function*() {
      const { a, b } = yield* twoNodes
      const { nsA, nsB } = yield* namespaces(a, b, "inv-key")
      const src = source("v1")
      const srcB = source("v1")
      yield* primed(nsA, nsB, "k", src, srcB)
      // An unrelated key stays cached on B.
      const other = source("o1")
      expect(yield* nsB.get("other", other.lookup)).toBe("o1")

      yield* visibleAfter(nsA.invalidate("k"), nsB.get("k", srcB.lookup), "v2")
      expect(srcB.calls()).toBe(1)
      // A dropped its own copy at once; the tombstone kept B's refill out of L2, so A looks up too.
      expect(yield* nsA.get("k", src.lookup)).toBe("v2")
      expect(src.calls()).toBe(2)
      expect(yield* nsB.get("other", other.lookup)).toBe("o1")
      expect(other.calls()).toBe(1)
      expect(b.store.counters.pubsubReceived).toBeGreaterThan(0)
    }))

  it.scopedLive("by tag: every namespace that declared the tag, on every node", () =>
    Effect.gen(function*() {
      const { a, b } = yield* twoNodes
      const { nsA, nsB } = yield* namespaces(a, b, "inv-tag", (k) => [`movie:${k}`, "movies"])
      const { nsA: otherA, nsB: otherB } = yield* namespaces(a, b, "inv-tag-other", (k) => [`movie:${k}`])
      const src = source("v1")
      const srcB = source("v1")
      yield* primed(nsA, nsB, "1", src, srcB)
      const otherSrc = source("v1")
      const otherSrcB = source("v1")
      yield* primed(otherA, otherB, "1", otherSrc, otherSrcB)
      const untagged = source("u1")
      expect(yield* nsB.get("2", untagged.lookup)).toBe("u1")

      yield* visibleAfter(a.invalidateTag("movie:1"), nsB.get("1", srcB.lookup), "v2")
      expect(srcB.calls()).toBe(1)
      // The other namespace with that tag too, on both nodes; a different tag is untouched.
      expect(yield* otherB.get("1", otherSrcB.lookup)).toBe("v2")
      expect(yield* nsA.get("1", src.lookup)).toBe("v2")
      expect(yield* otherA.get("1", otherSrc.lookup)).toBe("v2")
      expect(yield* nsB.get("2", untagged.lookup)).toBe("u1")
      expect(untagged.calls()).toBe(1)

      // A shared tag drops every key that declared it.
      srcB.set("v3")
      untagged.set("u2")
      yield* visibleAfter(a.invalidateTag("movies"), nsB.get("2", untagged.lookup), "u2")
      expect(yield* nsB.get("1", srcB.lookup)).toBe("v3")
    }))

  it.scopedLive("by namespace: the other node drops the whole namespace", () =>
    Effect.gen(function*() {
      const { a, b } = yield* twoNodes
      const { nsA, nsB } = yield* namespaces(a, b, "inv-ns")
      const { nsB: keptB } = yield* namespaces(a, b, "inv-ns-kept")
      const src = source("v1")
      const srcB = source("v1")
      yield* primed(nsA, nsB, "k", src, srcB)
      const second = source("s1")
      expect(yield* nsB.get("k2", second.lookup)).toBe("s1")
      const kept = source("kept")
      expect(yield* keptB.get("k", kept.lookup)).toBe("kept")

      yield* visibleAfter(nsA.invalidateAll, nsB.get("k", srcB.lookup), "v2")
      expect(srcB.calls()).toBe(1)
      second.set("s2")
      expect(yield* nsB.get("k2", second.lookup)).toBe("s2")
      expect(yield* nsA.get("k", src.lookup)).toBe("v2")
      // Another namespace is not affected.
      expect(yield* keptB.get("k", kept.lookup)).toBe("kept")
      expect(kept.calls()).toBe(1)
    }))

  it.scopedLive("a cold node does not read an invalidated entry from L2", () =>
    Effect.gen(function*() {
      const { a, b } = yield* twoNodes
      const { nsA, nsB } = yield* namespaces(a, b, "inv-cold", (k) => [`t:${k}`])
      const src = source("v1")
      for (const key of ["k", "t", "n"]) expect(yield* nsA.get(key, src.lookup)).toBe("v1")
      src.set("v2")
      yield* nsA.invalidate("k")
      yield* a.invalidateTag("t:t")
      const fresh = source("v2")
      expect(yield* nsB.get("k", fresh.lookup)).toBe("v2")
      expect(yield* nsB.get("t", fresh.lookup)).toBe("v2")
      // "n" was not invalidated: still served from L2.
      expect(yield* nsB.get("n", fresh.lookup)).toBe("v1")
      expect(fresh.calls()).toBe(2)
    }))
})

describe("invalidation while a lookup is in flight", () => {
  const inFlight = (name: string, invalidate: (node: CacheNode, ns: CacheAside<string, string>) => Effect.Effect<void>) =>
    it.scopedLive(`${name}: the stale result is not cached`, () =>
      Effect.gen(function*() {
        const { a } = yield* twoNodes
        const ns = yield* a.namespace({ namespace: `inflight-${name}`, schema: Schema.String, ttl: long, tags: () => ["inflight"] })
        const gated = yield* gatedLookup("old")
        const fiber = yield* Effect.fork(ns.get("k", gated.lookup))
        yield* gated.started
        yield* invalidate(a, ns)
        yield* gated.release
        // The read that started before the invalidation may return what it read.
        expect(yield* Fiber.join(fiber)).toBe("old")
        const src = source("new")
        expect(yield* ns.get("k", src.lookup)).toBe("new")
        expect(src.calls()).toBe(1)
        expect(yield* ns.get("k", src.lookup)).toBe("new")
        expect(src.calls()).toBe(1)
      }))

  inFlight("key", (_node, ns) => ns.invalidate("k"))
  inFlight("tag", (node) => node.invalidateTag("inflight"))
  inFlight("namespace", (_node, ns) => ns.invalidateAll)

  const joinAfter = (name: string, invalidate: (node: CacheNode, ns: CacheAside<string, string>) => Effect.Effect<void>) =>
    it.scopedLive(`${name}: a read that starts after the invalidation does not join the stale lookup`, () =>
      Effect.gen(function*() {
        const { a } = yield* twoNodes
        const ns = yield* a.namespace({ namespace: `join-${name}`, schema: Schema.String, ttl: long, tags: () => ["join"] })
        const gated = yield* gatedLookup("old")
        const stale = yield* Effect.fork(ns.get("k", gated.lookup))
        yield* gated.started
        yield* invalidate(a, ns)
        // Written and invalidated: a read from now on must see the new value.
        const src = source("new")
        const after = yield* Effect.fork(ns.get("k", src.lookup))
        yield* eventually(Effect.sync(() => src.calls()), (n) => n === 1, {
          what: "the read after the invalidation to run its own lookup",
          timeout: Duration.seconds(10),
          interval: Duration.millis(5)
        }).pipe(Effect.ensuring(gated.release))
        expect(yield* Fiber.join(after)).toBe("new")
        expect(yield* Fiber.join(stale)).toBe("old")
        expect(yield* ns.get("k", src.lookup)).toBe("new")
      }))

  joinAfter("key", (_node, ns) => ns.invalidate("k"))
  joinAfter("tag", (node) => node.invalidateTag("join"))
  joinAfter("namespace", (_node, ns) => ns.invalidateAll)

  it.scopedLive("an invalidation from another node also keeps its in-flight result out", () =>
    Effect.gen(function*() {
      const { a, b } = yield* twoNodes
      const { nsA, nsB } = yield* namespaces(a, b, "inflight-remote")
      const gated = yield* gatedLookup("old")
      const fiber = yield* Effect.fork(nsB.get("k", gated.lookup))
      yield* gated.started
      const received = b.store.counters.pubsubReceived
      yield* nsA.invalidate("k")
      yield* eventually(Effect.sync(() => b.store.counters.pubsubReceived), (n) => n > received, {
        what: "node B to receive the invalidation",
        timeout: Duration.seconds(10),
        interval: Duration.millis(1)
      })
      yield* gated.release
      expect(yield* Fiber.join(fiber)).toBe("old")
      const src = source("new")
      expect(yield* nsB.get("k", src.lookup)).toBe("new")
      expect(yield* nsA.get("k", src.lookup)).toBe("new")
      expect(src.calls()).toBe(2)
    }))
})

const Title = Schema.Struct({ id: Schema.Number, title: Schema.String })

describe("cache over Postgres", () => {
  it.scopedLive("reads a primary key through the cache; update + invalidate is seen by both nodes", () =>
    Effect.gen(function*() {
      const db = yield* freshDatabase("cache")
      const { a, b } = yield* twoNodes
      const sqlLayer = PgClient.layer({ url: db.url })
      const context = yield* Layer.build(sqlLayer)
      const sql = yield* Effect.provide(SqlClient.SqlClient, context)
      yield* sql`CREATE TABLE titles (id integer PRIMARY KEY, title text NOT NULL)`
      yield* sql`INSERT INTO titles (id, title) VALUES (1, 'Alien'), (2, 'Heat')`

      let queries = 0
      const findById = (id: number) =>
        Effect.gen(function*() {
          queries++
          const rows = yield* sql`SELECT id, title FROM titles WHERE id = ${id}`
          const decoded = yield* Schema.decodeUnknown(Schema.Array(Title))(rows)
          return Option.fromNullable(decoded[0])
        }).pipe(Effect.orDie)
      const spec = { namespace: "titles", schema: Title, ttl: long, tags: (id: number) => [`title:${id}`] }
      const titlesA = yield* a.namespace(spec)
      const titlesB = yield* b.namespace(spec)

      expect(yield* titlesA.getOption(1, findById(1))).toEqual(Option.some({ id: 1, title: "Alien" }))
      expect(yield* titlesB.getOption(1, findById(1))).toEqual(Option.some({ id: 1, title: "Alien" }))
      expect(yield* titlesA.getOption(1, findById(1))).toEqual(Option.some({ id: 1, title: "Alien" }))
      expect(yield* titlesA.getOption(3, findById(3))).toEqual(Option.none())
      expect(queries).toBe(2)

      yield* sql`UPDATE titles SET title = 'Aliens' WHERE id = 1`
      // Without invalidation, the cache still answers (this is what the invalidation is for).
      expect(yield* titlesB.getOption(1, findById(1))).toEqual(Option.some({ id: 1, title: "Alien" }))
      yield* titlesA.invalidate(1)
      expect(yield* titlesA.getOption(1, findById(1))).toEqual(Option.some({ id: 1, title: "Aliens" }))
      yield* eventually(titlesB.getOption(1, findById(1)), (t) => Option.isSome(t) && t.value.title === "Aliens", {
        what: "node B to read the updated row",
        timeout: Duration.seconds(10),
        interval: Duration.millis(1)
      })

      expect(yield* titlesB.getOption(2, findById(2))).toEqual(Option.some({ id: 2, title: "Heat" }))
      yield* sql`INSERT INTO titles (id, title) VALUES (3, 'Ran')`
      yield* sql`UPDATE titles SET title = 'Heat (1995)' WHERE id = 2`
      expect(yield* titlesB.getOption(2, findById(2))).toEqual(Option.some({ id: 2, title: "Heat" }))
      yield* a.invalidateTag("title:2")
      yield* titlesA.invalidate(3)
      yield* eventually(titlesB.getOption(2, findById(2)), (t) => Option.isSome(t) && t.value.title === "Heat (1995)", {
        what: "node B to read row 2 after its tag was invalidated",
        timeout: Duration.seconds(10),
        interval: Duration.millis(1)
      })
      expect(yield* titlesB.getOption(3, findById(3))).toEqual(Option.some({ id: 3, title: "Ran" }))
    }))
})
