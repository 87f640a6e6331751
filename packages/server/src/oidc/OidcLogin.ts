/**
 * Sign-in with an OIDC provider (authorization code flow with PKCE, state and nonce). The state lives
 * in the shared cache (`oidc-state`, OIDC_STATE_TTL, single use), so the callback may land on any node.
 * The callback finds the user by their link (or creates one, if the provider allows), applies the
 * provider's group -> role mapping and starts a session; a flow begun by "link" links instead.
 */
import {
  type AuthTokens,
  type CallbackParams,
  type CallbackResult,
  Conflict,
  type ConfigurationError,
  type DatabaseError,
  Forbidden,
  type NotFound,
  OidcLink,
  Unauthorized,
  type Unavailable,
  UserId
} from "@mediaserver/domain"
import { Context, DateTime, Effect, Layer, Option, Schema } from "effect"
import { randomUUID } from "node:crypto"
import * as client from "openid-client"
import { Accounts } from "../auth/Accounts.js"
import type { ClientInfo } from "../auth/ClientInfo.js"
import { NO_PASSWORD } from "../auth/Passwords.js"
import { UsersRepo } from "../auth/UsersRepo.js"
import { CacheAside } from "../cache/index.js"
import { AppConfig } from "../config/AppConfig.js"
import { ActivityLog } from "../activity/ActivityLog.js"
import { claimsOf, type MappedClaims, usernameFrom } from "./Claims.js"
import { OidcClients } from "./OidcClients.js"
import { type LinkRow, type ProviderRow, OidcRepo } from "./OidcRepo.js"
import { EnabledProviders, noProvider } from "./EnabledProviders.js"
import { RoleSync } from "./RoleSync.js"

const State = Schema.Struct({
  providerId: Schema.String,
  codeVerifier: Schema.String,
  nonce: Schema.String,
  /** Set when the flow links the provider account to this signed-in user. */
  linkUserId: Schema.NullOr(UserId)
})

const refused = (reason: string, message = "Sign-in with the identity provider failed") =>
  new Unauthorized({ message, details: { reason } })

export const toLink = (row: LinkRow) =>
  new OidcLink({
    provider: row.slug,
    providerName: row.provider_name,
    subject: row.subject,
    email: row.email,
    linkedAt: DateTime.unsafeFromDate(row.created_at)
  })

type Failure = NotFound | Unauthorized | Forbidden | Conflict | Unavailable | DatabaseError | ConfigurationError

export class OidcLogin extends Context.Tag("@mediaserver/oidc/OidcLogin")<
  OidcLogin,
  {
    /** The provider's authorization URL for a login (or, with `linkUserId`, a link). */
    readonly authorize: (slug: string, linkUserId: UserId | null) => Effect.Effect<string, Failure>
    readonly callback: (slug: string, params: CallbackParams, client: ClientInfo) => Effect.Effect<CallbackResult, Failure>
    readonly links: (userId: UserId) => Effect.Effect<ReadonlyArray<OidcLink>, DatabaseError>
    /** Not the last way to sign in: a user without a password keeps one link. */
    readonly unlink: (userId: UserId, slug: string) => Effect.Effect<void, Failure>
  }
