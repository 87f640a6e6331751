/** Helpers of the MFA tests: TOTP codes at a given time, setting TOTP up, the two login steps. */
import { Effect, Schema } from "effect"
import { Secret, TOTP } from "otpauth"
import { type Auth, PASSWORD, read, readTokens, request } from "@mediaserver/testkit/Http"
import { fixedClock } from "@mediaserver/testkit/FixedClock"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"

/**
 * The time codes are made and checked at, fixed for the whole file: with the real clock a 30 s step
 * boundary passing between making a code and the server checking it changes the answer.
 */
const NOW = Date.now()

/** A server (fresh database) whose TOTP checks see NOW, the time `codeAt` makes codes for. */
export const startMfaServer = (env: Record<string, string> = {}) => Effect.withClock(startServerWithDatabase(env), fixedClock(NOW))

export const codeAt = (secret: string, offsetSeconds: number) =>
  TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: NOW + offsetSeconds * 1000 })

/**
 * The code of this moment on the real clock, for servers that do not run on NOW. (NOW is fixed when
 * this module loads, and test files share loaded modules: for another file it may be minutes old.)
 */
export const codeNow = (secret: string) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() })

const Setup = Schema.Struct({ secret: Schema.String, otpauthUrl: Schema.String, qrCode: Schema.String })
export const readSetup = read(Setup)

/** Sets TOTP up and verifies it with the current code; returns the secret. */
export const enableTotp = (url: string, auth: Auth) =>
  Effect.gen(function* () {
    const setup = yield* readSetup(yield* request(url, "POST", "/api/v1/mfa/totp/setup", { auth }))
    const verified = yield* request(url, "POST", "/api/v1/mfa/totp/verify", { auth, body: { code: codeAt(setup.secret, 0) } })
    if (verified.status !== 200) return yield* Effect.dieMessage(`verify: ${verified.status} ${JSON.stringify(verified.body)}`)
    return setup.secret
  })

const Challenge = Schema.Struct({ mfaRequired: Schema.Literal(true), mfaToken: Schema.String, methods: Schema.Array(Schema.String), expiresIn: Schema.Number })
export const readChallenge = read(Challenge)

/** The first step: a correct password on an account with MFA answers a challenge. */
export const passwordStep = (url: string, username: string) =>
  Effect.flatMap(request(url, "POST", "/api/v1/auth/login", { body: { username, password: PASSWORD } }), readChallenge)

export const codeStep = (url: string, mfaToken: string, code: string) =>
  request(url, "POST", "/api/v1/mfa/login", { body: { mfaToken, code } })

export const Status = Schema.Struct({
  userId: Schema.String,
  enabled: Schema.Boolean,
  totp: Schema.Boolean,
  backupCodesRemaining: Schema.Number,
  webauthnCredentials: Schema.Number
})
export const status = (url: string, auth: Auth, userId?: string) =>
  Effect.flatMap(request(url, "GET", `/api/v1/mfa/status${userId === undefined ? "" : `?userId=${userId}`}`, { auth }), read(Status))

export { readTokens }
