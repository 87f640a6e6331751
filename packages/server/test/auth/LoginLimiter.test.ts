import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer, Option, Ref } from "effect"
import { LoginLimiter } from "../../src/auth/LoginLimiter.js"
import { AppConfig } from "../../src/config/AppConfig.js"
import { RedisConnection } from "../../src/redis/Redis.js"
import { connectRedis } from "@mediaserver/testkit/CacheNodes"

const limiter = (redis: RedisConnection["Type"]) =>
  LoginLimiter.layer.pipe(
    Layer.provide(Layer.succeed(RedisConnection, redis)),
    Layer.provide(AppConfig.layerWith({ authLoginMaxAttempts: 2, authLoginIpMaxAttempts: 3 }))
  )

const wrong = Effect.succeed(false)
const right = Effect.succeed(true)
const passed = (ok: boolean) => ok

/** Two failures lock the account; the IP allows three attempts. */
const scenario = Effect.gen(function* () {
  const limits = yield* LoginLimiter
  yield* limits.attempt("192.0.2.1", "user:a", wrong, passed)
  yield* limits.attempt("192.0.2.1", "user:a", wrong, passed)
  const locked = yield* Effect.either(limits.attempt("192.0.2.2", "user:a", right, passed))
  yield* limits.attempt("192.0.2.1", "user:b", right, passed)
  const ipOver = yield* Effect.either(limits.attempt("192.0.2.1", "user:c", right, passed))
  return { locked, ipOver }
})

describe("LoginLimiter", () => {
  it.scopedLive("in-process counters: lockout per account, limit per IP", () =>
    Effect.gen(function* () {
      const { ipOver, locked } = yield* Effect.provide(scenario, limiter(Option.none()))
      expect(Either.isLeft(locked) && locked.left.retryAfterMs).toBeGreaterThan(0)
      expect(Either.isLeft(ipOver) && ipOver.left._tag).toBe("TooManyRequests")
    }))

  it.scopedLive("attempt: a passed check clears the failures; a locked account's check does not run", () =>
    Effect.gen(function* () {
      const limits = yield* LoginLimiter
      const runs = yield* Ref.make(0)
      const counted = (ok: boolean) => Effect.as(Ref.update(runs, (n) => n + 1), ok)
      yield* limits.attempt(null, "user:d", counted(false), passed)
      expect(yield* limits.attempt(null, "user:d", counted(true), passed)).toBe(true)
      // The success reset the count: one more failure does not lock.
      yield* limits.attempt(null, "user:d", counted(false), passed)
      expect(yield* limits.attempt(null, "user:d", counted(true), passed)).toBe(true)
      yield* limits.attempt(null, "user:d", counted(false), passed)
      yield* limits.attempt(null, "user:d", counted(false), passed)
      const locked = yield* Effect.either(limits.attempt(null, "user:d", counted(true), passed))
      expect(Either.isLeft(locked) && locked.left._tag).toBe("TooManyRequests")
      expect(yield* Ref.get(runs)).toBe(6)
    }).pipe(Effect.provide(limiter(Option.none()))))

  it.scopedLive("with Redis unreachable, the node's own counters still limit", () =>
    Effect.gen(function* () {
      const unreachable = yield* connectRedis("redis://127.0.0.1:1")
      const { ipOver, locked } = yield* Effect.provide(scenario, limiter(Option.some(unreachable)))
      expect(Either.isLeft(locked) && locked.left._tag).toBe("TooManyRequests")
      expect(Either.isLeft(ipOver) && ipOver.left._tag).toBe("TooManyRequests")
    }))
})
