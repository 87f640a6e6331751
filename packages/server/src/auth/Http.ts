/** REST handlers of the identity groups: each maps its request onto one operation (Operations.ts). */
import { HttpApiBuilder, HttpServerRequest } from "@effect/platform"
import { CSRF_COOKIE, MediaApi, REFRESH_COOKIE, type RefreshRequest } from "@mediaserver/domain"
import { Effect, Layer, Option, Redacted } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import { fromHttpClient, proxyTrust } from "./ClientInfo.js"
import { checkCsrf, clearSessionCookies, cookieOf, cookieSettingsOf, MISSING_REFRESH, setSessionCookies } from "./Cookies.js"
import { loginAnswer } from "./LoginAnswer.js"
import { makeAccountOperations, makeIdentityOperations } from "./Operations.js"

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
    const op = yield* makeIdentityOperations
    const account = yield* makeAccountOperations
    const config = yield* AppConfig
    const fromClient = fromHttpClient(proxyTrust(config))
    const cookies = cookieSettingsOf(config)
    // A refresh keeps the page's CSRF token; a login starts a new one.
    const keptCsrf = Effect.map(HttpServerRequest.HttpServerRequest, (request) => cookieOf(request.headers, CSRF_COOKIE))
    return handlers
      .handle("verifyEmail", ({ payload }) => fromClient(op.AuthVerifyEmail(payload)))
      .handle("resendVerification", ({ payload }) => fromClient(op.AuthResendVerification(payload)))
      .handle("forgotPassword", ({ payload }) => fromClient(op.AuthForgotPassword(payload)))
      .handle("resetPassword", ({ payload }) => fromClient(op.AuthResetPassword(payload)))
      .handle("register", ({ payload }) => op.AuthRegister(payload))
      .handle("login", ({ payload }) => loginAnswer(cookies, payload.cookie)(fromClient(op.AuthLogin(payload))))
      .handle("refresh", ({ payload }) =>
        Effect.gen(function* () {
          const { fromCookie, token } = yield* refreshTokenOf(payload)
          const tokens = yield* op.AuthRefresh({ refreshToken: token })
          if (fromCookie) yield* setSessionCookies(tokens, cookies, yield* keptCsrf)
          return tokens
        }))
      .handle("logout", () => account.AuthLogout().pipe(Effect.zipLeft(clearSessionCookies)))
      .handle("changePassword", ({ payload }) => account.AuthChangePassword(payload))
  })
)

const SessionsHttp = HttpApiBuilder.group(MediaApi, "sessions", (handlers) =>
  Effect.gen(function* () {
    const op = yield* makeIdentityOperations
    const account = yield* makeAccountOperations
    return handlers
      .handle("list", () => account.SessionsList())
      .handle("current", () => account.SessionsCurrent())
      .handle("revokeCurrent", () => account.AuthLogout())
      .handle("revokeAll", ({ urlParams }) => Effect.asVoid(account.SessionsRevokeAll(urlParams)))
      .handle("revoke", ({ path }) => account.SessionsRevoke(path))
      .handle("refresh", ({ payload }) => op.AuthRefresh(payload))
  })
)

const ApiKeysHttp = HttpApiBuilder.group(MediaApi, "apiKeys", (handlers) =>
  Effect.map(makeAccountOperations, (account) =>
    handlers
      .handle("list", () => account.ApiKeysList())
      .handle("get", ({ path }) => account.ApiKeysGet(path))
      .handle("create", ({ payload }) => account.ApiKeysCreate(payload))
      .handle("revoke", ({ path }) => account.ApiKeysRevoke(path))
  ))

export const IdentityHttpLive = Layer.mergeAll(AuthHttp, SessionsHttp, ApiKeysHttp)
