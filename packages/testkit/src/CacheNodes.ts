/**
 * Cache "nodes" for tests: a `CacheStore` with its own ioredis connection (configured exactly as
 * `RedisConnection` does), so two of them on one key prefix stand in for two server processes.
 * The store is built right after the client is created, as in the server (no wait for "ready").
 *
 *   const a = yield* cacheNode({ prefix, redisUrl: Option.some(url) })
 *   const movies = yield* a.namespace({ namespace: "movie", schema: Schema.String, ttl: { l1: "1 minute", l2: "1 minute" } })
 *   const src = source("v1")
 *   yield* movies.get("1", src.lookup)
 */
import { Deferred, Duration, Effect, Metric, MetricState, Option, type Scope } from "effect"
import { Redis } from "ioredis"
import { CacheAside } from "@mediaserver/server/cache"
import { CacheStore, type CacheStoreShape, makeCacheStore } from "@mediaserver/server/cache"
import { eventually } from "./Poll.js"
import { redisUrl } from "./TestDatabase.js"

/** A client with the options of `RedisConnection.layer`; closed with the scope. */
export const connectRedis = (url: string): Effect.Effect<Redis, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const client = new Redis(url, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 2_000,
        retryStrategy: (times) => Math.min(times * 200, 2_000)
      })
      client.on("error", () => {})
      return client
    }),
    (client) => Effect.promise(() => client.quit().catch(() => client.disconnect()))
  )

/** `connectRedis`, once the connection is ready for commands. */
export const connectedRedis = (url: string, timeout: Duration.DurationInput = Duration.seconds(5)) =>
  Effect.tap(connectRedis(url), (client) =>
    eventually(Effect.sync(() => client.status), (status) => status === "ready", { what: "the test's Redis connection", timeout }))

export interface CacheNode {
  readonly store: CacheStoreShape
  readonly client: Option.Option<Redis>
  readonly namespace: <K, A, I>(spec: CacheAside.CacheSpec<K, A, I>) => Effect.Effect<CacheAside.CacheAside<K, A>, never, Scope.Scope>
  readonly invalidateTag: (tag: string) => Effect.Effect<void>
}

export interface CacheNodeOptions {
  readonly prefix: string
  /** None: embedded mode (L1 only). */
  readonly redisUrl: Option.Option<string>
  readonly maxEntries?: number
  readonly redisTimeout?: Duration.DurationInput
  /** false: CACHE_ENABLED=false (reads bypass the cache; put/take/peek still hold values). */
  readonly enabled?: boolean
}

export const cacheNode = (options: CacheNodeOptions): Effect.Effect<CacheNode, never, Scope.Scope> =>
  Effect.gen(function*() {
    const client = Option.isSome(options.redisUrl) ? Option.some(yield* connectRedis(options.redisUrl.value)) : Option.none<Redis>()
    const store = yield* makeCacheStore({
      prefix: options.prefix,
      maxEntries: options.maxEntries ?? 10_000,
      redisTimeout: options.redisTimeout ?? Duration.millis(100),
      redis: client,
      ...(options.enabled === undefined ? {} : { enabled: options.enabled })
    })
    return {
      store,
      client,
      namespace: (spec) => CacheAside.make(spec).pipe(Effect.provideService(CacheStore, store)),
      invalidateTag: (tag) => CacheAside.invalidateTag(tag).pipe(Effect.provideService(CacheStore, store))
    }
  })

/** The pub/sub channel of a key prefix (see CacheStore). */
export const invalidationChannel = (prefix: string) => `${prefix}cache:invalidate`

/** Waits until the node's Redis connection is ready (L2 in use). */
export const redisReady = (node: CacheNode, timeout: Duration.DurationInput = Duration.seconds(10)) =>
  eventually(Effect.sync(() => node.store.redis.available()), (ok) => ok, {
    what: "the cache's Redis connection to be ready",
    timeout,
    interval: Duration.millis(10)
  })

