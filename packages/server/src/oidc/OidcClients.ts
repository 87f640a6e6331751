/**
 * openid-client configurations of providers. Discovery documents are cached through CacheAside by
 * issuer (OIDC_DISCOVERY_TTL); a configuration is rebuilt from the cached document per request, with
 * the provider's (decrypted) client secret. Plain http is allowed for loopback issuers only.
 */
import { type ConfigurationError, type DatabaseError, Unavailable } from "@mediaserver/domain"
import { Context, Duration, Effect, Layer, Option, Redacted, Schema } from "effect"
import * as client from "openid-client"
import { SecretBox } from "../auth/SecretBox.js"
import { CacheAside } from "../cache/index.js"
import { AppConfig } from "../config/AppConfig.js"
import type { ProviderRow } from "./OidcRepo.js"

const Strings = Schema.optional(Schema.mutable(Schema.Array(Schema.String)))
const Url = Schema.optional(Schema.String)

/** The discovery fields a code flow needs. */
const Metadata = Schema.Struct({
  issuer: Schema.String,
  authorization_endpoint: Url,
  token_endpoint: Url,
  jwks_uri: Url,
  userinfo_endpoint: Url,
  end_session_endpoint: Url,
  id_token_signing_alg_values_supported: Strings,
  code_challenge_methods_supported: Strings,
  token_endpoint_auth_methods_supported: Strings,
  response_types_supported: Strings,
  authorization_response_iss_parameter_supported: Schema.optional(Schema.Boolean)
})

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"])
const isLoopbackHttp = (issuer: string) => {
  const url = new URL(issuer)
  return url.protocol === "http:" && LOOPBACK.has(url.hostname)
}

const DISCOVERY_TIMEOUT = Duration.seconds(10)

export class OidcClients extends Context.Tag("@mediaserver/oidc/OidcClients")<
  OidcClients,
  {
    readonly configFor: (provider: ProviderRow) => Effect.Effect<client.Configuration, Unavailable | DatabaseError | ConfigurationError>
    /** After an issuer change: its document is fetched again. */
    readonly forget: (issuer: string) => Effect.Effect<void>
  }
>() {
  static readonly layer = Layer.scoped(
    OidcClients,
    Effect.gen(function* () {
      const config = yield* AppConfig
      const box = yield* SecretBox
      const discovery = yield* CacheAside.make({
        namespace: "oidc-discovery",
        schema: Metadata,
        ttl: { l1: config.oidcDiscoveryTtl, l2: config.oidcDiscoveryTtl },
        notFoundTtl: Duration.seconds(1)
      })
      const insecure = (issuer: string) => (isLoopbackHttp(issuer) ? [client.allowInsecureRequests] : [])

      const fetchMetadata = (issuer: string) =>
        Effect.tryPromise(() => client.discovery(new URL(issuer), "discovery", undefined, undefined, { execute: insecure(issuer) })).pipe(
          Effect.timeout(DISCOVERY_TIMEOUT),
          Effect.flatMap((found) => Schema.decodeUnknown(Metadata)(found.serverMetadata())),
          Effect.mapError((cause) => new Unavailable({ message: `The identity provider ${issuer} cannot be reached`, details: { cause: String(cause) } }))
        )

      return {
        configFor: (provider) =>
          Effect.gen(function* () {
            const metadata = yield* discovery.get(provider.issuer, fetchMetadata(provider.issuer))
            const secret = provider.client_secret === null ? Option.none() : Option.some(yield* box.open(provider.client_secret))
            const configuration = Option.match(secret, {
              onNone: () => new client.Configuration(metadata, provider.client_id, undefined, client.None()),
              onSome: (value) => new client.Configuration(metadata, provider.client_id, Redacted.value(value))
            })
            insecure(provider.issuer).forEach((allow) => allow(configuration))
            return configuration
          }),
        forget: discovery.invalidate
      }
    })
  )
}
