/**
 * Single sign-on with OpenID Connect: provider administration (OidcProviders), the login and link
 * flows (OidcLogin) over cached discovery (OidcClients), and group -> role mapping (RoleSync).
 */
import { Layer } from "effect"
import { EnabledProviders } from "./EnabledProviders.js"
import { OidcClients } from "./OidcClients.js"
import { OidcLogin } from "./OidcLogin.js"
import { OidcProviders } from "./OidcProviders.js"
import { OidcRepo } from "./OidcRepo.js"
import { RoleSync } from "./RoleSync.js"

export { OidcHttpLive } from "./Http.js"
export { OidcAllRpcLive } from "./Rpc.js"

/** The OIDC services (needs the identity services, SqlClient, CacheStore, AppConfig). */
export const OidcLive = Layer.mergeAll(OidcProviders.layer, OidcLogin.layer).pipe(
  Layer.provideMerge(Layer.mergeAll(OidcClients.layer, RoleSync.layer, EnabledProviders.layer)),
  Layer.provideMerge(OidcRepo.layer)
)
