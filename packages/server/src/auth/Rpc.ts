/** RPC handlers of `IdentityRpcs`: the same services and policies as the REST handlers. */
import { CurrentUser, IdentityRpcs } from "@mediaserver/domain"
import { Effect } from "effect"
import type { Headers } from "@effect/platform"
import { Accounts, type ClientInfo } from "./Accounts.js"
import { MISSING_REFRESH } from "./Cookies.js"
import { EmailFlows } from "./EmailFlows.js"
import { canRead, orUnavailable, requireAdmin, withPolicy } from "./Policy.js"
import { Users } from "./Users.js"

/** Where an RPC call comes from: its User-Agent; the address is not known to RPC handlers. */
export const rpcClientInfo = (headers: Headers.Headers): ClientInfo => ({ userAgent: headers["user-agent"] ?? null, ip: null })

export const IdentityRpcLive = IdentityRpcs.toLayer(
  Effect.gen(function* () {
    const accounts = yield* Accounts
    const users = yield* Users
    const email = yield* EmailFlows
    return {
      AuthVerifyEmail: ({ token }) => orUnavailable(email.verifyEmail(token)),
      AuthResendVerification: (request) => email.resendVerification(request.email),
      AuthForgotPassword: (request) => email.forgotPassword(request.email),
      AuthResetPassword: ({ newPassword, token }) => orUnavailable(Effect.asVoid(email.resetPassword(token, newPassword))),
      AuthLogin: (request, { headers }) =>
        orUnavailable(accounts.login(request, rpcClientInfo(headers))),
      AuthRefresh: ({ refreshToken }) =>
        refreshToken === undefined ? Effect.fail(MISSING_REFRESH) : orUnavailable(accounts.refresh(refreshToken)),
      AuthRegister: (request) => orUnavailable(accounts.register(request)),
      UsersMe: () => withPolicy(canRead)(Effect.flatMap(CurrentUser, (me) => users.get(me.userId))),
      UsersList: (page) => withPolicy(requireAdmin)(users.list(page))
    }
  })
)
