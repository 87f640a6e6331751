import { FetchHttpClient } from "@effect/platform"
import { RpcClient, RpcSerialization } from "@effect/rpc"
import { describe, expect, it } from "@effect/vitest"
import { Forbidden, SettingsRpcs } from "@mediaserver/domain"
import { Duration, Effect, Layer, Schema } from "effect"
import { account, read, request, twoNodes } from "@mediaserver/testkit/Http"
import { eventually } from "@mediaserver/testkit/Poll"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"

const Secret = Schema.Struct({ secret: Schema.String })

describe("settings", () => {
  it.scopedLive("server settings: admin only, typed per key, defaults, by category; a write is seen at once", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const admin = yield* account(url, "sara")
      const user = yield* account(url, "tom")
      for (const [method, path] of [["GET", "/api/v1/settings/server"], ["GET", "/api/v1/settings/server/general.serverName"], ["PUT", "/api/v1/settings/server/general.serverName"]] as const) {
        const body = method === "PUT" ? { value: "x" } : undefined
        expect((yield* request(url, method, path, { body })).status, `${method} ${path} anonymous`).toBe(401)
        expect((yield* request(url, method, path, { body, auth: user.auth })).status, `${method} ${path} as user`).toBe(403)
      }

      const general = yield* request(url, "GET", "/api/v1/settings/server?category=general", { auth: admin.auth })
      expect(general.status).toBe(200)
      expect(general.body).toContainEqual(expect.objectContaining({ key: "general.serverName", value: "Media server", isDefault: true }))
      const categories = yield* read(Schema.Array(Schema.Struct({ category: Schema.String })))(general)
      expect(categories.every((s) => s.category === "general")).toBe(true)

      const set = yield* request(url, "PUT", "/api/v1/settings/server/general.serverName", { auth: admin.auth, body: { value: "Home cinema" } })
      expect(set.status).toBe(200)
      expect(set.body).toMatchObject({ key: "general.serverName", value: "Home cinema", default: "Media server", isDefault: false })
      const after = yield* request(url, "GET", "/api/v1/settings/server?category=general", { auth: admin.auth })
      expect(after.body).toContainEqual(expect.objectContaining({ key: "general.serverName", value: "Home cinema" }))
      expect((yield* request(url, "GET", "/api/v1/settings/server/general.serverName", { auth: admin.auth })).body).toMatchObject({ value: "Home cinema" })

      const wrongType = yield* request(url, "PUT", "/api/v1/settings/server/library.scanIntervalMinutes", { auth: admin.auth, body: { value: 2 } })
      expect(wrongType.status).toBe(422)
      expect(wrongType.body).toMatchObject({ code: "Unprocessable", details: { field: "value", key: "library.scanIntervalMinutes" } })
      expect((yield* request(url, "GET", "/api/v1/settings/server/library.scanIntervalMinutes", { auth: admin.auth })).body).toMatchObject({ value: 360 })
      const unknown = yield* request(url, "PUT", "/api/v1/settings/server/general.nope", { auth: admin.auth, body: { value: 1 } })
      expect(unknown.status).toBe(404)
      expect(unknown.body).toMatchObject({ code: "NotFound", details: { field: "key" } })
      expect((yield* request(url, "GET", "/api/v1/settings/server?category=nope", { auth: admin.auth })).status).toBe(404)
    }))

  it.scopedLive("user settings: own values, reset to default, read-only key refused on writes", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const uma = yield* account(url, "uma")
      const vic = yield* account(url, "vic")
      yield* request(url, "GET", "/api/v1/settings/user?category=interface", { auth: uma.auth })
      const set = yield* request(url, "PUT", "/api/v1/settings/user/interface.theme", { auth: uma.auth, body: { value: "dark" } })
      expect(set.body).toMatchObject({ key: "interface.theme", value: "dark", isDefault: false })
      expect((yield* request(url, "GET", "/api/v1/settings/user?category=interface", { auth: uma.auth })).body)
        .toContainEqual(expect.objectContaining({ key: "interface.theme", value: "dark" }))
      expect((yield* request(url, "GET", "/api/v1/settings/user/interface.theme", { auth: vic.auth })).body).toMatchObject({ value: "system" })

      const bad = yield* request(url, "PUT", "/api/v1/settings/user/interface.theme", { auth: uma.auth, body: { value: "pink" } })
      expect(bad.status).toBe(422)
      expect(bad.body).toMatchObject({ details: { field: "value", key: "interface.theme" } })

      expect((yield* request(url, "DELETE", "/api/v1/settings/user/interface.theme", { auth: uma.auth })).status).toBe(204)
      expect((yield* request(url, "GET", "/api/v1/settings/user/interface.theme", { auth: uma.auth })).body).toMatchObject({ value: "system", isDefault: true })

      const key = yield* Effect.flatMap(request(url, "POST", "/api/v1/apikeys", { auth: uma.auth, body: { name: "ro", scopes: ["read"] } }), read(Secret))
      expect((yield* request(url, "GET", "/api/v1/settings/user", { auth: { apiKey: key.secret } })).status).toBe(200)
      expect((yield* request(url, "PUT", "/api/v1/settings/user/interface.theme", { auth: { apiKey: key.secret }, body: { value: "dark" } })).status).toBe(403)
    }))

  it.scopedLive("a write on one node invalidates the cached listing on another", () =>
    Effect.gen(function* () {
      const { a, b } = yield* twoNodes()
      const admin = yield* account(a, "wendy")
      const listOnB = Effect.map(
        request(b, "GET", "/api/v1/settings/server?category=playback", { auth: admin.auth }),
        (res) => JSON.stringify(res.body)
      )
      expect(yield* listOnB).toContain('"value":2')
      yield* request(a, "PUT", "/api/v1/settings/server/playback.maxConcurrentTranscodes", { auth: admin.auth, body: { value: 6 } })
      yield* eventually(listOnB, (body) => body.includes('"value":6'), { what: "node b to see the new value", timeout: Duration.seconds(2) })
    }))

  it.scopedLive("RPC offers the same operations under the same policies", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const admin = yield* account(url, "xena")
      const user = yield* account(url, "yuri")
      const rpc = yield* RpcClient.make(SettingsRpcs).pipe(
        Effect.provide(RpcClient.layerProtocolHttp({ url: `${url}/rpc` }).pipe(Layer.provide([FetchHttpClient.layer, RpcSerialization.layerNdjson])))
      )
      const as = (token: string) => RpcClient.withHeaders({ authorization: `Bearer ${token}` })
      const set = yield* rpc.SettingsServerSet({ key: "general.registrationOpen", value: false }).pipe(as(admin.accessToken))
      expect(set.value).toBe(false)
      expect(yield* Effect.flip(rpc.SettingsServerGet({ key: "general.registrationOpen" }).pipe(as(user.accessToken)))).toBeInstanceOf(Forbidden)
      expect((yield* rpc.SettingsUserSet({ key: "playback.subtitleLanguage", value: "fr" }).pipe(as(user.accessToken))).value).toBe("fr")
      const listed = yield* rpc.SettingsUserList({ category: "playback" }).pipe(as(user.accessToken))
      expect(listed.find((s) => s.key === "playback.subtitleLanguage")?.value).toBe("fr")
    }))
})
