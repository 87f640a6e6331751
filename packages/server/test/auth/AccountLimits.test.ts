/** Bounds on what one account holds: API keys (count, and scopes within the owner's reach) and sessions. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
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
})
