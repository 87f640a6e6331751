import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Schema } from "effect"
import { eventually } from "@mediaserver/testkit/Poll"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"
import { account, login, read, readTokens, request, twoNodes } from "@mediaserver/testkit/Http"

const SessionList = Schema.Array(Schema.Struct({ id: Schema.String, current: Schema.Boolean }))
const Created = Schema.Struct({ secret: Schema.String })

describe("sessions", () => {
  it.scopedLive("list, revoke one, revoke all except current (which keeps working), revoke all", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const laptop = yield* account(url, "ivan")
      const phone = yield* login(url, "ivan")
      const tablet = yield* login(url, "ivan")
      const me = (token: string) => Effect.map(request(url, "GET", "/api/v1/users/me", { auth: { token } }), (r) => r.status)

      const listed = yield* Effect.flatMap(request(url, "GET", "/api/v1/sessions", { auth: laptop.auth }), read(SessionList))
      expect(listed).toHaveLength(3)
      expect(listed.filter((s) => s.current).map((s) => s.id)).toEqual([laptop.sessionId])
      const current = yield* request(url, "GET", "/api/v1/sessions/current", { auth: laptop.auth })
      expect(current.body).toMatchObject({ id: laptop.sessionId, current: true, userAgent: expect.any(String), ip: expect.any(String) })

      expect((yield* request(url, "DELETE", `/api/v1/sessions/${phone.sessionId}`, { auth: laptop.auth })).status).toBe(204)
      expect(yield* me(phone.accessToken)).toBe(401)
      expect((yield* request(url, "DELETE", `/api/v1/sessions/${phone.sessionId}`, { auth: laptop.auth })).status).toBe(404)

      // Someone else's session is not found, not revoked.
      const other = yield* account(url, "judy")
      expect((yield* request(url, "DELETE", `/api/v1/sessions/${other.sessionId}`, { auth: laptop.auth })).status).toBe(404)
      expect(yield* me(other.accessToken)).toBe(200)

      const kept = yield* request(url, "DELETE", "/api/v1/sessions?keepCurrent=true", { auth: laptop.auth })
      expect(kept.status).toBe(204)
      expect(yield* me(tablet.accessToken)).toBe(401)
      expect(yield* me(laptop.accessToken)).toBe(200)
      expect((yield* request(url, "POST", "/api/v1/auth/refresh", { body: { refreshToken: tablet.refreshToken } })).status).toBe(401)

      expect((yield* request(url, "DELETE", "/api/v1/sessions", { auth: laptop.auth })).status).toBe(204)
      expect(yield* me(laptop.accessToken)).toBe(401)
    }))

  it.scopedLive("session operations need a session, not an API key", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const user = yield* account(url, "ken")
      const key = yield* Effect.flatMap(
        request(url, "POST", "/api/v1/apikeys", { auth: user.auth, body: { name: "k", scopes: ["write"] } }),
        read(Created)
      )
      const res = yield* request(url, "GET", "/api/v1/sessions", { auth: { apiKey: key.secret } })
      expect(res.status).toBe(403)
      expect((yield* request(url, "POST", "/api/v1/auth/logout", { auth: { apiKey: key.secret } })).status).toBe(403)
    }))

  it.scopedLive("a refreshed session's old access token is refused on a second node sharing Postgres and Redis", () =>
    Effect.gen(function* () {
      const { a, b } = yield* twoNodes()
      const first = yield* account(a, "leo")
      const onB = (token: string) => Effect.map(request(b, "GET", "/api/v1/users/me", { auth: { token } }), (r) => r.status)
      // B has the session in its L1 now.
      expect(yield* onB(first.accessToken)).toBe(200)
      expect(yield* onB(first.accessToken)).toBe(200)

      const refreshed = yield* Effect.flatMap(
        request(a, "POST", "/api/v1/auth/refresh", { body: { refreshToken: first.refreshToken } }),
        readTokens
      )
      // Generous deadline: that B refuses it at all is the behaviour; how soon is the cache bench's figure.
      yield* eventually(onB(first.accessToken), (status) => status === 401, {
        what: "node B to refuse the old access token",
        timeout: Duration.seconds(10),
        interval: Duration.millis(10)
      })
      expect(yield* onB(refreshed.accessToken)).toBe(200)

      // Revoke-all-except on B reaches A as well, and the current session keeps working on both.
      const other = yield* login(a, "leo")
      const onA = (token: string) => Effect.map(request(a, "GET", "/api/v1/users/me", { auth: { token } }), (r) => r.status)
      expect(yield* onA(other.accessToken)).toBe(200)
      yield* request(b, "DELETE", "/api/v1/sessions?keepCurrent=true", { auth: { token: refreshed.accessToken } })
      yield* eventually(onA(other.accessToken), (status) => status === 401, {
        what: "node A to refuse the revoked session",
        timeout: Duration.seconds(10),
        interval: Duration.millis(10)
      })
      expect(yield* onA(refreshed.accessToken)).toBe(200)
    }))
})
