import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Schema } from "effect"
import { eventually } from "@mediaserver/testkit/Poll"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"
import { account, read, request, twoNodes, sansRequestId } from "@mediaserver/testkit/Http"

const Created = Schema.Struct({ secret: Schema.String, key: Schema.Struct({ id: Schema.String, prefix: Schema.String }) })

const createKey = (url: string, token: string, scopes: ReadonlyArray<string>, name = "key") =>
  Effect.flatMap(request(url, "POST", "/api/v1/apikeys", { auth: { token }, body: { name, scopes } }), read(Created))

describe("API keys", () => {
  it.scopedLive("create (secret shown once), list, get, use, scopes enforced, revoke", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      yield* account(url, "admin")
      const user = yield* account(url, "mallory")

      const created = yield* request(url, "POST", "/api/v1/apikeys", { auth: user.auth, body: { name: "tv", scopes: ["read"] } })
      expect(created.status).toBe(201)
      const readKey = yield* read(Created)(created)
      expect(readKey.secret).toMatch(/^msk_[0-9a-f]{12}_/)
      expect(readKey.secret.startsWith(readKey.key.prefix)).toBe(true)

      const listed = yield* request(url, "GET", "/api/v1/apikeys", { auth: user.auth })
      expect(listed.body).toMatchObject([{ id: readKey.key.id, name: "tv", scopes: ["read"] }])
      expect(JSON.stringify(listed.body)).not.toContain(readKey.secret)
      expect((yield* request(url, "GET", `/api/v1/apikeys/${readKey.key.id}`, { auth: user.auth })).status).toBe(200)

      // Both ways of sending a key work for reads.
      const viaHeader = yield* request(url, "GET", "/api/v1/users/me", { auth: { apiKey: readKey.secret } })
      expect(viaHeader.body).toMatchObject({ username: "mallory" })
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: { token: readKey.secret } })).status).toBe(200)

      // A read key is refused on writes.
      const write = yield* request(url, "PUT", "/api/v1/users/me", { auth: { apiKey: readKey.secret }, body: { displayName: "M" } })
      expect(write.status).toBe(403)
      expect(write.body).toMatchObject({ code: "Forbidden", message: "This operation needs the 'write' scope" })
      expect((yield* request(url, "POST", "/api/v1/apikeys", { auth: { apiKey: readKey.secret }, body: { name: "x", scopes: ["read"] } })).status).toBe(403)

      const writeKey = yield* createKey(url, user.accessToken, ["write"])
      const updated = yield* request(url, "PUT", "/api/v1/users/me", { auth: { apiKey: writeKey.secret }, body: { displayName: "M" } })
      expect(updated.status).toBe(200)
      expect(updated.body).toMatchObject({ displayName: "M" })
      // A key cannot mint a key with more than it holds.
      expect((yield* request(url, "POST", "/api/v1/apikeys", { auth: { apiKey: writeKey.secret }, body: { name: "x", scopes: ["admin"] } })).status).toBe(403)
      // A non-admin user cannot mint an admin-scoped key at all (AccountLimits.test.ts).
      expect((yield* request(url, "POST", "/api/v1/apikeys", { auth: user.auth, body: { name: "x", scopes: ["admin"] } })).status).toBe(403)

      // Garbage and wrong secrets are 401 with the same message.
      const wrongSecret = `${readKey.key.prefix}_${"A".repeat(43)}`
      const bad = yield* request(url, "GET", "/api/v1/users/me", { auth: { apiKey: wrongSecret } })
      const garbage = yield* request(url, "GET", "/api/v1/users/me", { auth: { apiKey: "nope" } })
      expect(bad.status).toBe(401)
      expect(sansRequestId(bad.body)).toEqual(sansRequestId(garbage.body))

      expect((yield* request(url, "DELETE", `/api/v1/apikeys/${readKey.key.id}`, { auth: user.auth })).status).toBe(204)
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: { apiKey: readKey.secret } })).status).toBe(401)
      expect((yield* request(url, "GET", `/api/v1/apikeys/${readKey.key.id}`, { auth: user.auth })).status).toBe(404)
      expect((yield* request(url, "DELETE", `/api/v1/apikeys/${readKey.key.id}`, { auth: user.auth })).status).toBe(404)
    }))

  it.scopedLive("a revoked key is refused on another node within a second", () =>
    Effect.gen(function* () {
      const { a, b } = yield* twoNodes()
      const owner = yield* account(a, "nina")
      const key = yield* createKey(a, owner.accessToken, ["read"])
      const onB = Effect.map(request(b, "GET", "/api/v1/users/me", { auth: { apiKey: key.secret } }), (r) => r.status)
      expect(yield* onB).toBe(200)
      expect(yield* onB).toBe(200)
      expect((yield* request(a, "DELETE", `/api/v1/apikeys/${key.key.id}`, { auth: owner.auth })).status).toBe(204)
      yield* eventually(onB, (status) => status === 401, {
        what: "node B to refuse the revoked key",
        timeout: Duration.seconds(1),
        interval: Duration.millis(10)
      })
    }))
})
