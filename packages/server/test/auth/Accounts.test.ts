import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"
import { account, login, PASSWORD, readTokens, register, request, sansRequestId } from "@mediaserver/testkit/Http"

describe("accounts", () => {
  it.scopedLive("register, login (username or email), me, logout; the first account is admin", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const first = yield* register(url, "alice")
      expect(first.status).toBe(201)
      expect(first.body).toMatchObject({ username: "alice", email: "alice@example.test", role: "admin" })
      expect(first.body).not.toHaveProperty("passwordHash")
      expect((yield* register(url, "bob")).body).toMatchObject({ username: "bob", role: "user" })

      const alice = yield* login(url, "alice")
      expect(alice.accessToken).toMatch(/^msa_/)
      expect(alice.refreshToken).toMatch(/^msr_/)
      const me = yield* request(url, "GET", "/api/v1/users/me", { auth: { token: alice.accessToken } })
      expect(me.status).toBe(200)
      expect(me.body).toMatchObject({ username: "alice", role: "admin" })

      expect((yield* request(url, "POST", "/api/v1/auth/logout", { auth: { token: alice.accessToken } })).status).toBe(204)
      const after = yield* request(url, "GET", "/api/v1/users/me", { auth: { token: alice.accessToken } })
      expect(after.status).toBe(401)
      expect(after.body).toMatchObject({ code: "Unauthorized" })
      expect((yield* request(url, "GET", "/api/v1/users/me")).status).toBe(401)

      expect((yield* login(url, "BOB@example.test")).user.role).toBe("user")
    }))

  it.scopedLive("duplicate username or email is 409 naming the field; bad input is 400/422 naming the field", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      expect((yield* register(url, "carol")).status).toBe(201)

      const sameName = yield* request(url, "POST", "/api/v1/auth/register", {
        body: { username: "Carol", email: "other@example.test", password: PASSWORD }
      })
      expect(sameName.status).toBe(409)
      expect(sameName.body).toMatchObject({ code: "Conflict", details: { field: "username" } })
      const sameEmail = yield* request(url, "POST", "/api/v1/auth/register", {
        body: { username: "carol2", email: "CAROL@example.test", password: PASSWORD }
      })
      expect(sameEmail.status).toBe(409)
      expect(sameEmail.body).toMatchObject({ code: "Conflict", details: { field: "email" } })

      const weak = (username: string, password: string) =>
        request(url, "POST", "/api/v1/auth/register", { body: { username, email: `${username}@example.test`, password } })
      for (const [password, reason] of [["short", "too_short"], ["daveydavey", "same_as_username"], ["password123", "too_common"]]) {
        const res = yield* weak("daveydavey", password ?? "")
        expect(res.status).toBe(422)
        expect(res.body).toMatchObject({ code: "Unprocessable", details: { field: "password", reason } })
      }
      const badEmail = yield* request(url, "POST", "/api/v1/auth/register", {
        body: { username: "erin", email: "not-an-email", password: PASSWORD }
      })
      expect(badEmail.status).toBe(400)
      expect(badEmail.body).toMatchObject({ code: "BadRequest", details: { fields: [{ field: "email" }] } })
    }))

  it.scopedLive("wrong password and unknown user get identical 401 bodies", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      yield* register(url, "frank")
      const wrong = yield* request(url, "POST", "/api/v1/auth/login", { body: { username: "frank", password: "wrong password!" } })
      const unknown = yield* request(url, "POST", "/api/v1/auth/login", { body: { username: "nobody", password: "wrong password!" } })
      expect(wrong.status).toBe(401)
      expect(unknown.status).toBe(401)
      expect(sansRequestId(wrong.body)).toEqual(sansRequestId(unknown.body))
      expect(sansRequestId(wrong.body)).toEqual({ code: "Unauthorized", message: "Invalid username or password" })
    }))

  it.scopedLive("refresh rotates both tokens: the old access and refresh tokens are refused at once", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const first = yield* account(url, "grace")
      // Warm the cache with the old token, so refusal cannot come from a cold lookup.
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: first.auth })).status).toBe(200)
      const res = yield* request(url, "POST", "/api/v1/auth/refresh", { body: { refreshToken: first.refreshToken } })
      expect(res.status).toBe(200)
      const next = yield* readTokens(res)
      expect(next.sessionId).toBe(first.sessionId)
      expect(next.accessToken).not.toBe(first.accessToken)
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: first.auth })).status).toBe(401)
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: { token: next.accessToken } })).status).toBe(200)
      const reused = yield* request(url, "POST", "/api/v1/sessions/refresh", { body: { refreshToken: first.refreshToken } })
      expect(reused.status).toBe(401)
      expect((yield* request(url, "POST", "/api/v1/sessions/refresh", { body: { refreshToken: next.refreshToken } })).status).toBe(200)
    }))

  it.scopedLive("change-password checks the current one and the policy, and ends the other sessions", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const here = yield* account(url, "heidi")
      const elsewhere = yield* login(url, "heidi")
      const change = (currentPassword: string, newPassword: string) =>
        request(url, "POST", "/api/v1/auth/change-password", { auth: here.auth, body: { currentPassword, newPassword } })

      const wrongCurrent = yield* change("not my password", "a brand new passphrase")
      expect(wrongCurrent.status).toBe(422)
      expect(wrongCurrent.body).toMatchObject({ details: { field: "currentPassword" } })
      const noCurrent = yield* request(url, "POST", "/api/v1/auth/change-password", { auth: here.auth, body: { newPassword: "a brand new passphrase" } })
      expect(noCurrent.status).toBe(422)
      expect(noCurrent.body).toMatchObject({ details: { field: "currentPassword", reason: "required" } })
      const weak = yield* change(PASSWORD, "heidi")
      expect(weak.status).toBe(422)
      expect(weak.body).toMatchObject({ details: { field: "newPassword", reason: "too_short" } })

      expect((yield* change(PASSWORD, "a brand new passphrase")).status).toBe(204)
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: here.auth })).status).toBe(200)
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: { token: elsewhere.accessToken } })).status).toBe(401)
      expect((yield* request(url, "POST", "/api/v1/auth/login", { body: { username: "heidi", password: PASSWORD } })).status).toBe(401)
      expect((yield* login(url, "heidi", "a brand new passphrase")).user.role).toBe("admin")
    }))

  it.scopedLive("with AUTH_CACHE_ENABLED=false every request is checked in the database (same answers)", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase({ AUTH_CACHE_ENABLED: "false" })
      const ida = yield* account(url, "ida")
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: ida.auth })).body).toMatchObject({ username: "ida", role: "admin" })
      expect((yield* request(url, "POST", "/api/v1/auth/logout", { auth: ida.auth })).status).toBe(204)
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: ida.auth })).status).toBe(401)
    }))
})
