/** RPC handlers of the OIDC groups: the same services and policies as the REST handlers. */
import { AuthorizationRedirect, CurrentUser, OidcAccountRpcs, OidcRpcs } from "@mediaserver/domain"
import { Effect, Layer } from "effect"
import { canRead, orUnavailable, requireAdmin, requireSession, withPolicy } from "../auth/Policy.js"
import { rpcClientInfo } from "../auth/Rpc.js"
import { OidcLogin } from "./OidcLogin.js"
import { OidcProviders } from "./OidcProviders.js"

const redirect = (authorizationUrl: string) => new AuthorizationRedirect({ authorizationUrl })

const OidcRpcLive = OidcRpcs.toLayer(
  Effect.gen(function* () {
    const providers = yield* OidcProviders
    const login = yield* OidcLogin
    return {
      OidcProviders: () => orUnavailable(providers.summaries),
      OidcAuthorize: ({ provider }) => orUnavailable(Effect.map(login.authorize(provider, null), redirect)),
      OidcCallback: ({ provider, ...params }, { headers }) => orUnavailable(login.callback(provider, params, rpcClientInfo(headers)))
    }
  })
)

const OidcAccountRpcLive = OidcAccountRpcs.toLayer(
  Effect.gen(function* () {
    const providers = yield* OidcProviders
    const login = yield* OidcLogin
    const mine = <A, E, R>(f: (me: CurrentUser["Type"]) => Effect.Effect<A, E, R>) => withPolicy(requireSession)(Effect.flatMap(CurrentUser, f))
    const admin = <A, E, R>(f: (me: CurrentUser["Type"]) => Effect.Effect<A, E, R>) => withPolicy(requireAdmin)(Effect.flatMap(CurrentUser, f))
    return {
      OidcLinks: () => withPolicy(canRead)(Effect.flatMap(CurrentUser, (me) => login.links(me.userId))),
      OidcLink: ({ provider }) => mine((me) => Effect.map(login.authorize(provider, me.userId), redirect)),
      OidcUnlink: ({ provider }) => mine((me) => login.unlink(me.userId, provider)),
      AdminOidcList: () => admin(() => providers.list),
      AdminOidcCreate: (request) => admin((me) => providers.create(me, request)),
      AdminOidcGet: ({ providerId }) => admin(() => providers.get(providerId)),
      AdminOidcUpdate: ({ changes, providerId }) => admin((me) => providers.update(me, providerId, changes)),
      AdminOidcDelete: ({ providerId }) => admin((me) => providers.delete(me, providerId)),
      AdminOidcEnable: ({ providerId }) => admin((me) => providers.setEnabled(me, providerId, true)),
      AdminOidcDisable: ({ providerId }) => admin((me) => providers.setEnabled(me, providerId, false)),
      AdminOidcSetDefault: ({ providerId }) => admin((me) => providers.setDefault(me, providerId))
    }
  })
)

export const OidcAllRpcLive = Layer.mergeAll(OidcRpcLive, OidcAccountRpcLive)