/** Number of connections subscribed to the prefix's invalidation channel, per Redis. */
export const subscriberCount = (client: Redis, prefix: string) =>
  Effect.map(Effect.orDie(Effect.tryPromise(() => client.pubsub("NUMSUB", invalidationChannel(prefix)))), (reply) =>
    Number(reply[1] ?? 0))

/** Waits until `count` nodes listen for invalidations on this prefix. */
export const subscribed = (client: Redis, prefix: string, count: number, timeout: Duration.DurationInput = Duration.seconds(5)) =>
  eventually(subscriberCount(client, prefix), (n) => n >= count, {
    what: `${count} subscriber(s) on ${invalidationChannel(prefix)}`,
    timeout,
    interval: Duration.millis(10)
  })

/** Deletes every key under the prefix when the scope closes (generation keys live for days). */
export const cleanupPrefix = (url: string, prefix: string) =>
  Effect.addFinalizer(() =>
    Effect.promise(async () => {
      const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 })
      client.on("error", () => {})
      try {
        await client.connect()
        let cursor = "0"
        do {
          const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000)
          cursor = next
          if (keys.length > 0) await client.del(...keys)
        } while (cursor !== "0")
        await client.quit()
      } catch {
        client.disconnect()
      }
    })
  )

/** A data source whose lookups are counted. */
export interface Source<A> {
  readonly lookup: Effect.Effect<A>
  readonly calls: () => number
  readonly set: (value: A) => void
}

export const source = <A>(initial: A): Source<A> => {
  let value = initial
  let calls = 0
  return {
    lookup: Effect.sync(() => {
      calls++
      return value
    }),
    calls: () => calls,
    set: (next) => {
      value = next
    }
  }
}

/** A lookup that signals when it starts and returns only once released, to hold it in flight. */
export interface GatedLookup<A> {
  readonly lookup: Effect.Effect<A>
  readonly started: Effect.Effect<void>
  readonly release: Effect.Effect<void>
  readonly calls: () => number
}

export const gatedLookup = <A>(value: A): Effect.Effect<GatedLookup<A>> =>
  Effect.gen(function*() {
    const started = yield* Deferred.make<void>()
    const gate = yield* Deferred.make<void>()
    let calls = 0
    return {
      lookup: Effect.gen(function*() {
        calls++
        yield* Deferred.succeed(started, undefined)
        yield* Deferred.await(gate)
        return value
      }),
      started: Deferred.await(started),
      release: Effect.asVoid(Deferred.succeed(gate, undefined)),
      calls: () => calls
    }
  })

/** Values of a gauge in the global metric registry, for the series carrying all the given labels. */
export const gaugeValues = (name: string, labels: Record<string, string> = {}) =>
  Effect.map(Metric.snapshot, (pairs) =>
    pairs.flatMap((pair) => {
      if (pair.metricKey.name !== name) return []
      const tags = pair.metricKey.tags
      const matches = Object.entries(labels).every(([key, value]) => tags.some((t) => t.key === key && t.value === value))
      return matches && MetricState.isGaugeState(pair.metricState) ? [Number(pair.metricState.value)] : []
    }))

/** Milliseconds since `start` (performance.now()). */
export const since = (start: number) => performance.now() - start

/** Two cache nodes on one Redis and key prefix (cleared first), both listening for invalidations. */
export const twoCacheNodes = (prefix: string) =>
  Effect.gen(function*() {
    const url = yield* Effect.orDie(redisUrl)
    yield* cleanupPrefix(url, prefix)
    const a = yield* cacheNode({ prefix, redisUrl: Option.some(url) })
    const b = yield* cacheNode({ prefix, redisUrl: Option.some(url) })
    yield* redisReady(a)
    yield* redisReady(b)
    // Both nodes listen on the invalidation channel (as two server processes would).
    yield* subscribed(Option.getOrThrow(a.client), prefix, 2)
    return { a, b }
  })
