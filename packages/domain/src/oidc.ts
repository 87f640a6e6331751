/**
 * Single sign-on with OpenID Connect: providers (admin), the login redirect and its callback, and the
 * links between a user and provider accounts. A provider is named in URLs by its `slug`.
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import { AuthTokens } from "./auth.js"
import {
  ConfigurationError,
  Conflict,
  Forbidden,
  HttpConflict,
  HttpForbidden,
  HttpNotFound,
  HttpUnauthorized,
  HttpUnavailable,
  HttpUnprocessable,
  NotFound,
  Unauthorized,
  Unavailable,
  Unprocessable
} from "./errors.js"
import { Authentication, Role, RpcAuthentication } from "./identity.js"
import { about, doc } from "./apiDocs.js"

export const OidcProviderId = Schema.UUID.pipe(Schema.brand("OidcProviderId"))
export type OidcProviderId = typeof OidcProviderId.Type

export const ProviderSlug = Schema.String.pipe(
  Schema.pattern(/^[a-z0-9][a-z0-9-]{0,39}$/, { message: () => "1-40 characters: a-z, 0-9 or '-'" })
)

const IssuerUrl = Schema.String.pipe(
  Schema.filter((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), { message: () => "an http(s) URL" })
)
const ClaimName = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100))
const Scopes = Schema.Array(Schema.String.pipe(Schema.pattern(/^[\x21\x23-\x5b\x5d-\x7e]+$/, { message: () => "a scope token" })))

/** Which ID token claims give the username, email and groups. */
export class ClaimMapping extends Schema.Class<ClaimMapping>("ClaimMapping")({
  username: ClaimName,
  email: ClaimName,
  groups: ClaimName
}) {}

export const DEFAULT_CLAIMS = new ClaimMapping({ username: "preferred_username", email: "email", groups: "groups" })
export const DEFAULT_SCOPES: ReadonlyArray<string> = ["openid", "profile", "email"]

/** Group name (from the groups claim) -> built-in role; the highest matched role applies at each login. */
export const GroupRoles = Schema.Record({ key: Schema.String, value: Role })

export class OidcProvider extends Schema.Class<OidcProvider>("OidcProvider")({
  id: OidcProviderId,
  slug: Schema.String,
  name: Schema.String,
  issuer: Schema.String,
  clientId: Schema.String,
  /** The secret itself is never shown (it is stored encrypted). */
  hasClientSecret: Schema.Boolean,
  scopes: Schema.Array(Schema.String),
  claims: ClaimMapping,
  groupRoles: GroupRoles,
  /** Create an account at the first login of an unknown provider user. */
  autoCreateUsers: Schema.Boolean,
  enabled: Schema.Boolean,
  isDefault: Schema.Boolean,
  createdAt: Schema.DateTimeUtc
}) {}

const Secret = Schema.Redacted(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(1024)))

export class CreateOidcProvider extends Schema.Class<CreateOidcProvider>("CreateOidcProvider")({
  slug: ProviderSlug,
  name: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100)),
  issuer: IssuerUrl,
  clientId: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(500)),
  clientSecret: Schema.optional(Secret),
  scopes: Schema.optional(Scopes),
  claims: Schema.optional(ClaimMapping),
  groupRoles: Schema.optional(GroupRoles),
  autoCreateUsers: Schema.optional(Schema.Boolean),
  enabled: Schema.optional(Schema.Boolean)
}) {}

export class UpdateOidcProvider extends Schema.Class<UpdateOidcProvider>("UpdateOidcProvider")({
  name: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100))),
  issuer: Schema.optional(IssuerUrl),
  clientId: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(500))),
  /** null: remove the secret (a public client). */
  clientSecret: Schema.optional(Schema.NullOr(Secret)),
  scopes: Schema.optional(Scopes),
  claims: Schema.optional(ClaimMapping),
  groupRoles: Schema.optional(GroupRoles),
  autoCreateUsers: Schema.optional(Schema.Boolean)
}) {}

/** What anyone may see: the enabled providers, to draw the login buttons. */
export class OidcProviderSummary extends Schema.Class<OidcProviderSummary>("OidcProviderSummary")({
  slug: Schema.String,
  name: Schema.String,
  isDefault: Schema.Boolean,
  /** Starts the login (a redirect to the provider). */
  loginUrl: Schema.String
}) {}

