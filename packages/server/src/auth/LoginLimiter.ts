/**
 * Login protection: attempts per client IP in a window, and per account a lockout after repeated
 * failures that doubles each time (AUTH_LOGIN_* / AUTH_LOCKOUT_*). The account key is whatever the
 * caller names it by (the user id, or the typed name when no such user exists), so an unknown user
 * is limited exactly like a known one and the 429 says nothing about existence.
 *
 * Counters live in Redis when configured (shared by every node); if Redis fails, this node falls back
 * to its own in-process counters rather than refusing or waving through every login.
 */
import { TooManyRequests } from "@mediaserver/domain"
import { Context, Duration, Effect, Layer } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import { RedisConnection } from "../redis/Redis.js"
import { type AccountKeys, limitRunner } from "./LimitStore.js"
import { digest } from "./Tokens.js"

const LEVEL_TTL = Duration.days(1)

const tooMany = (retryAfterMs: number) =>
  new TooManyRequests({ message: "Too many login attempts; try again later", retryAfterMs: Math.max(1, Math.ceil(retryAfterMs)) })

export class LoginLimiter extends Context.Tag("@mediaserver/auth/LoginLimiter")<
  LoginLimiter,
  {
    /**
     * One guarded attempt (a password, a code, a security key): counted against the IP and the account
     * (TooManyRequests, and `check` does not run, when over a limit or locked out); then `check`, whose
     * answer `passed` judges: a failure counts towards the account's lockout, a success clears it.
     */
    readonly attempt: <A, E, R>(
      ip: string | null,
      account: string,
      check: Effect.Effect<A, E, R>,
      passed: (answer: A) => boolean
    ) => Effect.Effect<A, E | TooManyRequests, R>
  }
>() {
  static readonly layer = Layer.effect(
    LoginLimiter,
    Effect.gen(function* () {
      const config = yield* AppConfig
      const redis = yield* RedisConnection
      const run = limitRunner(config.authLimiterMaxEntries, redis)

      const prefix = `${config.cacheKeyPrefix}login:`
      const windowMs = Duration.toMillis(config.authLoginWindow)
      const policy = {
        windowMs,
        maxFailures: config.authLoginMaxAttempts,
        baseMs: Duration.toMillis(config.authLockoutBase),
        maxMs: Duration.toMillis(config.authLockoutMax),
        levelTtlMs: Duration.toMillis(LEVEL_TTL)
      }
      // Digests: no emails or usernames in Redis keys, and a fixed key length.
      const accountKeys = (account: string): AccountKeys => {
        const id = digest(account)
        return { fail: `${prefix}fail:${id}`, level: `${prefix}level:${id}`, lock: `${prefix}lock:${id}` }
      }
      const ipKey = (ip: string | null) => (ip === null ? null : `${prefix}ip:${digest(ip)}`)

      const admit = (ip: string | null, account: string) =>
        Effect.flatMap(run((s) => s.admit(ipKey(ip), accountKeys(account).lock, windowMs)), (seen) => {
          if (seen.lockRemainingMs > 0) return Effect.fail(tooMany(seen.lockRemainingMs))
          if (seen.ipCount > config.authLoginIpMaxAttempts) return Effect.fail(tooMany(seen.ipRemainingMs))
          return Effect.void
        })

      return {
        attempt: (ip, account, check, passed) =>
          Effect.zipRight(admit(ip, account), Effect.tap(check, (answer) =>
            passed(answer) ? run((s) => s.reset(accountKeys(account))) : Effect.asVoid(run((s) => s.fail(accountKeys(account), policy)))))
      }
    })
  )
}
