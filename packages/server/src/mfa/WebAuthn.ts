/**
 * WebAuthn ceremonies (@simplewebauthn/server) for one relying party: WEBAUTHN_RP_ID and
 * WEBAUTHN_ORIGIN, by default the host and origin of PUBLIC_URL. Verification failures are answers
 * (None), not errors: the caller counts them as failed attempts.
 */
import type { AuthenticationResponse, RegistrationResponse } from "@mediaserver/domain"
import { Unavailable } from "@mediaserver/domain"
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse
} from "@simplewebauthn/server"
import { Context, Effect, Layer, Option } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import type { CredentialRow } from "./MfaRepo.js"

export interface Registered {
  readonly id: string
  readonly publicKey: string
  readonly counter: number
  readonly transports: ReadonlyArray<string>
}

type Options = Readonly<Record<string, unknown>>

/** The JSON options as a plain record (what the API returns as is). */
const asRecord = (options: object): Options => Object.fromEntries(Object.entries(options))

const TIMEOUT_MS = 120_000

export class WebAuthn extends Context.Tag("@mediaserver/mfa/WebAuthn")<
  WebAuthn,
  {
    readonly registrationOptions: (user: { readonly id: string; readonly username: string }, existing: ReadonlyArray<CredentialRow>) =>
      Effect.Effect<{ readonly options: Options; readonly challenge: string }, Unavailable>
    readonly verifyRegistration: (response: RegistrationResponse, challenge: string) => Effect.Effect<Option.Option<Registered>>
    readonly authenticationOptions: (credentials: ReadonlyArray<CredentialRow>) =>
      Effect.Effect<{ readonly options: Options; readonly challenge: string }, Unavailable>
    /** The new signature counter when the assertion is valid for `credential`. */
    readonly verifyAuthentication: (response: AuthenticationResponse, challenge: string, credential: CredentialRow) =>
      Effect.Effect<Option.Option<number>>
  }
>() {
  static readonly layer = Layer.effect(
    WebAuthn,
    Effect.map(AppConfig, (config) => {
      const publicUrl = new URL(config.publicUrl)
      const rpID = Option.getOrElse(config.webauthnRpId, () => publicUrl.hostname)
      const origin = Option.getOrElse(config.webauthnOrigin, () => publicUrl.origin)
      const allow = (credentials: ReadonlyArray<CredentialRow>) => credentials.map((c) => ({ id: c.id, transports: [...c.transports] }))
      // Library failures (malformed attestation, bad signature) mean "not verified".
      const attempt = <A>(f: () => Promise<Option.Option<A>>) =>
        Effect.tryPromise(f).pipe(
          Effect.tapError((e) => Effect.logDebug(`webauthn: verification failed: ${String(e.error)}`)),
          Effect.orElseSucceed(() => Option.none<A>())
        )
      // Options fail only on a misconfigured relying party (WEBAUTHN_RP_ID / WEBAUTHN_ORIGIN): 503.
      const options = <A>(make: () => Promise<A>) =>
        Effect.tryPromise({ try: make, catch: (e) => new Unavailable({ message: `WebAuthn is misconfigured: ${String(e)}` }) })
      return {
        registrationOptions: (user, existing) =>
          options(() =>
            generateRegistrationOptions({
              rpName: config.mfaIssuer,
              rpID,
              userName: user.username,
              userID: new TextEncoder().encode(user.id),
              attestationType: "none",
              excludeCredentials: allow(existing),
              authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
              timeout: TIMEOUT_MS
            })
          ).pipe(Effect.map((options) => ({ options: asRecord(options), challenge: options.challenge }))),
        verifyRegistration: (response, challenge) =>
          attempt(async () => {
            const result = await verifyRegistrationResponse({
              response: { ...response, response: { ...response.response, transports: [...(response.response.transports ?? [])] }, clientExtensionResults: {} },
              expectedChallenge: challenge,
              expectedOrigin: origin,
              expectedRPID: rpID,
              requireUserVerification: false
            })
            if (!result.verified) return Option.none()
            const credential = result.registrationInfo.credential
            return Option.some({
              id: credential.id,
              publicKey: Buffer.from(credential.publicKey).toString("base64url"),
              counter: credential.counter,
              transports: response.response.transports ?? []
            })
          }),
        authenticationOptions: (credentials) =>
          options(() =>
            generateAuthenticationOptions({ rpID, allowCredentials: allow(credentials), userVerification: "preferred", timeout: TIMEOUT_MS })
          ).pipe(Effect.map((options) => ({ options: asRecord(options), challenge: options.challenge }))),
        verifyAuthentication: (response, challenge, credential) =>
          attempt(async () => {
            const result = await verifyAuthenticationResponse({
              response: { ...response, clientExtensionResults: {} },
              expectedChallenge: challenge,
              expectedOrigin: origin,
              expectedRPID: rpID,
              credential: {
                id: credential.id,
                publicKey: new Uint8Array(Buffer.from(credential.public_key, "base64url")),
                counter: credential.counter,
                transports: [...credential.transports]
              },
              requireUserVerification: false
            })
            return result.verified ? Option.some(result.authenticationInfo.newCounter) : Option.none()
          })
      }
    })
  )
}
