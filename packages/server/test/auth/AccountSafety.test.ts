/**
 * Account safeguards beyond the login, on one server: strict limits on second-factor steps (per
 * address, per account), the general per-client limit, second factors removed together, and user
 * administration (disable/enable, search and role filter, deleting an assigned role).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { account, login, PASSWORD, read, request } from "@mediaserver/testkit/Http"
import { codeStep, enableTotp, passwordStep, startMfaServer, status } from "../mfa/Mfa.js"

const STRICT = 4
const GENERAL = 150

const from = (address: string) => ({ "x-forwarded-for": address })
const names = (body: unknown) =>
  Schema.decodeUnknownSync(Schema.Struct({ items: Schema.Array(Schema.Struct({ username: Schema.String })) }))(body).items.map((u) => u.username)

describe("account safety", () => {
  it.scopedLive("second-factor limits, general limit, factors removed together, disable/enable, user search, assigned roles", () =>
    Effect.gen(function* () {
      // 127.0.0.1 is our proxy: a test can speak for other client addresses through X-Forwarded-For.
      const { url } = yield* startMfaServer({ AUTH_STRICT_MAX: String(STRICT), HTTP_RATE_LIMIT: String(GENERAL), AUTH_TRUSTED_PROXIES: "127.0.0.1" })
      const admin = yield* account(url, "root") // the first account is the admin

      // --- Second-factor steps: strict per client address (before the account's lockout of 5 failures).
      const mallory = yield* account(url, "mallory")
      yield* enableTotp(url, mallory.auth)
      const challenge = yield* passwordStep(url, "mallory")
      const codes = []
      for (let i = 0; i <= STRICT; i++) codes.push(yield* codeStep(url, challenge.mfaToken, `00000${i}`))
      expect(codes.slice(0, STRICT).map((r) => r.status)).toEqual(Array(STRICT).fill(401))
      expect(codes[STRICT]?.status).toBe(429)
      expect(Number(codes[STRICT]?.headers["retry-after"])).toBeGreaterThan(0)
      // WebAuthn steps: strict per account too, from however many addresses.
      const begins = []
      for (let i = 0; i <= STRICT; i++) {
        begins.push(yield* request(url, "POST", "/api/v1/mfa/webauthn/login/begin", { body: { mfaToken: challenge.mfaToken }, headers: from(`198.51.100.${i + 1}`) }))
      }
      expect(begins.slice(0, STRICT).map((r) => r.status)).toEqual(Array(STRICT).fill(401))
      expect(begins[STRICT]?.status).toBe(429)
      expect(Number(begins[STRICT]?.headers["retry-after"])).toBeGreaterThan(0)

      // --- Removing TOTP, the last factor, removes the backup codes; remove-all takes every factor with the password.
      const nina = yield* account(url, "nina")
      yield* enableTotp(url, nina.auth)
      expect((yield* request(url, "POST", "/api/v1/mfa/backup-codes/generate", { auth: nina.auth })).status).toBe(200)
      expect((yield* status(url, nina.auth)).backupCodesRemaining).toBe(10)
      expect((yield* request(url, "DELETE", "/api/v1/mfa/totp", { auth: nina.auth, body: { password: PASSWORD } })).status).toBe(204)
      expect(yield* status(url, nina.auth)).toMatchObject({ enabled: false, totp: false, backupCodesRemaining: 0 })

      const olga = yield* account(url, "olga")
      yield* enableTotp(url, olga.auth)
      yield* request(url, "POST", "/api/v1/mfa/backup-codes/generate", { auth: olga.auth })
      const wrong = yield* request(url, "POST", "/api/v1/mfa/remove-all", { auth: olga.auth, body: { password: "not the password" } })
      expect(wrong.status).toBe(422)
      expect(wrong.body).toMatchObject({ details: { field: "password" } })
      const cleared = yield* request(url, "POST", "/api/v1/mfa/remove-all", { auth: olga.auth, body: { password: PASSWORD } })
      expect(cleared.status).toBe(200)
      expect(cleared.body).toMatchObject({ enabled: false, totp: false, backupCodesRemaining: 0, webauthnCredentials: 0 })
      yield* login(url, "olga") // the password alone signs in again

      // --- Disable: no sign-in, sessions and keys refused at once; enable: keys work again, sign-in too.
      const pat = yield* account(url, "pat")
      const key = yield* Effect.flatMap(
        request(url, "POST", "/api/v1/apikeys", { auth: pat.auth, body: { name: "script", scopes: ["read"] } }),
        read(Schema.Struct({ key: Schema.Struct({ id: Schema.String }), secret: Schema.String }))
      )
      const asKey = { apiKey: key.secret }
      // Both credentials are cached (and the roles behind them) before the account is disabled.
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: asKey })).status).toBe(200)
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: pat.auth })).status).toBe(200)
      expect((yield* request(url, "POST", `/api/v1/admin/users/${admin.user.id}/disable`, { auth: admin.auth })).status).toBe(409)
      expect((yield* request(url, "POST", `/api/v1/admin/users/${pat.user.id}/disable`, { auth: pat.auth })).status).toBe(403)
      const disabled = yield* request(url, "POST", `/api/v1/admin/users/${pat.user.id}/disable`, { auth: admin.auth })
      expect(disabled.status).toBe(200)
      expect(disabled.body).toMatchObject({ username: "pat", disabled: true })
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: pat.auth })).status).toBe(401)
      const refusedKey = yield* request(url, "GET", "/api/v1/users/me", { auth: asKey })
      expect(refusedKey.status).toBe(401)
      expect(refusedKey.body).toMatchObject({ details: { reason: "account_disabled" } })
      const refusedLogin = yield* request(url, "POST", "/api/v1/auth/login", { body: { username: "pat", password: PASSWORD } })
      expect(refusedLogin.status).toBe(403)
      expect(refusedLogin.body).toMatchObject({ details: { reason: "account_disabled" } })
      expect((yield* request(url, "POST", `/api/v1/admin/users/${pat.user.id}/enable`, { auth: admin.auth })).body).toMatchObject({ disabled: false })
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: asKey })).status).toBe(200)
      yield* login(url, "pat")

      // --- The user list: search by name or email (any case), filter by built-in or custom role.
      const list = (query: string) => request(url, "GET", `/api/v1/admin/users?${query}`, { auth: admin.auth })
      expect(names((yield* list("search=PA")).body)).toEqual(["pat"])
      expect(names((yield* list("search=olga%40example")).body)).toEqual(["olga"])
      expect(names((yield* list("search=%25")).body)).toEqual([]) // wildcards are literal
      expect(names((yield* list("role=admin")).body)).toEqual(["root"])
      expect((yield* request(url, "POST", "/api/v1/rbac/roles", { auth: admin.auth, body: { name: "editors", description: "", permissions: ["media:write"] } })).status).toBe(201)
      expect((yield* request(url, "POST", `/api/v1/rbac/users/${nina.user.id}/roles`, { auth: admin.auth, body: { role: "editors" } })).status).toBe(200)
      expect(names((yield* list("role=editors")).body)).toEqual(["nina"])

      // --- Deleting a role still assigned: 409, unless asked to take it from its users.
      const refused = yield* request(url, "DELETE", "/api/v1/rbac/roles/editors", { auth: admin.auth })
      expect(refused.status).toBe(409)
      expect(refused.body).toMatchObject({ details: { field: "unassign", users: 1 } })
      expect((yield* request(url, "DELETE", "/api/v1/rbac/roles/editors?unassign=true", { auth: admin.auth })).status).toBe(204)
      expect(names((yield* list("role=editors")).body)).toEqual([])
      expect((yield* request(url, "GET", `/api/v1/rbac/users/${nina.user.id}/roles`, { auth: admin.auth })).body).toMatchObject({ roles: ["user"] })

      // --- The general limit: GENERAL requests per client address per window, then 429; probes never.
      const burst = []
      for (let i = 0; i <= GENERAL; i++) burst.push((yield* request(url, "GET", "/api/v1/system/info", { headers: from("203.0.113.7") })))
      expect(burst.slice(0, GENERAL).every((r) => r.status !== 429)).toBe(true)
      expect(burst[GENERAL]?.status).toBe(429)
      expect(Number(burst[GENERAL]?.headers["retry-after"])).toBeGreaterThan(0)
      expect((yield* request(url, "GET", "/healthz", { headers: from("203.0.113.7") })).status).toBe(200)
      // Another client is not held back.
      expect((yield* request(url, "GET", "/api/v1/system/info", { headers: from("203.0.113.8") })).status).not.toBe(429)
    }))
})
