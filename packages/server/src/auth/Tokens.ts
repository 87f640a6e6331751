/**
 * Opaque credentials. Every token is random (256 bits), carries a type prefix (so a leaked one is
 * recognisable and the authenticator knows what it holds) and is stored only as its sha-256 digest.
 *
 *   access token   msa_<43 base64url chars>
 *   refresh token  msr_<43 base64url chars>
 *   API key        msk_<12 hex lookup prefix>_<43 base64url chars>
 *   email token    mse_<43 base64url chars>  (verification and password reset links)
 */
import { Option, Redacted } from "effect"
import { createHash, randomBytes, timingSafeEqual } from "node:crypto"

const random = () => randomBytes(32).toString("base64url")

export const ACCESS_PREFIX = "msa_"
export const REFRESH_PREFIX = "msr_"
export const API_KEY_PREFIX = "msk_"
export const EMAIL_TOKEN_PREFIX = "mse_"

export const newAccessToken = (): Redacted.Redacted<string> => Redacted.make(`${ACCESS_PREFIX}${random()}`)
export const newRefreshToken = (): Redacted.Redacted<string> => Redacted.make(`${REFRESH_PREFIX}${random()}`)

export const newEmailToken = (): Redacted.Redacted<string> => Redacted.make(`${EMAIL_TOKEN_PREFIX}${random()}`)

export interface NewApiKey {
  readonly prefix: string
  readonly secret: Redacted.Redacted<string>
}
export const newApiKey = (): NewApiKey => {
  const prefix = randomBytes(6).toString("hex")
  return { prefix, secret: Redacted.make(`${API_KEY_PREFIX}${prefix}_${random()}`) }
}

/** The lookup prefix of a well-formed API key. */
export const apiKeyPrefix = (key: string): Option.Option<string> => {
  const match = /^msk_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/.exec(key)
  return match?.[1] === undefined ? Option.none() : Option.some(match[1])
}

/** Hex sha-256: what the database and cache keys hold instead of the token. */
export const digest = (token: Redacted.Redacted<string> | string): string =>
  createHash("sha256").update(typeof token === "string" ? token : Redacted.value(token)).digest("hex")

/** Constant-time equality of two hex digests. */
export const sameDigest = (a: string, b: string): boolean => {
  const left = Buffer.from(a, "hex")
  const right = Buffer.from(b, "hex")
  return left.length === right.length && timingSafeEqual(left, right)
}

/** The token of a pending MFA login (password right, second factor still due). */
export const MFA_TOKEN_PREFIX = "msm_"
export const newMfaToken = (): Redacted.Redacted<string> => Redacted.make(`${MFA_TOKEN_PREFIX}${random()}`)
