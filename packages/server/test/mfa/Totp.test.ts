import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { account, PASSWORD, read, readTokens, request } from "@mediaserver/testkit/Http"
import { codeAt, codeStep, enableTotp, passwordStep, readSetup, startMfaServer, status } from "./Mfa.js"

describe("TOTP", () => {
  it.scopedLive("setup gives a secret, otpauth URL and QR code; a wrong code does not enable it; the right one does", () =>
    Effect.gen(function* () {
      const { url } = yield* startMfaServer()
      const alice = yield* account(url, "alice")
      const setup = yield* readSetup(yield* request(url, "POST", "/api/v1/mfa/totp/setup", { auth: alice.auth }))
      expect(setup.secret).toMatch(/^[A-Z2-7]{32}$/)
      expect(setup.otpauthUrl).toMatch(/^otpauth:\/\/totp\/.*alice\?.*secret=/)
      expect(setup.qrCode).toMatch(/^data:image\/svg\+xml;base64,/)
      expect(Buffer.from(setup.qrCode.split(",")[1] ?? "", "base64").toString()).toContain("<svg")

      const wrong = yield* request(url, "POST", "/api/v1/mfa/totp/verify", { auth: alice.auth, body: { code: codeAt(setup.secret, -120) } })
      expect(wrong.status).toBe(422)
      expect(wrong.body).toMatchObject({ code: "Unprocessable", details: { field: "code" } })
      expect((yield* status(url, alice.auth)).enabled).toBe(false)
      // Not 6 digits: the request itself is bad, naming the field.
      const malformed = yield* request(url, "POST", "/api/v1/mfa/totp/verify", { auth: alice.auth, body: { code: "12ab" } })
      expect(malformed.status).toBe(400)
      expect(JSON.stringify(malformed.body)).toContain("code")

      const ok = yield* request(url, "POST", "/api/v1/mfa/totp/verify", { auth: alice.auth, body: { code: codeAt(setup.secret, 0) } })
      expect(ok.status).toBe(200)
      expect(ok.body).toMatchObject({ enabled: true, totp: true })
      // A second setup while one is active is a conflict.
      expect((yield* request(url, "POST", "/api/v1/mfa/totp/setup", { auth: alice.auth })).status).toBe(409)
    }))

  it.scopedLive("login needs the code: +-1 step accepted, each step once, older and far steps refused", () =>
    Effect.gen(function* () {
      const { url } = yield* startMfaServer()
      const bob = yield* account(url, "bob")
      const secret = yield* enableTotp(url, bob.auth)

      const first = yield* passwordStep(url, "bob")
      expect(first.methods).toEqual(["totp"])
      expect(first.expiresIn).toBe(300)
      // The code that enabled TOTP (this step) and the step before it were used: replays.
      expect((yield* codeStep(url, first.mfaToken, codeAt(secret, 0))).status).toBe(401)
      expect((yield* codeStep(url, first.mfaToken, codeAt(secret, -30))).status).toBe(401)
      // Three steps away is outside the window.
      expect((yield* codeStep(url, first.mfaToken, codeAt(secret, 90))).status).toBe(401)
      // The next step is inside the window (+1) and unused: a session.
      const next = codeAt(secret, 30)
      const tokens = yield* readTokens(yield* codeStep(url, first.mfaToken, next))
      expect(tokens.user.id).toBe(bob.user.id)
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: { token: tokens.accessToken } })).status).toBe(200)
      // The MFA token is used up, and the same code does not work for a new login either.
      expect((yield* codeStep(url, first.mfaToken, codeAt(secret, 60))).status).toBe(401)
      const second = yield* passwordStep(url, "bob")
      const replay = yield* codeStep(url, second.mfaToken, next)
      expect(replay.status).toBe(401)
      expect(replay.body).toMatchObject({ code: "Unauthorized", details: { field: "code" } })
      // A refused code leaves the MFA token usable: a backup code completes the login.
      const backup = yield* request(url, "POST", "/api/v1/mfa/backup-codes/generate", { auth: bob.auth })
      const codes = (yield* read(Schema.Struct({ codes: Schema.Array(Schema.String) }))(backup)).codes
      expect((yield* codeStep(url, second.mfaToken, codes[0] ?? "")).status).toBe(200)
    }))

  it.scopedLive("wrong codes are rate limited (429 with Retry-After), even the right one after", () =>
    Effect.gen(function* () {
      const { url } = yield* startMfaServer({ AUTH_LOGIN_MAX_ATTEMPTS: "3" })
      const carol = yield* account(url, "carol")
      const secret = yield* enableTotp(url, carol.auth)
      const challenge = yield* passwordStep(url, "carol")
      const statuses = yield* Effect.forEach(["000000", "111111", "222222"], (code) =>
        Effect.map(codeStep(url, challenge.mfaToken, code), (r) => r.status))
      expect(statuses).toEqual([401, 401, 401])
      const limited = yield* codeStep(url, challenge.mfaToken, codeAt(secret, 30))
      expect(limited.status).toBe(429)
      expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0)
    }))

  it.scopedLive("delete and disable need a code or the password; then the password alone signs in", () =>
    Effect.gen(function* () {
      const { url } = yield* startMfaServer()
      const admin = yield* account(url, "dora")
      const erin = yield* account(url, "erin")
      yield* enableTotp(url, erin.auth)
      // Admins see whether a user has MFA; users only their own.
      expect((yield* status(url, admin.auth, erin.user.id)).enabled).toBe(true)
      expect((yield* request(url, "GET", `/api/v1/mfa/status?userId=${admin.user.id}`, { auth: erin.auth })).status).toBe(403)

      const none = yield* request(url, "POST", "/api/v1/mfa/disable", { auth: erin.auth, body: {} })
      expect(none.status).toBe(422)
      const wrongPassword = yield* request(url, "POST", "/api/v1/mfa/disable", { auth: erin.auth, body: { password: "not it at all" } })
      expect(wrongPassword.body).toMatchObject({ code: "Unprocessable", details: { field: "password" } })
      const off = yield* request(url, "POST", "/api/v1/mfa/disable", { auth: erin.auth, body: { password: PASSWORD } })
      expect(off.body).toMatchObject({ enabled: false, totp: true })
      yield* readTokens(yield* request(url, "POST", "/api/v1/auth/login", { body: { username: "erin", password: PASSWORD } }))

      expect((yield* request(url, "POST", "/api/v1/mfa/enable", { auth: erin.auth })).body).toMatchObject({ enabled: true })
      yield* passwordStep(url, "erin")
      const removed = yield* request(url, "DELETE", "/api/v1/mfa/totp", { auth: erin.auth, body: { password: PASSWORD } })
      expect(removed.status).toBe(204)
      expect((yield* request(url, "GET", "/api/v1/mfa/status", { auth: erin.auth })).body).toMatchObject({ enabled: false, totp: false })
      expect((yield* request(url, "POST", "/api/v1/mfa/enable", { auth: erin.auth })).status).toBe(409)
    }))
})
