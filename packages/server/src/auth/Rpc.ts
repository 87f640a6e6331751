/** RPC handlers of `IdentityRpcs`: the same services and policies as the REST handlers. */
import { CurrentUser, IdentityRpcs } from "@mediaserver/domain"
import { Effect } from "effect"
import { Accounts } from "./Accounts.js"
import { canRead, orUnavailable, requireAdmin, withPolicy } from "./Policy.js"
import { Users } from "./Users.js"

export const IdentityRpcLive = IdentityRpcs.toLayer(
  Effect.gen(function* () {
    const accounts = yield* Accounts
    const users = yield* Users
    return {
      AuthLogin: (request, { headers }) =>
        orUnavailable(accounts.login(request, { userAgent: headers["user-agent"] ?? null, ip: null })),
      AuthRefresh: ({ refreshToken }) => orUnavailable(accounts.refresh(refreshToken)),
      AuthRegister: (request) => orUnavailable(accounts.register(request)),
      UsersMe: () => withPolicy(canRead)(Effect.flatMap(CurrentUser, (me) => users.get(me.userId))),
      UsersList: (page) => withPolicy(requireAdmin)(users.list(page))
    }
  })
)
