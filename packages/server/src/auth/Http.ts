/** REST handlers of the identity groups: each is one policy line plus a service call. */
import { HttpApiBuilder, HttpApp, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { AuthTokens, CSRF_COOKIE, CurrentUser, MediaApi, REFRESH_COOKIE, type RefreshRequest, TooManyRequests } from "@mediaserver/domain"
import { Effect, Layer, Option, Redacted } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import { Accounts, type ClientInfo } from "./Accounts.js"
import { checkCsrf, clearSessionCookies, cookieOf, type CookieSettings, cookieSettingsOf, MISSING_REFRESH, setSessionCookies } from "./Cookies.js"
import { EmailFlows } from "./EmailFlows.js"
import { ApiKeys } from "./ApiKeys.js"
import { all, any, canRead, canWrite, orUnavailable, requireAdmin, requirePermission, requireSelf, requireSession, withPolicy } from "./Policy.js"
import { Profile } from "../users/Profile.js"
import { Users } from "./Users.js"

/**
 * The socket's address; X-Forwarded-For (its last entry: the one our proxy added) only when
 * AUTH_TRUST_PROXY says a proxy in front sets it, since a client can send any value.
 */
export const clientInfo = (trustProxy: boolean): Effect.Effect<ClientInfo, never, HttpServerRequest.HttpServerRequest> =>
  Effect.map(HttpServerRequest.HttpServerRequest, (request) => {
    const forwarded = trustProxy ? request.headers["x-forwarded-for"]?.split(",").pop()?.trim() : undefined
    return {
      userAgent: request.headers["user-agent"] ?? null,
      ip: forwarded !== undefined && forwarded !== "" ? forwarded : Option.getOrNull(request.remoteAddress)
    }
  })

/** Retry-After (whole seconds) on the 429 response, next to `retryAfterMs` in its body. */
export const retryAfterHeader = (error: TooManyRequests) =>
  HttpApp.appendPreResponseHandler((_, response) =>
    Effect.succeed(HttpServerResponse.setHeader(response, "retry-after", String(Math.ceil((error.retryAfterMs ?? 1000) / 1000))))
  )

/** Retry-After on whatever 429 the effect fails with. */
export const withRetryAfter = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.tapError(effect, (e) => (e instanceof TooManyRequests ? retryAfterHeader(e) : Effect.void))

/**
 * The answer of every way to log in (password, second factor, single sign-on): 503 when storage is
 * down, Retry-After on a 429, and the web client's cookies when it asked for them and got tokens.
 */
export const loginAnswer = (settings: CookieSettings, cookie: boolean | undefined) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    orUnavailable(effect).pipe(
      withRetryAfter,
      Effect.tap((result) =>
        cookie === true && result instanceof AuthTokens ? setSessionCookies(result, settings, Option.none()) : Effect.void)
    )

/** The refresh token of the body, else of the cookie (then with the CSRF check); and whether it was the cookie. */
const refreshTokenOf = (payload: RefreshRequest) =>
  Effect.gen(function* () {
    if (payload.refreshToken !== undefined) return { token: payload.refreshToken, fromCookie: false }
    const request = yield* HttpServerRequest.HttpServerRequest
    const cookie = cookieOf(request.headers, REFRESH_COOKIE)
    if (Option.isNone(cookie)) return yield* MISSING_REFRESH
    yield* checkCsrf(request.headers, request.method)
    return { token: Redacted.make(cookie.value), fromCookie: true }
  })

const AuthHttp = HttpApiBuilder.group(MediaApi, "auth", (handlers) =>
  Effect.gen(function* () {
    const accounts = yield* Accounts
    const email = yield* EmailFlows
    const config = yield* AppConfig
    const client = clientInfo(config.authTrustProxy)
    const cookies = cookieSettingsOf(config)
    // A refresh keeps the page's CSRF token; a login starts a new one.
    const keptCsrf = Effect.map(HttpServerRequest.HttpServerRequest, (request) => cookieOf(request.headers, CSRF_COOKIE))
    return handlers
      .handle("verifyEmail", ({ payload }) => orUnavailable(email.verifyEmail(payload.token)))
      .handle("resendVerification", ({ payload }) => email.resendVerification(payload.email))
      .handle("forgotPassword", ({ payload }) => email.forgotPassword(payload.email))
      .handle("resetPassword", ({ payload }) => orUnavailable(Effect.asVoid(email.resetPassword(payload.token, payload.newPassword))))
      .handle("register", ({ payload }) => orUnavailable(accounts.register(payload)))
      .handle("login", ({ payload }) =>
        loginAnswer(cookies, payload.cookie)(Effect.flatMap(client, (from) => accounts.login(payload, from))))
      .handle("refresh", ({ payload }) =>
        Effect.gen(function* () {
          const { fromCookie, token } = yield* refreshTokenOf(payload)
          const tokens = yield* orUnavailable(accounts.refresh(token))
          if (fromCookie) yield* setSessionCookies(tokens, cookies, yield* keptCsrf)
          return tokens
        }))
      .handle("logout", () =>
        withPolicy(requireSession)(Effect.flatMap(CurrentUser, accounts.logout)).pipe(Effect.zipLeft(clearSessionCookies)))
      .handle("changePassword", ({ payload }) =>
        withPolicy(requireSession)(Effect.flatMap(CurrentUser, (me) => accounts.changePassword(me, payload))))
  })
)

const SessionsHttp = HttpApiBuilder.group(MediaApi, "sessions", (handlers) =>
  Effect.gen(function* () {
    const accounts = yield* Accounts
    const mine = withPolicy(requireSession)
    return handlers
      .handle("list", () => mine(Effect.flatMap(CurrentUser, accounts.listSessions)))
      .handle("current", () => mine(Effect.flatMap(CurrentUser, accounts.currentSession)))
      .handle("revokeCurrent", () => mine(Effect.flatMap(CurrentUser, accounts.logout)))
      .handle("revokeAll", ({ urlParams }) =>
        mine(Effect.flatMap(CurrentUser, (me) => accounts.revokeAll(me, urlParams.keepCurrent ?? false))).pipe(
          Effect.map((revoked) => ({ revoked }))
        ))
      .handle("revoke", ({ path }) => mine(Effect.flatMap(CurrentUser, (me) => accounts.revokeSession(me, path.sessionId))))
      .handle("refresh", ({ payload }) =>
        payload.refreshToken === undefined ? Effect.fail(MISSING_REFRESH) : orUnavailable(accounts.refresh(payload.refreshToken)))
  })
)

const ApiKeysHttp = HttpApiBuilder.group(MediaApi, "apiKeys", (handlers) =>
  Effect.gen(function* () {
    const keys = yield* ApiKeys
    const manage = withPolicy(all(canWrite, requirePermission("apikeys:write")))
    return handlers
      .handle("list", () => withPolicy(canRead)(Effect.flatMap(CurrentUser, keys.list)))
      .handle("get", ({ path }) => withPolicy(canRead)(Effect.flatMap(CurrentUser, (me) => keys.get(me, path.keyId))))
      .handle("create", ({ payload }) => manage(Effect.flatMap(CurrentUser, (me) => keys.create(me, payload))))
      .handle("revoke", ({ path }) => manage(Effect.flatMap(CurrentUser, (me) => keys.revoke(me, path.keyId))))
  })
)

const UsersHttp = HttpApiBuilder.group(MediaApi, "users", (handlers) =>
  Effect.gen(function* () {
    const users = yield* Users
    const profile = yield* Profile
    return handlers
      .handle("me", () => withPolicy(canRead)(Effect.flatMap(CurrentUser, (me) => users.get(me.userId))))
      .handle("updateMe", ({ payload }) =>
        withPolicy(canWrite)(Effect.flatMap(CurrentUser, (me) => users.updateMe(me, payload))))
      .handle("preferences", () => withPolicy(canRead)(Effect.flatMap(CurrentUser, (me) => profile.preferences(me.userId))))
      .handle("updatePreferences", ({ payload }) =>
        withPolicy(canWrite)(Effect.flatMap(CurrentUser, (me) => profile.updatePreferences(me.userId, payload))))
      .handle("uploadAvatar", ({ payload }) =>
        withPolicy(canWrite)(Effect.gen(function* () {
          const me = yield* CurrentUser
          const request = yield* HttpServerRequest.HttpServerRequest
          return yield* profile.uploadAvatar(me.userId, request.headers["content-type"] ?? "", payload)
        })))
      .handleRaw("avatar", ({ path }) =>
        withPolicy(canRead)(profile.avatar(path.userId)).pipe(
          // The URL changes with each upload (?v=...), so a client may keep what it fetched.
          Effect.map(({ bytes, contentType }) =>
            HttpServerResponse.uint8Array(bytes, { contentType, headers: { "cache-control": "private, max-age=86400" } }))
        ))
      .handle("get", ({ path }) =>
        withPolicy(any(requireSelf(path.userId), requirePermission("users:read")))(users.get(path.userId)))
  })
)

const AdminUsersHttp = HttpApiBuilder.group(MediaApi, "adminUsers", (handlers) =>
  Effect.gen(function* () {
    const users = yield* Users
    return handlers
      .handle("list", ({ urlParams }) => withPolicy(requireAdmin)(users.list(urlParams)))
      .handle("delete", ({ path }) => withPolicy(requireAdmin)(users.delete(path.userId)))
  })
)

export const IdentityHttpLive = Layer.mergeAll(AuthHttp, SessionsHttp, ApiKeysHttp, UsersHttp, AdminUsersHttp)
