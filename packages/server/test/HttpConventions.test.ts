/**
 * What every answer follows, whichever route made it: security headers, CORS for the configured
 * origins only, request ids, caching of per-user answers, 405 with Allow, 415 for forms, parser
 * messages kept out of error bodies, and one log line per request.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { vi } from "vitest"
import { request } from "@mediaserver/testkit/Http"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"

const APP = "https://app.example"

const raw = (url: string, init: RequestInit = {}) =>
  Effect.promise(async () => {
    const res = await fetch(url, init)
    const text = await res.text()
    return { status: res.status, headers: res.headers, text }
  })

describe("HTTP conventions", () => {
  it.scopedLive("headers, CORS, request ids, caching, 405, 415", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase({ CORS_ORIGINS: `${APP},https://other.example` })

      // Security headers on every answer; a CSP on HTML pages.
      for (const path of ["/healthz", "/api/v1/system/info", "/api/v1/nope", "/"]) {
        const res = yield* raw(`${url}${path}`)
        expect(res.headers.get("x-content-type-options"), path).toBe("nosniff")
        expect(res.headers.get("referrer-policy"), path).toBe("no-referrer")
        expect(res.headers.get("permissions-policy"), path).toContain("camera=()")
        expect(res.headers.get("x-frame-options"), path).toBe("DENY")
      }
      const page = yield* raw(`${url}/`)
      expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'")
      expect(page.headers.get("content-security-policy")).toContain("script-src 'self'")
      expect((yield* raw(`${url}/api/docs`)).headers.get("content-security-policy")).toContain("frame-ancestors 'none'")

      // The API description names its server (relative: the one it was fetched from).
      const openapi = yield* request(url, "GET", "/api/openapi.json")
      expect(openapi.body).toMatchObject({ servers: [{ url: "/" }] })

      // Per-user answers are not stored by caches.
      const info = yield* raw(`${url}/api/v1/system/info`)
      expect(info.headers.get("cache-control")).toBe("private, no-store")

      // Request ids: the caller's (sanitised, bounded) or a fresh one, in the header and error bodies.
      const given = yield* raw(`${url}/api/v1/nope`, { headers: { "x-request-id": "trace-42" } })
      expect(given.headers.get("x-request-id")).toBe("trace-42")
      expect(JSON.parse(given.text)).toMatchObject({ code: "NotFound", requestId: "trace-42" })
      const hostile = yield* raw(`${url}/healthz`, { headers: { "x-request-id": `<script>${"a".repeat(500)}` } })
      expect(hostile.headers.get("x-request-id")).toMatch(/^scripta+$/)
      expect(hostile.headers.get("x-request-id")?.length).toBeLessThanOrEqual(128)
      const fresh = yield* raw(`${url}/healthz`)
      expect(fresh.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/)

      // CORS: a listed origin gets its preflight answered with credentials; others get no CORS headers.
      const preflight = yield* raw(`${url}/api/v1/auth/login`, {
        method: "OPTIONS",
        headers: { origin: APP, "access-control-request-method": "POST", "access-control-request-headers": "content-type" }
      })
      expect(preflight.status).toBe(204)
      expect(preflight.headers.get("access-control-allow-origin")).toBe(APP)
      expect(preflight.headers.get("access-control-allow-credentials")).toBe("true")
      expect(preflight.headers.get("access-control-allow-methods")).toContain("POST")
      expect(preflight.headers.get("access-control-allow-headers")).toContain("content-type")
      const stranger = yield* raw(`${url}/api/v1/auth/login`, {
        method: "OPTIONS",
        headers: { origin: "https://evil.example", "access-control-request-method": "POST" }
      })
      expect(stranger.headers.get("access-control-allow-origin")).toBeNull()
      const simple = yield* raw(`${url}/api/v1/system/info`, { headers: { origin: APP } })
      expect(simple.headers.get("access-control-allow-origin")).toBe(APP)
      expect(simple.headers.get("vary")).toContain("Origin")
      // The signed stream routes are routes like the others.
      const stream = yield* raw(`${url}/api/v1/playback/signed/x/master.m3u8`, { headers: { origin: APP } })
      expect(stream.headers.get("access-control-allow-origin")).toBe(APP)
      expect((yield* raw(`${url}/api/v1/nope`, { method: "OPTIONS" })).status).toBe(404)

      // 405 with Allow for a known path and the wrong method.
      const wrong = yield* raw(`${url}/api/v1/system/info`, { method: "DELETE" })
      expect(wrong.status).toBe(405)
      expect(wrong.headers.get("allow")).toContain("GET")
      expect(JSON.parse(wrong.text).code).toBe("MethodNotAllowed")
      expect((yield* raw(`${url}/`, { method: "POST" })).status).toBe(405)

      // JSON operations take JSON only: a form another site posts is refused before anything happens.
      const form = yield* raw(`${url}/api/v1/auth/register`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "username=forged&email=forged%40example.test&password=a+long+passphrase+here"
      })
      expect(form.status).toBe(415)
      expect(JSON.parse(form.text).code).toBe("UnsupportedMediaType")
      const plain = yield* raw(`${url}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "text/plain" }, body: "{\"username\":\"forged\",\"password\":\"x\"}" })
      expect(plain.status).toBe(415)
      // Nothing was created by the form: the first real registration is still the first account.
      const first = yield* request(url, "POST", "/api/v1/auth/register", { body: { username: "forged", email: "forged@example.test", password: "a long passphrase here" } })
      expect(first.status).toBe(201)

      // A malformed JSON body: 400 without the parser's words.
      const malformed = yield* raw(`${url}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: "{\"username\": tru" })
      expect(malformed.status).toBe(400)
      expect(malformed.text).not.toMatch(/Unexpected|position|token/i)
    }))

  it.scopedLive("one log line per request, with its request id and user", () =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      const spy = vi.spyOn(globalThis.console, "log").mockImplementation((...args: Array<unknown>) => {
        lines.push(args.map(String).join(" "))
      })
      yield* Effect.addFinalizer(() => Effect.sync(() => spy.mockRestore()))
      const { url } = yield* startServerWithDatabase({ LOG_LEVEL: "info", LOG_FORMAT: "pretty" })
      yield* request(url, "POST", "/api/v1/auth/register", { body: { username: "logged", email: "logged@example.test", password: "a long passphrase here" } })
      const login = yield* request(url, "POST", "/api/v1/auth/login", { body: { username: "logged", password: "a long passphrase here" } })
      const body = login.body
      const token = typeof body === "object" && body !== null && "accessToken" in body ? String(body.accessToken) : ""
      const me = yield* raw(`${url}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}`, "x-request-id": "me-1" } })
      expect(me.status).toBe(200)
      const mine = lines.filter((line) => line.includes("requestId=me-1"))
      expect(mine).toHaveLength(1)
      expect(mine[0]).not.toContain("\n")
      for (const field of [" INFO http ", "method=GET", "route=/api/v1/users/me", "status=200", "durationMs="]) expect(mine[0]).toContain(field)
      expect(mine[0]).toMatch(/userId=[0-9a-f-]{36}/)
    }))
})
