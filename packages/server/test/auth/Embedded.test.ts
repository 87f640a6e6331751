import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { startServer } from "@mediaserver/testkit/TestServer"
import { account, read, readTokens, request } from "@mediaserver/testkit/Http"

describe("identity on the embedded database", () => {
  it.scopedLive("register, login, refresh, API key and admin list work on PGlite (no Redis)", () =>
    Effect.gen(function* () {
      const dataDir = yield* Effect.acquireRelease(
        Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "ms-auth-embedded-"))),
        (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
      )
      const { url } = yield* startServer({ DATA_DIR: dataDir })
      const admin = yield* account(url, "wendy")
      expect(admin.user.role).toBe("admin")
      const refreshed = yield* request(url, "POST", "/api/v1/auth/refresh", { body: { refreshToken: admin.refreshToken } })
      expect(refreshed.status).toBe(200)
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: admin.auth })).status).toBe(401)
      const token = (yield* readTokens(refreshed)).accessToken
      const key = yield* request(url, "POST", "/api/v1/apikeys", { auth: { token }, body: { name: "k", scopes: ["admin"] } })
      expect(key.status).toBe(201)
      const { secret } = yield* read(Schema.Struct({ secret: Schema.String }))(key)
      const list = yield* request(url, "GET", "/api/v1/admin/users", { auth: { apiKey: secret } })
      expect(list.body).toMatchObject({ total: 1, items: [{ username: "wendy" }] })
    }), 120_000)
})
