/** What the REST gateway adds to the answers of operations: Retry-After on a 429, the web client's cookies on a login. */
import { HttpApp, HttpServerResponse } from "@effect/platform"
import { AuthTokens, TooManyRequests } from "@mediaserver/domain"
import { Effect, Option } from "effect"
import { type CookieSettings, setSessionCookies } from "./Cookies.js"

/** Retry-After (whole seconds) on the 429 response, next to `retryAfterMs` in its body. */
export const retryAfterHeader = (error: TooManyRequests) =>
  HttpApp.appendPreResponseHandler((_, response) =>
    Effect.succeed(HttpServerResponse.setHeader(response, "retry-after", String(Math.ceil((error.retryAfterMs ?? 1000) / 1000))))
  )

/** Retry-After on whatever 429 the effect fails with. */
export const withRetryAfter = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.tapError(effect, (e) => (e instanceof TooManyRequests ? retryAfterHeader(e) : Effect.void))

/**
 * The REST answer of every way to log in (password, second factor, single sign-on): Retry-After on
 * a 429, and the web client's cookies when it asked for them and got tokens.
 */
export const loginAnswer = (settings: CookieSettings, cookie: boolean | undefined) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    withRetryAfter(effect).pipe(
      Effect.tap((result) =>
        cookie === true && result instanceof AuthTokens ? setSessionCookies(result, settings, Option.none()) : Effect.void)
    )
