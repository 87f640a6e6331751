import { FetchHttpClient } from "@effect/platform"
import { RpcClient, RpcSerialization } from "@effect/rpc"
import { describe, expect, it } from "@effect/vitest"
import { ProfileRpcs, UserId } from "@mediaserver/domain"
import { Effect, Layer, Schema } from "effect"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { account, read, request } from "@mediaserver/testkit/Http"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4])
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 9, 8, 7])

const upload = (url: string, token: string, contentType: string, body: Uint8Array<ArrayBuffer>) =>
  Effect.promise(async () => {
    const res = await fetch(`${url}/api/v1/users/me/avatar`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": contentType },
      body
    })
    return { status: res.status, body: await res.json() }
  })

const download = (url: string, path: string, token: string) =>
  Effect.promise(async () => {
    const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } })
    return { status: res.status, type: res.headers.get("content-type"), bytes: new Uint8Array(await res.arrayBuffer()) }
  })

const WithAvatar = Schema.Struct({ avatarUrl: Schema.String })

describe("users: profile, preferences, avatar", () => {
  it.scopedLive("preferences: defaults, partial update validated per key (422 naming it, nothing changed)", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const ann = yield* account(url, "ann")
      const initial = yield* request(url, "GET", "/api/v1/users/me/preferences", { auth: ann.auth })
      expect(initial.status).toBe(200)
      expect(initial.body).toMatchObject({ "interface.theme": "system", "playback.autoplayNextEpisode": true })

      const updated = yield* request(url, "PUT", "/api/v1/users/me/preferences", {
        auth: ann.auth,
        body: { "interface.theme": "dark", "playback.subtitleLanguage": "de" }
      })
      expect(updated.status).toBe(200)
      expect(updated.body).toMatchObject({ "interface.theme": "dark", "playback.subtitleLanguage": "de", "interface.language": "en" })
      // Cached, and invalidated by the write through the settings API too.
      yield* request(url, "PUT", "/api/v1/settings/user/interface.theme", { auth: ann.auth, body: { value: "light" } })
      expect((yield* request(url, "GET", "/api/v1/users/me/preferences", { auth: ann.auth })).body).toMatchObject({ "interface.theme": "light" })

      const bad = yield* request(url, "PUT", "/api/v1/users/me/preferences", {
        auth: ann.auth,
        body: { "interface.theme": "dark", "interface.pageSize": 5000 }
      })
      expect(bad.status).toBe(422)
      expect(bad.body).toMatchObject({ details: { field: "value", key: "interface.pageSize" } })
      const unknown = yield* request(url, "PUT", "/api/v1/users/me/preferences", { auth: ann.auth, body: { "nope.x": 1 } })
      expect(unknown.status).toBe(422)
      expect(unknown.body).toMatchObject({ details: { field: "nope.x", reason: "unknown_key" } })
      expect((yield* request(url, "GET", "/api/v1/users/me/preferences", { auth: ann.auth })).body).toMatchObject({ "interface.theme": "light" })
    }))

  it.scopedLive("me update: a new email is unverified again; duplicate email is 409", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const ben = yield* account(url, "ben")
      yield* account(url, "cat")
      const same = yield* request(url, "PUT", "/api/v1/users/me", { auth: ben.auth, body: { email: "cat@example.test" } })
      expect(same.status).toBe(409)
      expect(same.body).toMatchObject({ details: { field: "email" } })
      const ok = yield* request(url, "PUT", "/api/v1/users/me", { auth: ben.auth, body: { displayName: "Ben", email: "ben2@example.test" } })
      expect(ok.body).toMatchObject({ displayName: "Ben", email: "ben2@example.test", emailVerified: false })
    }))

  it.scopedLive("avatar: type and size checked, stored under DATA_DIR, served back; RPC upload", () =>
    Effect.gen(function* () {
      const dataDir = yield* Effect.acquireRelease(
        Effect.sync(() => mkdtempSync(join(tmpdir(), "ms-avatar-"))),
        (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
      )
      const { url } = yield* startServerWithDatabase({ DATA_DIR: dataDir, AVATAR_MAX_BYTES: "64" })
      const dan = yield* account(url, "dan")
      const eve = yield* account(url, "eve")

      const wrongType = yield* upload(url, dan.accessToken, "application/pdf", PNG)
      expect(wrongType.status).toBe(422)
      expect(wrongType.body).toMatchObject({ code: "Unprocessable", details: { field: "content-type" } })
      const mismatch = yield* upload(url, dan.accessToken, "image/png", JPEG)
      expect(mismatch.status).toBe(422)
      expect(mismatch.body).toMatchObject({ details: { field: "body", reason: "content_mismatch" } })
      const big = yield* upload(url, dan.accessToken, "image/png", new Uint8Array([...PNG, ...new Uint8Array(100)]))
      expect(big.status).toBe(413)
      expect(big.body).toMatchObject({ code: "PayloadTooLarge", details: { field: "body", maxBytes: 64 } })
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: dan.auth })).body).toMatchObject({ avatarUrl: null })
      expect((yield* download(url, `/api/v1/users/${dan.user.id}/avatar`, dan.accessToken)).status).toBe(404)

      const ok = yield* upload(url, dan.accessToken, "image/png", PNG)
      expect(ok.status).toBe(200)
      const { avatarUrl } = yield* read(WithAvatar)({ status: ok.status, body: ok.body, headers: {} })
      expect(avatarUrl).toMatch(new RegExp(`^/api/v1/users/${dan.user.id}/avatar\\?v=\\d+$`))
      const served = yield* download(url, avatarUrl, eve.accessToken)
      expect(served.status).toBe(200)
      expect(served.type).toBe("image/png")
      expect(served.bytes).toEqual(PNG)
      expect(new Uint8Array(readFileSync(join(dataDir, "storage", "avatars", dan.user.id)))).toEqual(PNG)
      expect((yield* download(url, avatarUrl, "")).status).toBe(401)

      const rpc = yield* RpcClient.make(ProfileRpcs).pipe(
        Effect.provide(RpcClient.layerProtocolHttp({ url: `${url}/rpc` }).pipe(Layer.provide([FetchHttpClient.layer, RpcSerialization.layerNdjson])))
      )
      const user = yield* rpc.UsersUploadAvatar({ contentType: "image/jpeg", data: JPEG }).pipe(
        RpcClient.withHeaders({ authorization: `Bearer ${dan.accessToken}` })
      )
      expect(user.avatarUrl).not.toBe(avatarUrl)
      const replaced = yield* download(url, user.avatarUrl ?? "", dan.accessToken)
      expect(replaced.type).toBe("image/jpeg")
      expect(replaced.bytes).toEqual(JPEG)
      const viaRpc = yield* rpc.UsersGetAvatar({ userId: UserId.make(dan.user.id) }).pipe(
        RpcClient.withHeaders({ authorization: `Bearer ${eve.accessToken}` })
      )
      expect(viaRpc).toEqual({ contentType: "image/jpeg", data: JPEG })
    }))
})
