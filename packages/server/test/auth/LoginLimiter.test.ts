import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer, Option } from "effect"
import { LoginLimiter } from "../../src/auth/LoginLimiter.js"
import { AppConfig } from "../../src/config/AppConfig.js"
import { RedisConnection } from "../../src/redis/Redis.js"
import { connectRedis } from "../support/CacheNodes.js"

const limiter = (redis: RedisConnection["Type"]) =>
  LoginLimiter.layer.pipe(
    Layer.provide(Layer.succeed(RedisConnection, redis)),
    Layer.provide(AppConfig.layerWith({ authLoginMaxAttempts: 2, authLoginIpMaxAttempts: 3 }))
  )

/** Two failures lock the account; the IP allows three attempts. */
const scenario = Effect.gen(function* () {
  const limits = yield* LoginLimiter
  yield* limits.admit("192.0.2.1", "user:a")
  yield* limits.failed("user:a")
  yield* limits.admit("192.0.2.1", "user:a")
  yield* limits.failed("user:a")
  const locked = yield* Effect.either(limits.admit("192.0.2.2", "user:a"))
  yield* limits.admit("192.0.2.1", "user:b")
  const ipOver = yield* Effect.either(limits.admit("192.0.2.1", "user:c"))
  return { locked, ipOver }
})

describe("LoginLimiter", () => {
  it.scopedLive("in-process counters: lockout per account, limit per IP", () =>
    Effect.gen(function* () {
      const { ipOver, locked } = yield* Effect.provide(scenario, limiter(Option.none()))
      expect(Either.isLeft(locked) && locked.left.retryAfterMs).toBeGreaterThan(0)
      expect(Either.isLeft(ipOver) && ipOver.left._tag).toBe("TooManyRequests")
    }))

  it.scopedLive("with Redis unreachable, the node's own counters still limit", () =>
    Effect.gen(function* () {
      const unreachable = yield* connectRedis("redis://127.0.0.1:1")
      const { ipOver, locked } = yield* Effect.provide(scenario, limiter(Option.some(unreachable)))
      expect(Either.isLeft(locked) && locked.left._tag).toBe("TooManyRequests")
      expect(Either.isLeft(ipOver) && ipOver.left._tag).toBe("TooManyRequests")
    }))
})
