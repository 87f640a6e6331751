/**
 * The login limiter's schedule on this node's own counters, with TestClock: an account locks after
 * AUTH_LOGIN_MAX_ATTEMPTS failures for AUTH_LOCKOUT_BASE, each further lockout within a day doubles
 * up to AUTH_LOCKOUT_MAX, and a lockout ends exactly when it runs out; an IP gets
 * AUTH_LOGIN_IP_MAX_ATTEMPTS attempts per AUTH_LOGIN_WINDOW.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Either, Layer, Option, TestClock } from "effect"
import { LoginLimiter } from "../../src/auth/LoginLimiter.js"
import { AppConfig } from "../../src/config/AppConfig.js"
import { RedisConnection } from "../../src/redis/Redis.js"

const InMemory = LoginLimiter.layer.pipe(
  Layer.provide(Layer.succeed(RedisConnection, Option.none())),
  Layer.provide(AppConfig.layerWith({
    authLoginMaxAttempts: 2,
    authLoginIpMaxAttempts: 3,
    authLoginWindow: Duration.minutes(15),
    authLockoutBase: Duration.minutes(1),
    authLockoutMax: Duration.minutes(3)
  }))
)

const login = (ip: string | null, account: string, correct: boolean) =>
  Effect.flatMap(LoginLimiter, (limits) => Effect.either(limits.attempt(ip, account, Effect.succeed(correct), (ok) => ok)))

/** The refusal's retry-after, or "admitted". */
const outcome = (answer: Either.Either<boolean, { readonly _tag: string; readonly retryAfterMs?: number | undefined }>) =>
  Either.match(answer, { onLeft: (e) => `${e._tag} ${e.retryAfterMs}`, onRight: () => "admitted" })

describe("login lockout (TestClock, in-process counters)", () => {
  it.effect("locks for the base, doubles on the next lockout, caps at the max; ends when it runs out", () =>
    Effect.gen(function* () {
      const attempt = (correct: boolean) => Effect.map(login(null, "user:kim", correct), outcome)
      expect(yield* attempt(false)).toBe("admitted")
      expect(yield* attempt(false)).toBe("admitted")
      // Even the right password is refused while locked (the check does not run).
      expect(yield* attempt(true)).toBe("TooManyRequests 60000")
      yield* TestClock.adjust("59 seconds")
      expect(yield* attempt(true)).toBe("TooManyRequests 1000")
      yield* TestClock.adjust("1 second")

      // The second lockout of the day: twice the base.
      expect(yield* attempt(false)).toBe("admitted")
      expect(yield* attempt(false)).toBe("admitted")
      expect(yield* attempt(true)).toBe("TooManyRequests 120000")
      yield* TestClock.adjust("2 minutes")

      // The third would be four minutes: capped at three.
      yield* attempt(false)
      yield* attempt(false)
      expect(yield* attempt(true)).toBe("TooManyRequests 180000")
      yield* TestClock.adjust("3 minutes")
      expect(yield* attempt(true)).toBe("admitted")
    }).pipe(Effect.provide(InMemory)))

  it.effect("a correct answer clears the failures: failures must be consecutive to lock", () =>
    Effect.gen(function* () {
      const attempt = (correct: boolean) => Effect.map(login(null, "user:lee", correct), outcome)
      for (const correct of [false, true, false, true, false]) expect(yield* attempt(correct)).toBe("admitted")
      expect(yield* attempt(true)).toBe("admitted")
    }).pipe(Effect.provide(InMemory)))

  it.effect("an IP gets its attempts per window across accounts; the next window admits again", () =>
    Effect.gen(function* () {
      const attempt = (account: string) => Effect.map(login("192.0.2.7", account, true), outcome)
      for (const account of ["a", "b", "c"]) expect(yield* attempt(account)).toBe("admitted")
      yield* TestClock.adjust("10 minutes")
      expect(yield* attempt("d")).toBe("TooManyRequests 300000")
      // Another address is not affected.
      expect(yield* Effect.map(login("192.0.2.8", "d", true), outcome)).toBe("admitted")
      yield* TestClock.adjust("5 minutes")
      expect(yield* attempt("d")).toBe("admitted")
    }).pipe(Effect.provide(InMemory)))
})