>() {
  static readonly layer = Layer.scoped(
    OidcLogin,
    Effect.gen(function* () {
      const config = yield* AppConfig
      const repo = yield* OidcRepo
      const clients = yield* OidcClients
      const users = yield* UsersRepo
      const accounts = yield* Accounts
      const roles = yield* RoleSync
      const enabled = yield* EnabledProviders
      const activity = yield* ActivityLog
      const states = yield* CacheAside.make({ namespace: "oidc-state", schema: State, ttl: { l1: config.oidcStateTtl, l2: config.oidcStateTtl } })
      const base = config.publicUrl.replace(/\/+$/, "")
      const redirectUri = (slug: string) => `${base}/api/v1/oidc/callback/${slug}`


      /** The code exchange and ID token checks (state, nonce, PKCE, signature, issuer, audience). */
      const exchange = (provider: ProviderRow, params: CallbackParams, state: typeof State.Type, stateValue: string) =>
        Effect.gen(function* () {
          const configuration = yield* clients.configFor(provider)
          // The URL the provider redirected to, rebuilt from PUBLIC_URL: the same on every node.
          const current = new URL(redirectUri(provider.slug))
          for (const [key, value] of Object.entries(params)) if (value !== undefined) current.searchParams.set(key, value)
          const tokens = yield* Effect.tryPromise(() =>
            client.authorizationCodeGrant(configuration, current, {
              pkceCodeVerifier: state.codeVerifier,
              expectedState: stateValue,
              expectedNonce: state.nonce,
              idTokenExpected: true
            })
          ).pipe(Effect.mapError((e) => refused(e.error instanceof Error && "code" in e.error ? String(e.error.code) : "token_exchange")))
          const claims = tokens.claims()
          if (claims === undefined) return yield* refused("no_id_token")
          return claimsOf(claims, provider.claims)
        })

      const signIn = (provider: ProviderRow, claims: MappedClaims, from: ClientInfo) =>
        Effect.gen(function* () {
          const link = yield* repo.findLink(provider.id, claims.subject)
          const userId = Option.isSome(link) ? link.value.user_id : yield* createUser(provider, claims)
          yield* repo.touchLink(provider.id, claims.subject)
          yield* roles.apply(userId, provider.slug, provider.group_roles, claims.groups)
          const user = yield* users.findById(userId)
          if (Option.isNone(user)) return yield* refused("user_gone")
          return yield* accounts.startSession(user.value, provider.name, from)
        })

      const createUser = (provider: ProviderRow, claims: MappedClaims) =>
        Effect.gen(function* () {
          if (!provider.auto_create) {
            return yield* new Forbidden({ message: "No account is linked to this provider account; sign in and link it first", details: { reason: "not_linked" } })
          }
          if (claims.email === null) return yield* refused("no_email", "The provider did not share an email address")
          if (Option.isSome(yield* users.findByEmail(claims.email))) {
            // Never take over an existing account by email: its owner links the provider themselves.
            return yield* new Conflict({ message: "An account with this email exists: sign in and link the provider", details: { field: "email" } })
          }
          const insert = (username: string) =>
            users.insert({ id: UserId.make(randomUUID()), username, email: claims.email ?? "", displayName: claims.name, passwordHash: NO_PASSWORD })
          const wanted = usernameFrom(claims)
          // A taken username gets a short suffix (once); the email was checked above.
          const row = yield* insert(wanted).pipe(
            Effect.catchTag("Conflict", () => insert(`${wanted.slice(0, 27)}-${randomUUID().slice(0, 4)}`))
          )
          yield* repo.insertLink(provider.id, claims.subject, row.id, claims.email)
          yield* activity.record({ action: "auth.register", userId: row.id, details: { username: row.username, provider: provider.slug } })
          return row.id
        })

      const linkTo = (provider: ProviderRow, claims: MappedClaims, userId: UserId) =>
        Effect.gen(function* () {
          const row = yield* repo.insertLink(provider.id, claims.subject, userId, claims.email)
          yield* activity.record({ action: "auth.oidc_linked", userId, resourceType: "oidc_provider", resourceId: provider.id })
          return toLink(row)
        })

      return {
        authorize: (slug, linkUserId) =>
          Effect.gen(function* () {
            const provider = yield* enabled.bySlug(slug)
            const configuration = yield* clients.configFor(provider)
            const codeVerifier = client.randomPKCECodeVerifier()
            const state = client.randomState()
            const nonce = client.randomNonce()
            yield* states.put(state, { providerId: provider.id, codeVerifier, nonce, linkUserId })
            const challenge = yield* Effect.promise(() => client.calculatePKCECodeChallenge(codeVerifier))
            return client.buildAuthorizationUrl(configuration, {
              redirect_uri: redirectUri(slug),
              scope: provider.scopes.join(" "),
              code_challenge: challenge,
              code_challenge_method: "S256",
              state,
              nonce
            }).href
          }),
        callback: (slug, params, from): Effect.Effect<AuthTokens | OidcLink, Failure> =>
          Effect.gen(function* () {
            if (params.error !== undefined) return yield* refused(params.error, `The identity provider refused: ${params.error_description ?? params.error}`)
            if (params.state === undefined || params.code === undefined) return yield* refused("missing_parameters")
            const state = yield* states.take(params.state)
            if (Option.isNone(state)) return yield* refused("unknown_state", "The sign-in expired or was already used: start again")
            const provider = yield* enabled.bySlug(slug)
            if (provider.id !== state.value.providerId) return yield* refused("wrong_provider")
            const claims = yield* exchange(provider, params, state.value, params.state)
            return state.value.linkUserId === null
              ? yield* signIn(provider, claims, from)
              : yield* linkTo(provider, claims, state.value.linkUserId)
          }),
        links: (userId) => Effect.map(repo.links(userId), (rows) => rows.map(toLink)),
        unlink: (userId, slug) =>
          Effect.gen(function* () {
            const provider = yield* Effect.flatMap(repo.findBySlug(slug), Option.match({ onNone: () => Effect.fail(noProvider(slug)), onSome: Effect.succeed }))
            const outcome = yield* repo.unlink(userId, provider.id, NO_PASSWORD)
            if (outcome === "not_linked") return yield* noProvider(slug)
            if (outcome === "last") {
              return yield* new Conflict({ message: "This is your only way to sign in: set a password or link another provider first", details: { field: "provider" } })
            }
            yield* activity.record({ action: "auth.oidc_unlinked", userId, resourceType: "oidc_provider", resourceId: provider.id })
          })
      }
    })
  )
}
