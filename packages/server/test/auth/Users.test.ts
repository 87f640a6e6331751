import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"
import { account, read, request } from "@mediaserver/testkit/Http"

const Created = Schema.Struct({ secret: Schema.String })

describe("users", () => {
  it.scopedLive("admin-only operations: 401 anonymous, 403 user, allowed to the admin", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const admin = yield* account(url, "olivia")
      const user = yield* account(url, "peggy")
      const operations = [
        ["GET", "/api/v1/admin/users"],
        ["DELETE", `/api/v1/admin/users/${admin.user.id}`]
      ] as const
      for (const [method, path] of operations) {
        const anonymous = yield* request(url, method, path)
        expect(anonymous.status, `${method} ${path} anonymous`).toBe(401)
        expect(anonymous.body).toMatchObject({ code: "Unauthorized" })
        const forbidden = yield* request(url, method, path, { auth: user.auth })
        expect(forbidden.status, `${method} ${path} as user`).toBe(403)
        expect(forbidden.body).toMatchObject({ code: "Forbidden", message: "This operation needs the admin role" })
      }
      const page = yield* request(url, "GET", "/api/v1/admin/users?page=1&pageSize=1", { auth: admin.auth })
      expect(page.status).toBe(200)
      expect(page.body).toMatchObject({ page: 1, pageSize: 1, total: 2, items: [{ username: "olivia" }] })
      const second = yield* request(url, "GET", "/api/v1/admin/users?page=2&pageSize=1", { auth: admin.auth })
      expect(second.body).toMatchObject({ items: [{ username: "peggy" }] })
      // limit/offset, as every list pages; the answer states its window in both forms.
      const byOffset = yield* request(url, "GET", "/api/v1/admin/users?limit=1&offset=1", { auth: admin.auth })
      expect(byOffset.body).toMatchObject({ limit: 1, offset: 1, page: 2, pageSize: 1, total: 2, items: [{ username: "peggy" }] })
      // The admin's read-only key is not enough for admin operations.
      const readKey = yield* Effect.flatMap(
        request(url, "POST", "/api/v1/apikeys", { auth: admin.auth, body: { name: "ro", scopes: ["read"] } }),
        read(Created)
      )
      expect((yield* request(url, "GET", "/api/v1/admin/users", { auth: { apiKey: readKey.secret } })).status).toBe(403)
    }))

  it.scopedLive("deleting a user ends their sessions and keys; the last admin cannot be deleted", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const admin = yield* account(url, "quinn")
      const user = yield* account(url, "rupert")
      const key = yield* Effect.flatMap(
        request(url, "POST", "/api/v1/apikeys", { auth: user.auth, body: { name: "k", scopes: ["read"] } }),
        read(Created)
      )
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: { apiKey: key.secret } })).status).toBe(200)
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: user.auth })).status).toBe(200)

      expect((yield* request(url, "DELETE", `/api/v1/admin/users/${user.user.id}`, { auth: admin.auth })).status).toBe(204)
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: user.auth })).status).toBe(401)
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: { apiKey: key.secret } })).status).toBe(401)
      expect((yield* request(url, "DELETE", `/api/v1/admin/users/${user.user.id}`, { auth: admin.auth })).status).toBe(404)

      const last = yield* request(url, "DELETE", `/api/v1/admin/users/${admin.user.id}`, { auth: admin.auth })
      expect(last.status).toBe(409)
      // Not through the admin API at all: an admin does not delete themselves by accident.
      expect(last.body).toMatchObject({ code: "Conflict", message: "You cannot delete your own account through the admin API" })
    }))

  it.scopedLive("me: get and update; user by id for self and admin only", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const admin = yield* account(url, "sybil")
      const user = yield* account(url, "trent")
      const updated = yield* request(url, "PUT", "/api/v1/users/me", { auth: user.auth, body: { email: "trent@new.test", displayName: "Trent" } })
      expect(updated.body).toMatchObject({ email: "trent@new.test", displayName: "Trent" })
      const taken = yield* request(url, "PUT", "/api/v1/users/me", { auth: user.auth, body: { email: "SYBIL@example.test" } })
      expect(taken.status).toBe(409)
      expect(taken.body).toMatchObject({ details: { field: "email" } })

      expect((yield* request(url, "GET", `/api/v1/users/${user.user.id}`, { auth: user.auth })).status).toBe(200)
      expect((yield* request(url, "GET", `/api/v1/users/${admin.user.id}`, { auth: user.auth })).status).toBe(403)
      expect((yield* request(url, "GET", `/api/v1/users/${user.user.id}`, { auth: admin.auth })).body).toMatchObject({ username: "trent" })
    }))
})
