/**
 * The machinery shared by every cached read: the process-wide L1, the Redis level, the generation
 * mirror, in-flight lookups (for coalescing) and the invalidation bus (Redis pub/sub). Services do
 * not use this directly: they declare a `CacheAside` (see CacheAside.ts).
 */
import { Context, Deferred, Duration, Effect, Exit, Layer, Option, Schema, type Scope } from "effect"
import type { Redis } from "ioredis"
import { randomUUID } from "node:crypto"
import { AppConfig } from "../config/AppConfig.js"
import { RedisConnection } from "../redis/Redis.js"
import { type CacheCounters, makeCounters, sampleCacheMetrics } from "./CacheMetrics.js"
import { type GenerationMirror, makeGenerationMirror } from "./Generations.js"
import { makeRedisLevel, type RedisLevel } from "./RedisLevel.js"

const MAX_TAG_GENERATIONS = 100_000

/** What the store needs of each namespace's L1 and in-flight lookups, whatever their value type. */
export interface NamespaceHandle {
  /** Drop the key from L1, and keep a lookup already running for it from filling the cache. */
  readonly drop: (key: string) => void
  readonly clear: () => void
  /** A tag (or, with undefined, the namespace) was invalidated: new reads must not join lookups already running. */
  readonly forgetRunning: (tag: string | undefined) => void
  readonly size: () => number
}

const Message = Schema.parseJson(
  Schema.Union(
    Schema.Struct({ o: Schema.String, k: Schema.Literal("key"), n: Schema.String, key: Schema.String }),
    Schema.Struct({ o: Schema.String, k: Schema.Literal("tag"), t: Schema.String, g: Schema.Number }),
    Schema.Struct({ o: Schema.String, k: Schema.Literal("ns"), n: Schema.String, g: Schema.Number })
  )
)
type Message = typeof Message.Type
const decodeMessage = Schema.decodeUnknownOption(Message)
const encodeMessage = Schema.encodeSync(Message)

export type TagGenerations = ReadonlyArray<readonly [string, number]>

export interface CacheStoreShape {
  /** false (CACHE_ENABLED=false): every read goes to its lookup; for measuring what caching buys. */
  readonly enabled: boolean
  readonly redis: RedisLevel
  readonly counters: CacheCounters
  readonly mirror: GenerationMirror
  readonly defaultMaxEntries: number
  readonly register: (namespace: string, handle: NamespaceHandle) => Effect.Effect<void, never, Scope.Scope>
  readonly l2Key: (namespace: string, generation: number, key: string) => string
  /** None when Redis is configured but cannot answer: the caller must bypass the cache. */
  readonly namespaceGeneration: (namespace: string) => Effect.Effect<Option.Option<number>>
  readonly tagGenerations: (tags: ReadonlyArray<string>) => Effect.Effect<Option.Option<TagGenerations>>
  readonly invalidateKey: (namespace: string, key: string) => Effect.Effect<void>
  readonly invalidateTag: (tag: string) => Effect.Effect<void>
  readonly invalidateNamespace: (namespace: string) => Effect.Effect<void>
  readonly sampleMetrics: Effect.Effect<void>
  /** Waits until invalidations from other nodes reach this one (the first SUBSCRIBE succeeded). */
  readonly awaitSubscribed: Effect.Effect<void>
}

export class CacheStore extends Context.Tag("@mediaserver/cache/CacheStore")<CacheStore, CacheStoreShape>() {
  static readonly layer = Layer.scoped(
    CacheStore,
    Effect.gen(function* () {
      const config = yield* AppConfig
      const connection = yield* RedisConnection
      return yield* makeCacheStore({
        prefix: config.cacheKeyPrefix,
        maxEntries: config.cacheL1MaxEntries,
        redisTimeout: config.cacheRedisTimeout,
        redis: connection,
        enabled: config.cacheEnabled
      })
    })
  )
}

export interface CacheStoreOptions {
  readonly prefix: string
  readonly maxEntries: number
  readonly redisTimeout: Duration.DurationInput
  readonly redis: Option.Option<Redis>
  readonly enabled?: boolean
}

