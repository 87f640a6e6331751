/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30 s) and backup codes, as pure functions. A TOTP code is matched
 * to its time step within +-1 step of now; the caller refuses steps already used (replay).
 */
import { Option, Redacted } from "effect"
import { randomInt } from "node:crypto"
import { Secret, TOTP } from "otpauth"
import QRCode from "qrcode"
import { digest } from "../auth/Tokens.js"

const PERIOD = 30
const WINDOW = 1

export const newTotpSecret = (): Redacted.Redacted<string> => Redacted.make(new Secret({ size: 20 }).base32)

const totp = (secret: Redacted.Redacted<string>, issuer: string, label: string) =>
  new TOTP({ issuer, label, secret: Secret.fromBase32(Redacted.value(secret)), algorithm: "SHA1", digits: 6, period: PERIOD })

export const otpauthUrl = (secret: Redacted.Redacted<string>, issuer: string, label: string): Redacted.Redacted<string> =>
  Redacted.make(totp(secret, issuer, label).toString())

export const qrCodeDataUrl = (url: Redacted.Redacted<string>): Promise<string> =>
  QRCode.toString(Redacted.value(url), { type: "svg", margin: 1 }).then(
    (svg) => `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`
  )

/** The time step `code` was generated for, if it is within the window around `now`. */
export const totpStep = (secret: Redacted.Redacted<string>, code: string, now: number): Option.Option<number> => {
  if (!/^\d{6}$/.test(code)) return Option.none()
  const delta = totp(secret, "", "").validate({ token: code, timestamp: now, window: WINDOW })
  return delta === null ? Option.none() : Option.some(TOTP.counter({ period: PERIOD, timestamp: now }) + delta)
}

export const BACKUP_CODE_COUNT = 10
// No 0/o, 1/l/i: codes are read off paper.
const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

/** `xxxxx-xxxxx`: 10 characters of a 31-letter alphabet, about 50 bits. */
export const newBackupCodes = (): ReadonlyArray<string> =>
  Array.from({ length: BACKUP_CODE_COUNT }, () => {
    const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)] ?? "a").join("")
    return `${chars.slice(0, 5)}-${chars.slice(5)}`
  })

/**
 * What is stored: sha-256 of the user id and the normalised code (case, dashes and spaces ignored).
 * The codes are random, so a fast digest suffices, and the user id keeps equal codes of two users apart.
 */
export const backupCodeHash = (userId: string, code: string): string =>
  digest(`${userId}:${code.toLowerCase().replace(/[\s-]/g, "")}`)
