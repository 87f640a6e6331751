import { FetchHttpClient } from "@effect/platform"
import { RpcClient, RpcSerialization } from "@effect/rpc"
import { describe, expect, it } from "@effect/vitest"
import { Forbidden, IdentityRpcs } from "@mediaserver/domain"
import { Duration, Effect, Layer } from "effect"
import { eventually } from "@mediaserver/testkit/Poll"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"
import { PASSWORD, register, request } from "@mediaserver/testkit/Http"

interface Jar {
  readonly cookies: Map<string, string>
}

/** A request from a browser-like client: sends the jar's cookies, keeps the ones set. */
const browser = (url: string, jar: Jar, method: string, path: string, options: { body?: unknown; csrf?: string } = {}) =>
  Effect.promise(async () => {
    const headers: Record<string, string> = {
      cookie: [...jar.cookies].map(([name, value]) => `${name}=${value}`).join("; ")
    }
    if (options.body !== undefined) headers["content-type"] = "application/json"
    if (options.csrf !== undefined) headers["x-csrf-token"] = options.csrf
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) })
    })
    const setCookies = res.headers.getSetCookie()
    for (const line of setCookies) {
      const [pair = ""] = line.split(";")
      const [name = "", value = ""] = pair.split("=")
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line)) jar.cookies.delete(name)
      else jar.cookies.set(name, value)
    }
    const text = await res.text()
    return { status: res.status, body: text === "" ? undefined : JSON.parse(text), setCookies }
  })

describe("cookie sessions for the web client", () => {
  it.scopedLive("login sets HttpOnly cookies when asked; unsafe methods need the CSRF header", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      yield* register(url, "nina")
      const plain = yield* request(url, "POST", "/api/v1/auth/login", { body: { username: "nina", password: PASSWORD } })
      expect(plain.headers["set-cookie"]).toBeUndefined()

      const jar: Jar = { cookies: new Map() }
      const login = yield* browser(url, jar, "POST", "/api/v1/auth/login", { body: { username: "nina", password: PASSWORD, cookie: true } })
      expect(login.status).toBe(200)
      const line = (name: string) => login.setCookies.find((c) => c.startsWith(`${name}=`)) ?? ""
      expect(line("ms_session")).toMatch(/HttpOnly/)
      expect(line("ms_session")).toMatch(/SameSite=Strict/)
      expect(line("ms_refresh")).toMatch(/HttpOnly/)
      expect(line("ms_refresh")).toMatch(/Path=\/api\/v1\/auth\/refresh/)
      expect(line("ms_csrf")).not.toMatch(/HttpOnly/)
      const csrf = jar.cookies.get("ms_csrf") ?? ""

      expect((yield* browser(url, jar, "GET", "/api/v1/users/me")).status).toBe(200)
      const noHeader = yield* browser(url, jar, "PUT", "/api/v1/users/me", { body: { displayName: "Nina" } })
      expect(noHeader.status).toBe(403)
      expect(noHeader.body).toMatchObject({ code: "Forbidden", details: { field: "X-CSRF-Token" } })
      expect((yield* browser(url, jar, "PUT", "/api/v1/users/me", { body: { displayName: "Nina" }, csrf: "guess" })).status).toBe(403)
      const withHeader = yield* browser(url, jar, "PUT", "/api/v1/users/me", { body: { displayName: "Nina" }, csrf })
      expect(withHeader.status).toBe(200)
      expect(withHeader.body).toMatchObject({ displayName: "Nina" })
      expect((yield* browser(url, { cookies: new Map() }, "GET", "/api/v1/users/me")).status).toBe(401)

      // RPC calls are POSTs: the cookie works with the CSRF header only.
      const rpc = yield* RpcClient.make(IdentityRpcs).pipe(
        Effect.provide(RpcClient.layerProtocolHttp({ url: `${url}/rpc` }).pipe(Layer.provide([FetchHttpClient.layer, RpcSerialization.layerNdjson])))
      )
      const cookieHeader = `ms_session=${jar.cookies.get("ms_session")}; ms_csrf=${csrf}`
      expect(yield* Effect.flip(rpc.UsersMe().pipe(RpcClient.withHeaders({ cookie: cookieHeader })))).toBeInstanceOf(Forbidden)
      const me = yield* rpc.UsersMe().pipe(RpcClient.withHeaders({ cookie: cookieHeader, "x-csrf-token": csrf }))
      expect(me.username).toBe("nina")
    }))

  it.scopedLive("refresh by cookie (with CSRF) replaces the cookies; logout clears them", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      yield* register(url, "otto")
      const jar: Jar = { cookies: new Map() }
      yield* browser(url, jar, "POST", "/api/v1/auth/login", { body: { username: "otto", password: PASSWORD, cookie: true } })
      const csrf = jar.cookies.get("ms_csrf") ?? ""
      const oldSession = jar.cookies.get("ms_session") ?? ""

      expect((yield* browser(url, jar, "POST", "/api/v1/auth/refresh", { body: {} })).status).toBe(403)
      const refreshed = yield* browser(url, jar, "POST", "/api/v1/auth/refresh", { body: {}, csrf })
      expect(refreshed.status).toBe(200)
      expect(jar.cookies.get("ms_session")).not.toBe(oldSession)
      expect(jar.cookies.get("ms_csrf")).toBe(csrf)
      expect((yield* browser(url, { cookies: new Map([["ms_session", oldSession]]) }, "GET", "/api/v1/users/me")).status).toBe(401)
      expect((yield* browser(url, jar, "GET", "/api/v1/users/me")).status).toBe(200)
      expect((yield* request(url, "POST", "/api/v1/auth/refresh", { body: {} })).status).toBe(401)

      const session = jar.cookies.get("ms_session") ?? ""
      expect((yield* browser(url, jar, "POST", "/api/v1/auth/logout", { csrf })).status).toBe(204)
      expect(jar.cookies.has("ms_session")).toBe(false)
      expect((yield* browser(url, { cookies: new Map([["ms_session", session]]) }, "GET", "/api/v1/users/me")).status).toBe(401)
    }))

  it.scopedLive("a cookie session outlives its access token's lifetime (a film is longer than 15 minutes); the same token as bearer does not", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase({ AUTH_ACCESS_TOKEN_TTL: "1 second" })
      yield* register(url, "omar")
      const jar: Jar = { cookies: new Map() }
      expect((yield* browser(url, jar, "POST", "/api/v1/auth/login", { body: { username: "omar", password: PASSWORD, cookie: true } })).status).toBe(200)
      const access = jar.cookies.get("ms_session") ?? ""
      const bearer = request(url, "GET", "/api/v1/users/me", { auth: { token: access } })
      yield* eventually(bearer, (res) => res.status === 401, { what: "access lifetime over", timeout: Duration.seconds(10), interval: Duration.millis(100) })
      expect((yield* browser(url, jar, "GET", "/api/v1/users/me")).status).toBe(200)
      expect((yield* bearer).status).toBe(401)
      // Logout ends it: the cookie names a session that no longer exists.
      const stale = new Map(jar.cookies)
      expect((yield* browser(url, jar, "POST", "/api/v1/auth/logout", { csrf: jar.cookies.get("ms_csrf") ?? "" })).status).toBe(204)
      expect((yield* browser(url, { cookies: stale }, "GET", "/api/v1/users/me")).status).toBe(401)
    }), { timeout: 60_000 })
})