export const makeCacheStore = (options: CacheStoreOptions) =>
  Effect.gen(function* () {
    const origin = randomUUID()
    const counters = makeCounters()
    const handles = new Map<string, Set<NamespaceHandle>>()
    const eachHandle = (f: (handle: NamespaceHandle) => void) => handles.forEach((set) => set.forEach(f))
    const mirror = makeGenerationMirror(MAX_TAG_GENERATIONS)
    const redis = makeRedisLevel(options.redis, Duration.decode(options.redisTimeout), counters)
    const channel = `${options.prefix}cache:invalidate`
    const namespaceKey = (namespace: string) => `${options.prefix}gen:ns:${namespace}`
    const tagKey = (tag: string) => `${options.prefix}gen:tag:${tag}`
    const l2Key = (namespace: string, generation: number, key: string) =>
      `${options.prefix}c:${namespace}:${generation}:${key}`

    const dropKeyLocally = (namespace: string, key: string) => handles.get(namespace)?.forEach((h) => h.drop(key))

    const tagBumped = (tag: string, generation: number) => {
      mirror.setTag(tag, generation)
      eachHandle((handle) => handle.forgetRunning(tag))
    }
    const namespaceBumped = (namespace: string, generation: number) => {
      mirror.setNamespace(namespace, generation)
      handles.get(namespace)?.forEach((handle) => handle.forgetRunning(undefined))
    }

    const apply = (message: Message) => {
      counters.pubsubReceived++
      if (message.o === origin) return
      switch (message.k) {
        case "key":
          return dropKeyLocally(message.n, message.key)
        case "tag":
          return tagBumped(message.t, message.g)
        case "ns":
          return namespaceBumped(message.n, message.g)
      }
    }

    // A dedicated connection for SUBSCRIBE. After any reconnect, messages may have been missed:
    // forget L1 and the mirrored generations rather than serve something stale.
    // Completed once this node listens to invalidations (at once without Redis).
    const subscribed = yield* Deferred.make<void>()
    if (Option.isNone(options.redis)) yield* Deferred.succeed(subscribed, undefined)
    if (Option.isSome(options.redis)) {
      const client = options.redis.value
      const subscriber = yield* Effect.acquireRelease(
        Effect.sync(() => client.duplicate({ autoResubscribe: false })),
        (sub) => Effect.promise(() => sub.quit().catch(() => sub.disconnect()))
      )
      subscriber.on("error", () => {})
      // The offline queue is off (inherited), so SUBSCRIBE only works on a ready connection:
      // subscribe on every "ready" (first connect and each reconnect).
      let subscribedBefore = false
      subscriber.on("ready", () => {
        subscriber.subscribe(channel).then(
          () => {
            if (subscribedBefore) {
              mirror.reset()
              eachHandle((handle) => handle.clear())
            }
            subscribedBefore = true
            Deferred.unsafeDone(subscribed, Exit.void)
          },
          () => {} // the connection dropped again; the next "ready" retries
        )
      })
      subscriber.on("message", (_channel: string, raw: string) => Option.map(decodeMessage(raw), apply))
    }

    // Generations not mirrored yet come from Redis. Without Redis configured, this process is the
    // only writer, so "never bumped" (0) is the truth. With Redis configured but failing, the answer
    // is None: the caller then bypasses the cache instead of trusting a guess.
    const standalone = Option.isNone(options.redis)

    const namespaceGeneration = (namespace: string): Effect.Effect<Option.Option<number>> => {
      const known = mirror.namespace(namespace)
      if (known !== undefined) return Effect.succeed(Option.some(known))
      if (standalone) {
        mirror.setNamespace(namespace, 0)
        return Effect.succeed(Option.some(0))
      }
      return Effect.map(redis.mget([namespaceKey(namespace)]), (reply) =>
        Option.map(reply, (values) => {
          mirror.setNamespace(namespace, Number(values[0] ?? 0))
          return mirror.namespace(namespace) ?? 0
        })
      )
    }

    const tagGenerations = (tags: ReadonlyArray<string>): Effect.Effect<Option.Option<TagGenerations>> => {
      const current = () => Option.some(tags.map((tag): readonly [string, number] => [tag, mirror.tag(tag) ?? 0]))
      const missing = tags.filter((tag) => mirror.tag(tag) === undefined)
      if (missing.length === 0) return Effect.succeed(current())
      if (standalone) {
        for (const tag of missing) mirror.setTag(tag, 0)
        return Effect.succeed(current())
      }
      return Effect.map(redis.mget(missing.map(tagKey)), (reply) =>
        Option.flatMap(reply, (values) => {
          missing.forEach((tag, i) => mirror.setTag(tag, Number(values[i] ?? 0)))
          return current()
        })
      )
    }

    const publish = (message: Message) => redis.publish(channel, encodeMessage(message))

    /** Local effect first (works with Redis down), then Redis and the other nodes. */
    const bump = (
      key: string,
      current: () => number | undefined,
      local: (generation: number) => void,
      message: (generation: number) => Message
    ) =>
      Effect.gen(function* () {
        const floor = Date.now()
        const remote = yield* redis.bump(key, floor)
        // Without Redis, still move strictly forward (two bumps can fall in one millisecond).
        const generation = Option.getOrElse(remote, () => Math.max(floor, (current() ?? 0) + 1))
        local(generation)
        if (Option.isSome(remote)) yield* publish(message(generation))
      })

    return {
      enabled: options.enabled ?? true,
      redis,
      counters,
      mirror,
      defaultMaxEntries: options.maxEntries,
      register: (namespace, handle) =>
        Effect.acquireRelease(
          Effect.sync(() => {
            const set = handles.get(namespace) ?? new Set()
            set.add(handle)
            handles.set(namespace, set)
          }),
          () => Effect.sync(() => handles.get(namespace)?.delete(handle))
        ),
      l2Key,
      namespaceGeneration,
      tagGenerations,
      invalidateKey: (namespace, key) =>
        Effect.gen(function* () {
          counters.forNamespace(namespace).invalidations++
          dropKeyLocally(namespace, key)
          const generation = yield* namespaceGeneration(namespace)
          if (Option.isSome(generation)) yield* redis.tombstone(l2Key(namespace, generation.value, key))
          yield* publish({ o: origin, k: "key", n: namespace, key })
        }),
      invalidateTag: (tag) =>
        bump(tagKey(tag), () => mirror.tag(tag), (g) => tagBumped(tag, g), (g) => ({ o: origin, k: "tag", t: tag, g })),
      invalidateNamespace: (namespace) =>
        Effect.zipRight(
          Effect.sync(() => counters.forNamespace(namespace).invalidations++),
          bump(
            namespaceKey(namespace),
            () => mirror.namespace(namespace),
            (g) => namespaceBumped(namespace, g),
            (g) => ({ o: origin, k: "ns", n: namespace, g })
          )
        ),
      awaitSubscribed: Deferred.await(subscribed),
      sampleMetrics: Effect.suspend(() => {
        let size = 0
        eachHandle((handle) => (size += handle.size()))
        return sampleCacheMetrics(counters, size)
      })
    } satisfies CacheStoreShape
  })
