/** Bounds on what one account holds: API keys (count, and scopes within the owner's reach) and sessions. */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { eventually } from "@mediaserver/testkit/Poll"
import { smtpSink } from "@mediaserver/testkit/SmtpSink"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"
import { account, login, request } from "@mediaserver/testkit/Http"

describe("account limits", () => {
  it.scopedLive("API keys: at most AUTH_API_KEYS_PER_USER, scopes never beyond the owner's", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase({ AUTH_API_KEYS_PER_USER: "2" })
      const admin = yield* account(url, "admin")
      const user = yield* account(url, "plain")

      // A plain user cannot mint an admin key; the admin can.
      const escalate = yield* request(url, "POST", "/api/v1/apikeys", { auth: user.auth, body: { name: "x", scopes: ["admin"] } })
      expect(escalate.status).toBe(403)
      expect((yield* request(url, "POST", "/api/v1/apikeys", { auth: admin.auth, body: { name: "ops", scopes: ["admin"] } })).status).toBe(201)

      const make = (name: string) => request(url, "POST", "/api/v1/apikeys", { auth: user.auth, body: { name, scopes: ["read", "write"] } })
      expect((yield* make("one")).status).toBe(201)
      const second = yield* make("two")
      expect(second.status).toBe(201)
      const third = yield* make("three")
      expect(third.status).toBe(409)
      expect(third.body).toMatchObject({ code: "Conflict" })
      // Revoking one makes room again.
      const body = second.body
      const id = typeof body === "object" && body !== null && "key" in body && typeof body.key === "object" && body.key !== null && "id" in body.key ? String(body.key.id) : ""
      expect((yield* request(url, "DELETE", `/api/v1/apikeys/${id}`, { auth: user.auth })).status).toBe(204)
      expect((yield* make("three")).status).toBe(201)
    }))

  it.scopedLive("sessions: at most AUTH_SESSIONS_PER_USER, a new login ends the oldest at once", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase({ AUTH_SESSIONS_PER_USER: "2" })
      const first = yield* account(url, "traveller")
      const me = (token: string) => Effect.map(request(url, "GET", "/api/v1/users/me", { auth: { token } }), (res) => res.status)
      expect(yield* me(first.accessToken)).toBe(200)
      const second = yield* login(url, "traveller")
      expect(yield* me(first.accessToken)).toBe(200)
      const third = yield* login(url, "traveller")
      expect(yield* me(first.accessToken)).toBe(401)
      expect(yield* me(second.accessToken)).toBe(200)
      expect(yield* me(third.accessToken)).toBe(200)
      const sessions = yield* request(url, "GET", "/api/v1/sessions", { auth: { token: third.accessToken } })
      expect(Array.isArray(sessions.body) ? sessions.body.length : -1).toBe(2)
    }))

  it.scopedLive("forgot-password: one mail per address per interval, then 429 with Retry-After; strict per-address limits", () =>
    Effect.gen(function* () {
      const smtp = yield* smtpSink
      const { url } = yield* startServerWithDatabase({ ...smtp.env, AUTH_STRICT_MAX: "12" })
      yield* account(url, "forgetful")
      const forgot = (email: string) => request(url, "POST", "/api/v1/auth/forgot-password", { body: { email } })
      const answers = []
      for (let i = 0; i < 10; i++) answers.push(yield* forgot("forgetful@example.test"))
      expect(answers[0]?.status).toBe(202)
      for (const later of answers.slice(1)) {
        expect(later.status).toBe(429)
        expect(Number(later.headers["retry-after"])).toBeGreaterThan(0)
      }
      // An address nobody has is limited the same way (a 429 tells nothing about who exists).
      expect((yield* forgot("nobody@example.test")).status).toBe(202)
      expect((yield* forgot("nobody@example.test")).status).toBe(429)
      yield* eventually(Effect.sync(() => smtp.mails().filter((m) => m.to.includes("forgetful@example.test") && m.raw.includes("Subject: Reset")).length), (n) => n >= 1, {
        what: "the reset mail",
        timeout: Duration.seconds(10)
      })
      expect(smtp.mails().filter((m) => m.to.includes("forgetful@example.test") && m.raw.includes("Subject: Reset"))).toHaveLength(1)
      // Token checks are limited per client address.
      const tries = []
      for (let i = 0; i < 13; i++) tries.push((yield* request(url, "POST", "/api/v1/auth/verify-email", { body: { token: "mse_nope" } })).status)
      expect(tries.slice(0, 12).every((status) => status === 422)).toBe(true)
      expect(tries[12]).toBe(429)
    }))
})