export class OidcLink extends Schema.Class<OidcLink>("OidcLink")({
  provider: Schema.String,
  providerName: Schema.String,
  subject: Schema.String,
  email: Schema.NullOr(Schema.String),
  linkedAt: Schema.DateTimeUtc
}) {}

export class AuthorizationRedirect extends Schema.Class<AuthorizationRedirect>("AuthorizationRedirect")({
  authorizationUrl: Schema.String
}) {}

/** The provider's answer, as it arrives at the callback. */
export const CallbackParams = Schema.Struct({
  code: Schema.optional(Schema.String),
  state: Schema.optional(Schema.String),
  error: Schema.optional(Schema.String),
  error_description: Schema.optional(Schema.String),
  iss: Schema.optional(Schema.String)
})
export type CallbackParams = typeof CallbackParams.Type

/** A login callback starts a session; a link callback (begun by POST .../link) answers the new link. */
export const CallbackResult = Schema.Union(AuthTokens, OidcLink)
export type CallbackResult = typeof CallbackResult.Type

const slugPath = Schema.Struct({ provider: Schema.String })
const idPath = Schema.Struct({ providerId: OidcProviderId })

// ---------------------------------------------------------------------------------------------------------
// HTTP

export class OidcApi extends HttpApiGroup.make("oidc")
  .annotateContext(about("Single sign-on with OpenID Connect providers configured by an admin: list them, start a login and receive its callback."))
  .add(
    HttpApiEndpoint.get("providers", "/oidc/providers").addSuccess(Schema.Array(OidcProviderSummary))
      .annotateContext(doc("List sign-on providers", "The enabled OpenID Connect providers a user may log in with (slug, display name, whether it is the default)."))
  )
  .add(
    // Answers 302 to the provider's authorization endpoint.
    HttpApiEndpoint.get("authorize", "/oidc/auth/:provider").setPath(slugPath).addSuccess(HttpApiSchema.Empty(302))
      .annotateContext(doc("Start single sign-on", "Redirects (302) the browser to the provider's authorization page; the provider then returns to the callback."))
  )
  .add(
    HttpApiEndpoint.get("callback", "/oidc/callback/:provider")
      .setPath(slugPath)
      .setUrlParams(CallbackParams)
      .addSuccess(AuthTokens)
      .addSuccess(OidcLink)
      .annotateContext(doc("Single sign-on callback", "Where the provider returns the browser: logs in (answering tokens), or completes linking the provider to the caller's account. Accounts are matched by linked identity, never by email alone."))
  )
  .addError(HttpNotFound)
  .addError(HttpUnauthorized)
  .addError(HttpForbidden)
  .addError(HttpConflict)
  .addError(HttpUnavailable) {}

export class OidcLinksApi extends HttpApiGroup.make("oidcLinks")
  .annotateContext(about("The caller's links to OpenID Connect accounts (log in through them instead of a password)."))
  .add(
    HttpApiEndpoint.get("list", "/users/me/oidc").addSuccess(Schema.Array(OidcLink))
      .annotateContext(doc("List my linked providers", "The OpenID Connect accounts linked to the caller's account."))
  )
  .add(
    HttpApiEndpoint.post("link", "/users/me/oidc/:provider/link").setPath(slugPath).addSuccess(AuthorizationRedirect)
      .annotateContext(doc("Link a provider", "Starts linking an OpenID Connect account: answers the provider's authorization URL to open; its callback completes the link."))
  )
  .add(
    HttpApiEndpoint.del("unlink", "/users/me/oidc/:provider").setPath(slugPath).addSuccess(HttpApiSchema.NoContent)
      .annotateContext(doc("Unlink a provider", "Removes the link to an OpenID Connect account. Refused (409) when it is the account's only way to log in."))
  )
  .middleware(Authentication)
  .addError(HttpNotFound)
  .addError(HttpConflict)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

