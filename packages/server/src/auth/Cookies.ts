/**
 * The web client's cookies (names in domain/identity.ts). The access token is HttpOnly (page scripts
 * cannot read it); the CSRF token is readable, and an unsafe request authenticated by the cookie must
 * echo it in X-CSRF-Token (a cross-site page can make the browser send cookies, not read them).
 */
import { Cookies, type Headers, HttpApp, HttpServerResponse } from "@effect/platform"
import { type AuthTokens, CSRF_COOKIE, CSRF_HEADER, Forbidden, REFRESH_COOKIE, SESSION_COOKIE, Unauthorized } from "@mediaserver/domain"
import { Duration, Effect, Option, Redacted } from "effect"
import { randomBytes } from "node:crypto"
import type { AppConfigShape } from "../config/AppConfig.js"
import { sameDigest, digest } from "./Tokens.js"

/** The refresh cookie is sent only here: nowhere else needs it. */
export const REFRESH_PATH = "/api/v1/auth/refresh"

export const MISSING_REFRESH = new Unauthorized({ message: "Missing refresh token: send refreshToken, or the refresh cookie of a cookie login" })

const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"])

export const cookieOf = (headers: Headers.Headers, name: string): Option.Option<string> =>
  Option.fromNullable(headers.cookie === undefined ? undefined : Cookies.parseHeader(headers.cookie)[name]).pipe(
    Option.filter((value) => value !== "")
  )

const CSRF_REFUSED = new Forbidden({
  message: `Missing or wrong ${CSRF_HEADER} header: send the value of the ${CSRF_COOKIE} cookie with requests that change something`,
  details: { field: CSRF_HEADER }
})

/** Double submit: on unsafe methods the header must equal the CSRF cookie (compared in constant time). */
export const checkCsrf = (headers: Headers.Headers, method: string): Effect.Effect<void, Forbidden> => {
  if (SAFE_METHODS.has(method.toUpperCase())) return Effect.void
  const cookie = cookieOf(headers, CSRF_COOKIE)
  const header = headers[CSRF_HEADER.toLowerCase()]
  return Option.isSome(cookie) && header !== undefined && sameDigest(digest(cookie.value), digest(header))
    ? Effect.void
    : Effect.fail(CSRF_REFUSED)
}

export interface CookieSettings {
  readonly secure: boolean
  readonly maxAge: Duration.Duration
}

/** Secure cookies when users reach the server over https; they live as long as a session may. */
export const cookieSettingsOf = (config: AppConfigShape): CookieSettings => ({
  secure: config.publicUrl.startsWith("https:"),
  maxAge: config.authSessionMaxAge
})

/** Sets the cookies of a cookie login or refresh on the handler's response. */
export const setSessionCookies = (tokens: AuthTokens, settings: CookieSettings, csrf: Option.Option<string>) => {
  const common: NonNullable<Cookies.Cookie["options"]> = { secure: settings.secure, sameSite: "strict", maxAge: settings.maxAge }
  const cookies: ReadonlyArray<readonly [string, string, Cookies.Cookie["options"]]> = [
    [SESSION_COOKIE, Redacted.value(tokens.accessToken), { ...common, httpOnly: true, path: "/" }],
    [REFRESH_COOKIE, Redacted.value(tokens.refreshToken), { ...common, httpOnly: true, path: REFRESH_PATH }],
    [CSRF_COOKIE, Option.getOrElse(csrf, () => randomBytes(32).toString("base64url")), { ...common, path: "/" }]
  ]
  return HttpApp.appendPreResponseHandler((_, response) =>
    Effect.orDie(HttpServerResponse.setCookies(response, cookies)))
}

/** Ends a cookie session in the browser (logout). */
export const clearSessionCookies = HttpApp.appendPreResponseHandler((_, response) =>
  Effect.succeed(
    response.pipe(
      HttpServerResponse.expireCookie(SESSION_COOKIE, { path: "/" }),
      HttpServerResponse.expireCookie(REFRESH_COOKIE, { path: REFRESH_PATH }),
      HttpServerResponse.expireCookie(CSRF_COOKIE, { path: "/" })
    )
  ))
