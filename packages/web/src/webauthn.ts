/**
 * The browser half of WebAuthn: the server's options (JSON, base64url fields) become the binary
 * options navigator.credentials takes, and the credential it returns becomes the JSON the server
 * verifies. Options are decoded with schemas, so a malformed answer is an error, not a crash.
 */
import type { AuthenticationResponse, RegistrationResponse } from "@mediaserver/domain"
import { Either, Schema } from "effect"

const b64 = (text: string): ArrayBuffer => {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=")
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0))
  return bytes.buffer
}
const text = (buffer: ArrayBuffer): string =>
  btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")

const Descriptor = Schema.Struct({ id: Schema.String, type: Schema.Literal("public-key"), transports: Schema.optional(Schema.Array(Schema.String)) })
const RequestOptions = Schema.Struct({
  challenge: Schema.String,
  rpId: Schema.optional(Schema.String),
  timeout: Schema.optional(Schema.Number),
  userVerification: Schema.optional(Schema.Literal("required", "preferred", "discouraged")),
  allowCredentials: Schema.optional(Schema.Array(Descriptor))
})
const CreationOptions = Schema.Struct({
  challenge: Schema.String,
  rp: Schema.Struct({ id: Schema.optional(Schema.String), name: Schema.String }),
  user: Schema.Struct({ id: Schema.String, name: Schema.String, displayName: Schema.String }),
  pubKeyCredParams: Schema.Array(Schema.Struct({ type: Schema.Literal("public-key"), alg: Schema.Number })),
  timeout: Schema.optional(Schema.Number),
  attestation: Schema.optional(Schema.Literal("none", "indirect", "direct", "enterprise")),
  excludeCredentials: Schema.optional(Schema.Array(Descriptor)),
  authenticatorSelection: Schema.optional(Schema.Struct({
    residentKey: Schema.optional(Schema.Literal("discouraged", "preferred", "required")),
    userVerification: Schema.optional(Schema.Literal("required", "preferred", "discouraged"))
  }))
})

const descriptor = (d: typeof Descriptor.Type): PublicKeyCredentialDescriptor => ({ id: b64(d.id), type: d.type })
const attachment = (value: string | null): "platform" | "cross-platform" | undefined => (value === "platform" || value === "cross-platform" ? value : undefined)

export type Outcome<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly message: string }

const failed = (error: unknown): Outcome<never> => ({
  ok: false,
  message: error instanceof DOMException && error.name === "NotAllowedError"
    ? "The security key step was cancelled or timed out."
    : `The security key could not be used: ${error instanceof Error ? error.message : String(error)}`
})

/** What both ceremonies send back: the credential's ids and attachment, with the response of its kind. */
const credentialJson = <R>(credential: PublicKeyCredential, response: R) => {
  const kind = attachment(credential.authenticatorAttachment)
  return {
    id: credential.id,
    rawId: text(credential.rawId),
    type: "public-key" as const,
    ...(kind === undefined ? {} : { authenticatorAttachment: kind }),
    response
  }
}

export const supported = () => typeof PublicKeyCredential !== "undefined" && navigator.credentials !== undefined

/** Signs the server's challenge with a registered key. */
export const authenticate = async (options: unknown): Promise<Outcome<AuthenticationResponse>> => {
  const decoded = Schema.decodeUnknownEither(RequestOptions)(options)
  if (Either.isLeft(decoded)) return { ok: false, message: "The server sent security key options this page does not understand." }
  const o = decoded.right
  try {
    const credential = await navigator.credentials.get({
      publicKey: {
        challenge: b64(o.challenge),
        ...(o.rpId === undefined ? {} : { rpId: o.rpId }),
        ...(o.timeout === undefined ? {} : { timeout: o.timeout }),
        ...(o.userVerification === undefined ? {} : { userVerification: o.userVerification }),
        allowCredentials: (o.allowCredentials ?? []).map(descriptor)
      }
    })
    if (!(credential instanceof PublicKeyCredential) || !(credential.response instanceof AuthenticatorAssertionResponse)) {
      return { ok: false, message: "No security key answered." }
    }
    const r = credential.response
    const handle = r.userHandle
    return {
      ok: true,
      value: credentialJson(credential, {
        clientDataJSON: text(r.clientDataJSON),
        authenticatorData: text(r.authenticatorData),
        signature: text(r.signature),
        ...(handle === null ? {} : { userHandle: text(handle) })
      })
    }
  } catch (error) {
    return failed(error)
  }
}

/** Creates a credential on a security key (or the device) for the server's options. */
export const register = async (options: unknown): Promise<Outcome<RegistrationResponse>> => {
  const decoded = Schema.decodeUnknownEither(CreationOptions)(options)
  if (Either.isLeft(decoded)) return { ok: false, message: "The server sent security key options this page does not understand." }
  const o = decoded.right
  try {
    const credential = await navigator.credentials.create({
      publicKey: {
        challenge: b64(o.challenge),
        rp: o.rp,
        user: { ...o.user, id: b64(o.user.id) },
        pubKeyCredParams: o.pubKeyCredParams.map((p) => ({ type: p.type, alg: p.alg })),
        ...(o.timeout === undefined ? {} : { timeout: o.timeout }),
        ...(o.attestation === undefined ? {} : { attestation: o.attestation }),
        excludeCredentials: (o.excludeCredentials ?? []).map(descriptor),
        ...(o.authenticatorSelection === undefined ? {} : { authenticatorSelection: o.authenticatorSelection })
      }
    })
    if (!(credential instanceof PublicKeyCredential) || !(credential.response instanceof AuthenticatorAttestationResponse)) {
      return { ok: false, message: "No security key answered." }
    }
    const r = credential.response
    return {
      ok: true,
      value: credentialJson(credential, { clientDataJSON: text(r.clientDataJSON), attestationObject: text(r.attestationObject), transports: r.getTransports() })
    }
  } catch (error) {
    return failed(error)
  }
}
