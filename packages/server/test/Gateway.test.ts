import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"

const json = (url: string, init?: RequestInit) =>
  Effect.promise(async () => {
    const res = await fetch(url, init)
    const text = await res.text()
    return { status: res.status, body: text === "" ? undefined : JSON.parse(text), headers: res.headers }
  })

describe("HTTP gateway", () => {
  it.scopedLive("serves probes, system info and JSON errors", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase({ MAX_BODY_BYTES: "1024" })

      expect((yield* json(`${url}/healthz`)).status).toBe(200)
      const ready = yield* json(`${url}/readyz`)
      expect(ready.status).toBe(200)
      expect(ready.body.checks.database).toBe("ok")

      const info = yield* json(`${url}/api/v1/system/info`)
      expect(info.status).toBe(200)
      expect(info.body).toMatchObject({ name: "mediaserver", role: "all", embedded: false })

      const missing = yield* json(`${url}/api/v1/nope`)
      expect(missing.status).toBe(404)
      expect(missing.body).toEqual({ code: "NotFound", message: "No route for GET /api/v1/nope", requestId: expect.any(String) })

      const tooLarge = yield* json(`${url}/api/v1/system/ping/x`, { method: "POST", body: "x".repeat(2048) })
      expect(tooLarge.status).toBe(413)
      expect(tooLarge.body.code).toBe("PayloadTooLarge")

      const ping = yield* json(`${url}/api/v1/system/ping/abc`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } })
      expect(ping.status).toBe(200)
      expect(ping.body).toMatchObject({ entityId: "abc", count: 1 })
      expect((yield* json(`${url}/api/v1/system/ping/abc`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } })).body.count).toBe(2)

      const openapi = yield* json(`${url}/api/openapi.json`)
      expect(openapi.status).toBe(200)
      expect(openapi.body.openapi).toMatch(/^3\./)
      expect(Object.keys(openapi.body.paths)).toContain("/api/v1/system/info")
    }))
})
