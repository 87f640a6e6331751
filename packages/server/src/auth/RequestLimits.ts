/**
 * Limits on the account operations around the login (AUTH_STRICT_* / AUTH_MAIL_INTERVAL): mails
 * (forgot-password, resend verification) and token checks (verify, reset), per client address, and for
 * mails per address too, so nobody floods an inbox through us. Counters are shared like the login
 * limiter's (Redis, or this node's when Redis fails). Addresses count by digest, whether or not an
 * account has them: a 429 says nothing about who exists.
 */
import { TooManyRequests } from "@mediaserver/domain"
import { Context, Duration, Effect, Layer } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import { RedisConnection } from "../redis/Redis.js"
import { limitRunner } from "./LimitStore.js"
import { digest } from "./Tokens.js"

export type LimitedAction = "forgotPassword" | "resendVerification" | "verifyEmail" | "resetPassword"

export class RequestLimits extends Context.Tag("@mediaserver/auth/RequestLimits")<
  RequestLimits,
  {
    /** Counts one `action` from `ip` (and for the mail `address`, when it sends one); TooManyRequests past a limit. */
    readonly hit: (action: LimitedAction, ip: string | null, address?: string) => Effect.Effect<void, TooManyRequests>
  }
>() {
  static readonly layer = Layer.effect(
    RequestLimits,
    Effect.gen(function* () {
      const config = yield* AppConfig
      const run = limitRunner(config.authLimiterMaxEntries, yield* RedisConnection)
      const prefix = `${config.cacheKeyPrefix}limit:`
      const ipWindow = Duration.toMillis(config.authStrictWindow)
      const mailWindow = Duration.toMillis(config.authMailInterval)
      const NO_LOCK = `${prefix}none`
      const count = (key: string, windowMs: number) => run((s) => s.admit(key, NO_LOCK, windowMs))
      const tooMany = (ms: number, what: string) =>
        new TooManyRequests({ message: `Too many ${what}; try again later`, retryAfterMs: Math.max(1, Math.ceil(ms)) })
      return {
        hit: (action, ip, address) =>
          Effect.gen(function* () {
            if (ip !== null) {
              const seen = yield* count(`${prefix}${action}:ip:${digest(ip)}`, ipWindow)
              if (seen.ipCount > config.authStrictMax) return yield* tooMany(seen.ipRemainingMs, "requests from this address")
            }
            if (address !== undefined) {
              const seen = yield* count(`${prefix}mail:${action}:${digest(address.trim().toLowerCase())}`, mailWindow)
              if (seen.ipCount > 1) return yield* tooMany(seen.ipRemainingMs, "mails to this address")
            }
          })
      }
    })
  )
}
