/**
 * Every single sign-on operation once (named as in OidcRpcs and OidcAccountRpcs): signing in needs
 * nobody; linking an account a signed-in person; the provider list the admin role.
 */
import { AuthorizationRedirect, OidcAccountRpcs, OidcRpcs } from "@mediaserver/domain"
import { Effect } from "effect"
import { RequestClient } from "../auth/ClientInfo.js"
import { asCaller, canRead, orUnavailable, requireAdmin, requireSession } from "../access/Policy.js"
import { OidcLogin } from "./OidcLogin.js"
import { OidcProviders } from "./OidcProviders.js"

const redirect = (authorizationUrl: string) => new AuthorizationRedirect({ authorizationUrl })

export const makeOidcOperations = Effect.gen(function* () {
  const providers = yield* OidcProviders
  const login = yield* OidcLogin
  return OidcRpcs.of({
    OidcProviders: () => orUnavailable(providers.summaries),
    OidcAuthorize: ({ provider }) => orUnavailable(Effect.map(login.authorize(provider, null), redirect)),
    OidcCallback: ({ provider, ...params }) =>
      orUnavailable(Effect.flatMap(RequestClient, (from) => login.callback(provider, params, from)))
  })
})

export const makeOidcAccountOperations = Effect.gen(function* () {
  const providers = yield* OidcProviders
  const login = yield* OidcLogin
  const mine = asCaller(requireSession)
  const admin = asCaller(requireAdmin)
  return OidcAccountRpcs.of({
    OidcLinks: () => asCaller(canRead)((me) => login.links(me.userId)),
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
  })
})
