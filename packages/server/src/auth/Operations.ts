/**
 * Every identity operation once: input, policy, service call, answer. The RPC handlers are
 * `makeIdentityOperations` itself; the REST handlers map paths and bodies onto the same functions.
 * Operations without an RPC yet (sign-out, password, sessions, API keys) are in
 * `makeAccountOperations`, named as their RPC would be.
 */
import {
  type ApiKeyId,
  type ChangePasswordRequest,
  Conflict,
  type CreateApiKeyRequest,
  IdentityRpcs,
  type SessionId,
  type UserId
} from "@mediaserver/domain"
import { Effect } from "effect"
import { Accounts } from "./Accounts.js"
import { ApiKeys } from "./ApiKeys.js"
import { RequestClient } from "./ClientInfo.js"
import { MISSING_REFRESH } from "./Cookies.js"
import { EmailFlows } from "./EmailFlows.js"
import { all, asCaller, canRead, canWrite, orUnavailable, requireAdmin, requirePermission, requireSession, withPolicy } from "../access/Policy.js"
import { type LimitedAction, RequestLimits } from "./RequestLimits.js"
import { Users } from "./Users.js"

export const makeIdentityOperations = Effect.gen(function* () {
  const accounts = yield* Accounts
  const users = yield* Users
  const email = yield* EmailFlows
  const limits = yield* RequestLimits
  // Counted before anything happens: a refused request sends no mail and spends no token.
  const limited = (action: LimitedAction, mailTo?: string) =>
    Effect.flatMap(RequestClient, (from) => limits.hit(action, from.ip, mailTo === undefined ? undefined : { mailTo }))
  return IdentityRpcs.of({
    AuthVerifyEmail: ({ token }) => Effect.zipRight(limited("verifyEmail"), orUnavailable(email.verifyEmail(token))),
    AuthResendVerification: (request) =>
      Effect.zipRight(limited("resendVerification", request.email), email.resendVerification(request.email)),
    AuthForgotPassword: (request) => Effect.zipRight(limited("forgotPassword", request.email), email.forgotPassword(request.email)),
    AuthResetPassword: ({ newPassword, token }) =>
      Effect.zipRight(limited("resetPassword"), orUnavailable(Effect.asVoid(email.resetPassword(token, newPassword)))),
    AuthLogin: (request) => orUnavailable(Effect.flatMap(RequestClient, (from) => accounts.login(request, from))),
    AuthRefresh: ({ refreshToken }) =>
      refreshToken === undefined ? Effect.fail(MISSING_REFRESH) : orUnavailable(accounts.refresh(refreshToken)),
    AuthRegister: (request) => orUnavailable(accounts.register(request)),
    UsersMe: () => asCaller(canRead)((me) => users.get(me.userId)),
    UsersList: (query) => withPolicy(requireAdmin)(users.list(query)),
    // Like delete: an admin does not lock themselves out by accident.
    UsersSetDisabled: ({ disabled, userId }) =>
      asCaller(requireAdmin)((me) =>
        Effect.gen(function* () {
          if (me.userId === userId && disabled) {
            return yield* new Conflict({ message: "You cannot disable your own account", details: { field: "userId" } })
          }
          return yield* orUnavailable(users.setDisabled(userId, disabled))
        }))
  })
})

export const makeAccountOperations = Effect.gen(function* () {
  const accounts = yield* Accounts
  const keys = yield* ApiKeys
  const users = yield* Users
  // Sign-out, password and sessions need a signed-in person, not an API key.
  const mine = asCaller(requireSession)
  const manageKeys = asCaller(all(canWrite, requirePermission("apikeys:write")))
  return {
    AuthLogout: () => mine(accounts.logout),
    AuthChangePassword: (request: ChangePasswordRequest) => mine((me) => accounts.changePassword(me, request)),
    SessionsList: () => mine(accounts.listSessions),
    SessionsCurrent: () => mine(accounts.currentSession),
    SessionsRevokeAll: ({ keepCurrent }: { readonly keepCurrent?: boolean | undefined }) =>
      Effect.map(mine((me) => accounts.revokeAll(me, keepCurrent ?? false)), (revoked) => ({ revoked })),
    SessionsRevoke: ({ sessionId }: { readonly sessionId: SessionId }) => mine((me) => accounts.revokeSession(me, sessionId)),
    ApiKeysList: () => asCaller(canRead)(keys.list),
    ApiKeysGet: ({ keyId }: { readonly keyId: ApiKeyId }) => asCaller(canRead)((me) => keys.get(me, keyId)),
    ApiKeysCreate: (request: CreateApiKeyRequest) => manageKeys((me) => keys.create(me, request)),
    ApiKeysRevoke: ({ keyId }: { readonly keyId: ApiKeyId }) => manageKeys((me) => keys.revoke(me, keyId)),
    // An admin locking themselves out by accident is worse than the extra step of asking another admin.
    AdminUsersDelete: ({ userId }: { readonly userId: UserId }) =>
      asCaller(requireAdmin)((me) =>
        me.userId === userId
          ? Effect.fail(new Conflict({ message: "You cannot delete your own account through the admin API" }))
          : users.delete(userId))
  }
})