export class AdminOidcApi extends HttpApiGroup.make("adminOidc")
  .annotateContext(about("Admin: configure the OpenID Connect providers users may log in with."))
  .add(
    HttpApiEndpoint.get("list", "/admin/oidc/providers").addSuccess(Schema.Array(OidcProvider))
      .annotateContext(doc("List providers", "Every configured OpenID Connect provider, enabled or not; client secrets are never shown."))
  )
  .add(
    HttpApiEndpoint.post("create", "/admin/oidc/providers").setPayload(CreateOidcProvider).addSuccess(OidcProvider, { status: 201 })
      .annotateContext(doc("Add a provider", "Configures an OpenID Connect provider from its issuer URL, client id and secret, scopes and claim mapping."))
  )
  .add(
    HttpApiEndpoint.get("get", "/admin/oidc/providers/:providerId").setPath(idPath).addSuccess(OidcProvider)
      .annotateContext(doc("Get a provider", "One configured OpenID Connect provider."))
  )
  .add(
    HttpApiEndpoint.patch("update", "/admin/oidc/providers/:providerId")
      .setPath(idPath)
      .setPayload(UpdateOidcProvider)
      .addSuccess(OidcProvider)
      .annotateContext(doc("Update a provider", "Changes the given fields of a provider's configuration."))
  )
  .add(
    HttpApiEndpoint.del("delete", "/admin/oidc/providers/:providerId").setPath(idPath).addSuccess(HttpApiSchema.NoContent)
      .annotateContext(doc("Delete a provider", "Removes a provider and the links of users to it."))
  )
  .add(
    HttpApiEndpoint.post("enable", "/admin/oidc/providers/:providerId/enable").setPath(idPath).addSuccess(OidcProvider)
      .annotateContext(doc("Enable a provider", "Offers the provider for login."))
  )
  .add(
    HttpApiEndpoint.post("disable", "/admin/oidc/providers/:providerId/disable").setPath(idPath).addSuccess(OidcProvider)
      .annotateContext(doc("Disable a provider", "Stops offering the provider for login; its configuration and links are kept."))
  )
  .add(
    HttpApiEndpoint.post("setDefault", "/admin/oidc/providers/:providerId/default").setPath(idPath).addSuccess(OidcProvider)
      .annotateContext(doc("Make a provider the default", "The login page offers the default provider first."))
  )
  .middleware(Authentication)
  .addError(HttpNotFound)
  .addError(HttpConflict)
  .addError(HttpUnprocessable)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

// ---------------------------------------------------------------------------------------------------------
// RPC (the redirect becomes a URL to send the browser to; the callback takes the provider's parameters)

// ConfigurationError: a stored client secret that SECRETS_KEY does not open.
const OidcErrors = Schema.Union(Forbidden, NotFound, Conflict, Unprocessable, Unauthorized, Unavailable, ConfigurationError)

export class OidcRpcs extends RpcGroup.make(
  Rpc.make("OidcProviders", { success: Schema.Array(OidcProviderSummary), error: OidcErrors }),
  Rpc.make("OidcAuthorize", { payload: slugPath, success: AuthorizationRedirect, error: OidcErrors }),
  Rpc.make("OidcCallback", { payload: Schema.Struct({ provider: Schema.String, ...CallbackParams.fields }), success: CallbackResult, error: OidcErrors })
) {}

export class OidcAccountRpcs extends RpcGroup.make(
  Rpc.make("OidcLinks", { success: Schema.Array(OidcLink), error: OidcErrors }),
  Rpc.make("OidcLink", { payload: slugPath, success: AuthorizationRedirect, error: OidcErrors }),
  Rpc.make("OidcUnlink", { payload: slugPath, error: OidcErrors }),
  Rpc.make("AdminOidcList", { success: Schema.Array(OidcProvider), error: OidcErrors }),
  Rpc.make("AdminOidcCreate", { payload: CreateOidcProvider, success: OidcProvider, error: OidcErrors }),
  Rpc.make("AdminOidcGet", { payload: idPath, success: OidcProvider, error: OidcErrors }),
  Rpc.make("AdminOidcUpdate", { payload: Schema.Struct({ providerId: OidcProviderId, changes: UpdateOidcProvider }), success: OidcProvider, error: OidcErrors }),
  Rpc.make("AdminOidcDelete", { payload: idPath, error: OidcErrors }),
  Rpc.make("AdminOidcEnable", { payload: idPath, success: OidcProvider, error: OidcErrors }),
  Rpc.make("AdminOidcDisable", { payload: idPath, success: OidcProvider, error: OidcErrors }),
  Rpc.make("AdminOidcSetDefault", { payload: idPath, success: OidcProvider, error: OidcErrors })
).middleware(RpcAuthentication) {}
