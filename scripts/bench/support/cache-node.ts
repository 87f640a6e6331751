/**
 * "Another node" for the cache benchmark: a CacheStore on its own Redis connection that reports, over
 * IPC, the moment each invalidation of namespace `bench` reaches it (the same callback that drops the
 * key from its L1). Timestamps are `performance.timeOrigin + performance.now()`, comparable across
 * processes on one machine.
 */
import { Effect, Option } from "effect"
import { Redis } from "ioredis"
import { makeCacheStore } from "@mediaserver/server/cache"

const [redisUrl = "redis://127.0.0.1:6379", prefix = "bench:"] = process.argv.slice(2)

const program = Effect.gen(function* () {
  const redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
  yield* Effect.addFinalizer(() => Effect.promise(() => redis.quit()))
  yield* Effect.promise(() => new Promise<void>((resolve) => redis.once("ready", () => resolve())))
  const store = yield* makeCacheStore({ prefix, maxEntries: 1000, redisTimeout: "100 millis", redis: Option.some(redis) })
  yield* store.register("bench", {
    drop: (key) => process.send?.({ key, at: performance.timeOrigin + performance.now() }),
    clear: () => {},
    forgetRunning: () => {},
    size: () => 0
  })
  yield* store.awaitSubscribed
  process.send?.({ ready: true })
  yield* Effect.never
})

Effect.runFork(Effect.scoped(program))
process.on("SIGTERM", () => process.exit(0))
