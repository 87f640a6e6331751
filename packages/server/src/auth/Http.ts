/** REST handlers of the identity groups: each is one policy line plus a service call. */
import { HttpApiBuilder, HttpServerRequest } from "@effect/platform"
import { CurrentUser, MediaApi } from "@mediaserver/domain"
import { Effect, Layer, Option } from "effect"
import { Accounts, type ClientInfo } from "./Accounts.js"
import { ApiKeys } from "./ApiKeys.js"
import { all, any, canRead, canWrite, orUnavailable, requireAdmin, requirePermission, requireSelf, requireSession, withPolicy } from "./Policy.js"
import { Users } from "./Users.js"

const clientInfo: Effect.Effect<ClientInfo, never, HttpServerRequest.HttpServerRequest> = Effect.map(
  HttpServerRequest.HttpServerRequest,
  (request) => ({
    userAgent: request.headers["user-agent"] ?? null,
    ip: Option.getOrNull(request.remoteAddress)
  })
)

const AuthHttp = HttpApiBuilder.group(MediaApi, "auth", (handlers) =>
  Effect.gen(function* () {
    const accounts = yield* Accounts
    return handlers
      .handle("register", ({ payload }) => orUnavailable(accounts.register(payload)))
      .handle("login", ({ payload }) => orUnavailable(Effect.flatMap(clientInfo, (client) => accounts.login(payload, client))))
      .handle("refresh", ({ payload }) => orUnavailable(accounts.refresh(payload.refreshToken)))
      .handle("logout", () => withPolicy(requireSession)(Effect.flatMap(CurrentUser, accounts.logout)))
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
      .handle("refresh", ({ payload }) => orUnavailable(accounts.refresh(payload.refreshToken)))
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
    return handlers
      .handle("me", () => withPolicy(canRead)(Effect.flatMap(CurrentUser, (me) => users.get(me.userId))))
      .handle("updateMe", ({ payload }) =>
        withPolicy(canWrite)(Effect.flatMap(CurrentUser, (me) => users.updateMe(me, payload))))
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
