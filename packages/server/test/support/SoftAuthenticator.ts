/**
 * A software WebAuthn authenticator for tests: a P-256 key (node:crypto), 'none' attestation encoded in
 * CBOR, and assertions signed over authenticatorData || sha256(clientDataJSON), as a security key does.
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from "node:crypto"

type Cbor = number | string | Uint8Array | ReadonlyMap<number | string, Cbor> | { readonly [key: string]: Cbor }

const head = (major: number, length: number): Buffer => {
  if (length < 24) return Buffer.from([(major << 5) | length])
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length])
  if (length < 0x10000) return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff])
  const b = Buffer.alloc(5)
  b[0] = (major << 5) | 26
  b.writeUInt32BE(length, 1)
  return b
}

/** The subset of CBOR (RFC 8949) attestation objects and COSE keys need. */
export const cbor = (value: Cbor): Buffer => {
  if (typeof value === "number") return value >= 0 ? head(0, value) : head(1, -1 - value)
  if (typeof value === "string") {
    const bytes = Buffer.from(value, "utf8")
    return Buffer.concat([head(3, bytes.length), bytes])
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value])
  const entries: ReadonlyArray<readonly [number | string, Cbor]> = value instanceof Map ? [...value.entries()] : Object.entries(value)
  return Buffer.concat([head(5, entries.length), ...entries.flatMap(([k, v]) => [cbor(k), cbor(v)])])
}

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest()
const b64 = (data: Buffer) => data.toString("base64url")
const counterBytes = (n: number) => {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n)
  return b
}

export interface CreationOptions {
  readonly challenge: string
  readonly rp: { readonly id: string }
}
export interface RequestOptions {
  readonly challenge: string
  readonly rpId: string
}

export const softAuthenticator = (origin: string) => {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" })
  const jwk = publicKey.export({ format: "jwk" })
  const credentialId = randomBytes(16)
  let counter = 0
  const cose = cbor(new Map<number, Cbor>([
    [1, 2], // kty: EC2
    [3, -7], // alg: ES256
    [-1, 1], // crv: P-256
    [-2, Buffer.from(jwk.x ?? "", "base64url")],
    [-3, Buffer.from(jwk.y ?? "", "base64url")]
  ]))
  const clientData = (type: string, challenge: string) => Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }))
  return {
    id: b64(credentialId),
    /** navigator.credentials.create(), as JSON. */
    create: (options: CreationOptions) => {
      const authData = Buffer.concat([
        sha256(options.rp.id),
        Buffer.from([0x45]), // user present, user verified, attested credential data
        counterBytes(counter),
        Buffer.alloc(16), // AAGUID
        Buffer.from([credentialId.length >> 8, credentialId.length & 0xff]),
        credentialId,
        cose
      ])
      return {
        id: b64(credentialId),
        rawId: b64(credentialId),
        type: "public-key",
        response: {
          clientDataJSON: b64(clientData("webauthn.create", options.challenge)),
          attestationObject: b64(cbor({ fmt: "none", attStmt: {}, authData })),
          transports: ["usb"]
        }
      }
    },
    /** navigator.credentials.get(), as JSON; each assertion bumps the signature counter. */
    get: (options: RequestOptions) => {
      counter++
      const authData = Buffer.concat([sha256(options.rpId), Buffer.from([0x05]), counterBytes(counter)])
      const data = clientData("webauthn.get", options.challenge)
      const signature = sign("sha256", Buffer.concat([authData, sha256(data)]), privateKey)
      return {
        id: b64(credentialId),
        rawId: b64(credentialId),
        type: "public-key",
        response: { clientDataJSON: b64(data), authenticatorData: b64(authData), signature: b64(signature) }
      }
    }
  }
}
