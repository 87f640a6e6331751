/**
 * Limits on the account operations around the login (AUTH_STRICT_* / AUTH_MAIL_INTERVAL): mails
 * (forgot-password, resend verification), token checks (verify, reset) and the second step of a login
 * (codes, WebAuthn ceremonies), per client address; mails per address too, so nobody floods an inbox
 * through us, and second-factor steps per account, so a spread-out attack is bounded as well. Plus the
 * general per-client limit on every request (HTTP_RATE_LIMIT per HTTP_RATE_WINDOW, generous).
 * Counters are shared like the login limiter's (Redis, or this node's when Redis fails). Addresses
 * count by digest, whether or not an account has them: a 429 says nothing about who exists.
 */
import { TooManyRequests } from "@mediaserver/domain"
import { Context, Duration, Effect, Layer } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import { RedisConnection } from "../redis/Redis.js"
import { limitRunner } from "./LimitStore.js"
import { digest } from "./Tokens.js"

export type LimitedAction = "forgotPassword" | "resendVerification" | "verifyEmail" | "resetPassword" | "secondFactor" | "webauthn"

/** Whom else a request is counted against: the mail address it sends to, or the account it tries. */
export type LimitSubject = { readonly mailTo: string } | { readonly account: string }

export class RequestLimits extends Context.Tag("@mediaserver/auth/RequestLimits")<
  RequestLimits,
  {
    /** Counts one `action` from `ip` (and against its `subject`, when given); TooManyRequests past a limit. */
    readonly hit: (action: LimitedAction, ip: string | null, subject?: LimitSubject) => Effect.Effect<void, TooManyRequests>
    /** Counts any request from `ip` (the general limit; off when HTTP_RATE_LIMIT is 0). */
    readonly request: (ip: string | null) => Effect.Effect<void, TooManyRequests>
    /** Whether `request` counts at all: when it does not, nobody needs the caller's address for it. */
    readonly requestLimited: boolean
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
      const generalWindow = Duration.toMillis(config.httpRateWindow)
      return {
        hit: (action, ip, subject) =>
          Effect.gen(function* () {
            if (ip !== null) {
              const seen = yield* count(`${prefix}${action}:ip:${digest(ip)}`, ipWindow)
              if (seen.ipCount > config.authStrictMax) return yield* tooMany(seen.ipRemainingMs, "requests from this address")
            }
            if (subject !== undefined && "mailTo" in subject) {
              const seen = yield* count(`${prefix}mail:${action}:${digest(subject.mailTo.trim().toLowerCase())}`, mailWindow)
              if (seen.ipCount > 1) return yield* tooMany(seen.ipRemainingMs, "mails to this address")
            }
            if (subject !== undefined && "account" in subject) {
              const seen = yield* count(`${prefix}${action}:account:${digest(subject.account)}`, ipWindow)
              if (seen.ipCount > config.authStrictMax) return yield* tooMany(seen.ipRemainingMs, "attempts for this account")
            }
          }),
        requestLimited: config.httpRateLimit > 0,
        request: (ip) =>
          ip === null || config.httpRateLimit === 0
            ? Effect.void
            : Effect.flatMap(count(`${prefix}any:ip:${digest(ip)}`, generalWindow), (seen) =>
              seen.ipCount > config.httpRateLimit ? tooMany(seen.ipRemainingMs, "requests from this address") : Effect.void)
      }
    })
  )
}
