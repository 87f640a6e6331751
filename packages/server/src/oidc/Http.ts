/** REST handlers of the OIDC groups: one policy line plus a service call each. */
import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import { AuthorizationRedirect, CurrentUser, MediaApi } from "@mediaserver/domain"
import { Effect, Layer } from "effect"
import { cookieSettingsOf } from "../auth/Cookies.js"
import { clientInfo, loginAnswer } from "../auth/Http.js"
import { canRead, orUnavailable, requireAdmin, requireSession, withPolicy } from "../auth/Policy.js"
import { AppConfig } from "../config/AppConfig.js"
import { OidcLogin } from "./OidcLogin.js"
import { OidcProviders } from "./OidcProviders.js"

const OidcHttp = HttpApiBuilder.group(MediaApi, "oidc", (handlers) =>
  Effect.gen(function* () {
    const providers = yield* OidcProviders
    const login = yield* OidcLogin
    const config = yield* AppConfig
    const client = clientInfo(config.authTrustProxy)
    const cookies = cookieSettingsOf(config)
    return handlers
      .handle("providers", () => orUnavailable(providers.summaries))
      .handleRaw("authorize", ({ path }) =>
        orUnavailable(Effect.map(login.authorize(path.provider, null), (url) => HttpServerResponse.redirect(url, { status: 302 }))))
      .handle("callback", ({ path, urlParams }) =>
        // The browser arrives here from the provider: a login also sets the web client's cookies.
        loginAnswer(cookies, true)(Effect.flatMap(client, (from) => login.callback(path.provider, urlParams, from))))
  })
)

const OidcLinksHttp = HttpApiBuilder.group(MediaApi, "oidcLinks", (handlers) =>
  Effect.gen(function* () {
    const login = yield* OidcLogin
    const mine = withPolicy(requireSession)
    return handlers
      .handle("list", () => withPolicy(canRead)(Effect.flatMap(CurrentUser, (me) => login.links(me.userId))))
      .handle("link", ({ path }) =>
        mine(Effect.flatMap(CurrentUser, (me) => login.authorize(path.provider, me.userId))).pipe(
          Effect.map((authorizationUrl) => new AuthorizationRedirect({ authorizationUrl }))
        ))
      .handle("unlink", ({ path }) => mine(Effect.flatMap(CurrentUser, (me) => login.unlink(me.userId, path.provider))))
  })
)

const AdminOidcHttp = HttpApiBuilder.group(MediaApi, "adminOidc", (handlers) =>
  Effect.gen(function* () {
    const providers = yield* OidcProviders
    const admin = withPolicy(requireAdmin)
    const asAdmin = <A, E, R>(f: (me: CurrentUser["Type"]) => Effect.Effect<A, E, R>) => admin(Effect.flatMap(CurrentUser, f))
    return handlers
      .handle("list", () => admin(providers.list))
      .handle("get", ({ path }) => admin(providers.get(path.providerId)))
      .handle("create", ({ payload }) => asAdmin((me) => providers.create(me, payload)))
      .handle("update", ({ path, payload }) => asAdmin((me) => providers.update(me, path.providerId, payload)))
      .handle("delete", ({ path }) => asAdmin((me) => providers.delete(me, path.providerId)))
      .handle("enable", ({ path }) => asAdmin((me) => providers.setEnabled(me, path.providerId, true)))
      .handle("disable", ({ path }) => asAdmin((me) => providers.setEnabled(me, path.providerId, false)))
      .handle("setDefault", ({ path }) => asAdmin((me) => providers.setDefault(me, path.providerId)))
  })
)

export const OidcHttpLive = Layer.mergeAll(OidcHttp, OidcLinksHttp, AdminOidcHttp)
