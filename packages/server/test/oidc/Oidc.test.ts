import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Schema } from "effect"
import { account, login, read, readTokens, request, twoNodes } from "@mediaserver/testkit/Http"
import { cleanupPrefix, connectRedis } from "@mediaserver/testkit/CacheNodes"
import { startOidcProvider } from "../support/OidcProvider.js"
import { eventually } from "@mediaserver/testkit/Poll"
import { queryRows, redisPrefix, redisUrl } from "@mediaserver/testkit/TestDatabase"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"
import { callbackFrom, locationOf, registerProvider, serverWithProvider, throughProvider } from "./Oidc.js"

const Me = Schema.Struct({ username: Schema.String, email: Schema.String, role: Schema.String })
const me = (url: string, token: string) => Effect.flatMap(request(url, "GET", "/api/v1/users/me", { auth: { token } }), read(Me))

describe("OIDC login", () => {
  it.scopedLive("full flow: redirect with PKCE/state/nonce, callback creates the user and starts a session; groups map to roles", () =>
    Effect.gen(function* () {
      const { idp, url, database } = yield* serverWithProvider({ groupRoles: { "media-admins": "admin", viewers: "guest" } })

      const redirect = yield* locationOf(`${url}/api/v1/oidc/auth/test-idp`)
      expect(redirect.status).toBe(302)
      const authorize = new URL(redirect.location)
      expect(`${authorize.origin}${authorize.pathname}`).toBe(`${idp.issuer}/authorize`)
      expect(authorize.searchParams.get("code_challenge_method")).toBe("S256")
      expect(authorize.searchParams.get("state")).toMatch(/.{20,}/)
      expect(authorize.searchParams.get("nonce")).toMatch(/.{20,}/)
      expect(authorize.searchParams.get("scope")).toBe("openid profile email")
      expect(authorize.searchParams.get("redirect_uri")).toBe("http://localhost:8096/api/v1/oidc/callback/test-idp")

      idp.signInAs({ sub: "u-1", preferred_username: "kim", email: "kim@idp.test", name: "Kim", groups: ["viewers"] })
      const callback = yield* request(url, "GET", yield* callbackFrom(redirect.location))
      expect(callback.status).toBe(200)
      // The web client's cookies too (the helper keeps the last Set-Cookie: the CSRF one, set with the session's).
      expect(callback.headers["set-cookie"]).toContain("ms_csrf=")
      const kim = yield* readTokens(callback)
      expect(yield* me(url, kim.accessToken)).toEqual({ username: "kim", email: "kim@idp.test", role: "guest" })
      // No password: a password login cannot get in.
      expect((yield* request(url, "POST", "/api/v1/auth/login", { body: { username: "kim", password: "" } })).status).toBe(400)

      // The next login of the same subject is the same user; a new group mapping applies.
      idp.signInAs({ sub: "u-1", preferred_username: "kim", email: "kim@idp.test", groups: ["viewers", "media-admins"] })
      const again = yield* readTokens(yield* request(url, "GET", yield* throughProvider(url)))
      expect(again.user.id).toBe(kim.user.id)
      expect((yield* me(url, again.accessToken)).role).toBe("admin")
      // Each change is in the activity log like an admin's, by the provider (no user).
      const assigned = () =>
        queryRows(database.url, `SELECT user_id, details FROM activity_log WHERE action = 'rbac.role_assigned' AND resource_id = '${kim.user.id}' ORDER BY id`)
      expect(yield* eventually(assigned(), (rows) => rows.length >= 2, { what: "the role changes in the log", timeout: Duration.seconds(5) })).toEqual([
        { user_id: null, details: { role: "guest", by: "oidc:test-idp" } },
        { user_id: null, details: { role: "admin", by: "oidc:test-idp" } }
      ])
      // No mapped group: the role stays.
      idp.signInAs({ sub: "u-2", preferred_username: "lee", email: "lee@idp.test", groups: ["other"] })
      const lee = yield* readTokens(yield* request(url, "GET", yield* throughProvider(url)))
      expect((yield* me(url, lee.accessToken)).role).toBe("user")
    }))

  it.scopedLive("bad state, replayed callback, replayed code and a wrong nonce are refused with 401", () =>
    Effect.gen(function* () {
      const { idp, url } = yield* serverWithProvider()
      idp.signInAs({ sub: "u-9", preferred_username: "max", email: "max@idp.test" })

      const path = yield* throughProvider(url)
      const forged = new URL(path, url)
      forged.searchParams.set("state", "not-a-state-we-issued")
      const badState = yield* request(url, "GET", `${forged.pathname}${forged.search}`)
      expect(badState.status).toBe(401)
      expect(badState.body).toMatchObject({ code: "Unauthorized", details: { reason: "unknown_state" } })

      yield* readTokens(yield* request(url, "GET", path))
      // The same callback again: the state was used.
      expect((yield* request(url, "GET", path)).body).toMatchObject({ details: { reason: "unknown_state" } })

      // A fresh state with the old code: the provider refuses the code's second use.
      const fresh = new URL(yield* throughProvider(url), url)
      fresh.searchParams.set("code", new URL(path, url).searchParams.get("code") ?? "")
      const replayed = yield* request(url, "GET", `${fresh.pathname}${fresh.search}`)
      expect(replayed.status).toBe(401)
      expect(replayed.body).toMatchObject({ details: { reason: "OAUTH_RESPONSE_BODY_ERROR" } })
      expect(idp.replayedCodes()).toBe(1)

      // An ID token whose nonce is not this login's.
      idp.forgeNonce("a-nonce-of-another-login")
      const wrongNonce = yield* request(url, "GET", yield* throughProvider(url))
      expect(wrongNonce.status).toBe(401)
      expect(wrongNonce.body).toMatchObject({ details: { reason: "OAUTH_JWT_CLAIM_COMPARISON_FAILED" } })
      idp.forgeNonce(undefined)
      yield* readTokens(yield* request(url, "GET", yield* throughProvider(url)))
    }))

  it.scopedLive("a browser returning from the provider is sent to the client (home, or sign-in naming the error), not shown JSON", () =>
    Effect.gen(function* () {
      const { idp, url } = yield* serverWithProvider()
      idp.signInAs({ sub: "u-5", preferred_username: "ari", email: "ari@idp.test" })
      const asBrowser = (path: string) =>
        Effect.promise(async () => {
          const res = await fetch(`${url}${path}`, { redirect: "manual", headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" } })
          await res.text()
          return { status: res.status, location: res.headers.get("location") ?? "", cookies: res.headers.getSetCookie() }
        })
      const path = yield* throughProvider(url)
      const home = yield* asBrowser(path)
      expect(home).toMatchObject({ status: 303, location: "/" })
      const session = home.cookies.find((c) => c.startsWith("ms_session="))
      expect(session).toBeDefined()
      const token = /^ms_session=([^;]+)/.exec(session ?? "")?.[1] ?? ""
      expect((yield* me(url, token)).username).toBe("ari")
      // The same callback again is refused: the browser lands on the sign-in page, which says why.
      const refused = yield* asBrowser(path)
      expect(refused.status).toBe(303)
      expect(refused.location).toMatch(/^\/login\?sso_error=/)
      expect(refused.cookies.some((c) => c.startsWith("ms_session="))).toBe(false)
    }))

  it.scopedLive("an expired state is refused (state lives in the shared cache with OIDC_STATE_TTL)", () =>
    Effect.gen(function* () {
      const idp = yield* startOidcProvider()
      const redis = yield* Effect.orDie(redisUrl)
      const prefix = redisPrefix("oidc")
      yield* cleanupPrefix(redis, prefix)
      const { url } = yield* startServerWithDatabase({ REDIS_URL: redis, CACHE_KEY_PREFIX: prefix, OIDC_STATE_TTL: "1 second" })
      const admin = yield* account(url, "root")
      yield* registerProvider(url, admin.auth, idp)
      idp.signInAs({ sub: "u-3", preferred_username: "ned", email: "ned@idp.test" })
      const path = yield* throughProvider(url)
      const client = yield* connectRedis(redis)
      yield* eventually(Effect.sync(() => client.status), (status) => status === "ready", { what: "Redis", timeout: Duration.seconds(5) })
      yield* eventually(Effect.promise(() => client.keys(`${prefix}c:oidc-state:*`)), (keys) => keys.length === 0, {
        what: "the state to expire in Redis",
        timeout: Duration.seconds(10)
      })
      const late = yield* request(url, "GET", path)
      expect(late.status).toBe(401)
      expect(late.body).toMatchObject({ details: { reason: "unknown_state" } })
    }))

  it.scopedLive("the callback may land on another node", () =>
    Effect.gen(function* () {
      const idp = yield* startOidcProvider()
      const { a, b } = yield* twoNodes()
      const admin = yield* account(a, "root")
      yield* registerProvider(a, admin.auth, idp)
      idp.signInAs({ sub: "u-4", preferred_username: "olga", email: "olga@idp.test" })
      const olga = yield* readTokens(yield* request(b, "GET", yield* throughProvider(a)))
      expect((yield* me(a, olga.accessToken)).username).toBe("olga")
    }), 60_000)
})

describe("OIDC accounts and providers", () => {
  it.scopedLive("link a provider to my account, sign in with it, unlink; the only way to sign in stays", () =>
    Effect.gen(function* () {
      const idp = yield* startOidcProvider()
      const { url } = yield* startServerWithDatabase()
      const admin = yield* account(url, "root")
      yield* registerProvider(url, admin.auth, idp, { autoCreateUsers: false })
      const pat = yield* account(url, "pat")

      // Unknown provider account and no auto-create: refused.
      idp.signInAs({ sub: "p-1", preferred_username: "pat-at-idp", email: "pat@idp.test" })
      expect((yield* request(url, "GET", yield* throughProvider(url))).status).toBe(403)

      const linkStart = yield* request(url, "POST", "/api/v1/users/me/oidc/test-idp/link", { auth: pat.auth })
      const { authorizationUrl } = yield* read(Schema.Struct({ authorizationUrl: Schema.String }))(linkStart)
      const linked = yield* request(url, "GET", yield* callbackFrom(authorizationUrl))
      expect(linked.body).toMatchObject({ provider: "test-idp", subject: "p-1", email: "pat@idp.test" })
      const links = yield* request(url, "GET", "/api/v1/users/me/oidc", { auth: pat.auth })
      expect(links.body).toMatchObject([{ provider: "test-idp", providerName: "Test IdP", subject: "p-1" }])

      const viaIdp = yield* readTokens(yield* request(url, "GET", yield* throughProvider(url)))
      expect(viaIdp.user.id).toBe(pat.user.id)
      expect((yield* request(url, "DELETE", "/api/v1/users/me/oidc/test-idp", { auth: pat.auth })).status).toBe(204)
      expect((yield* request(url, "DELETE", "/api/v1/users/me/oidc/test-idp", { auth: pat.auth })).status).toBe(404)

      // A user made by the provider has no password: their one link cannot go.
      yield* request(url, "PATCH", `/api/v1/admin/oidc/providers/${(yield* providerId(url, admin.auth))}`, { auth: admin.auth, body: { autoCreateUsers: true } })
      idp.signInAs({ sub: "q-1", preferred_username: "quinn", email: "quinn@idp.test" })
      const quinn = yield* readTokens(yield* request(url, "GET", yield* throughProvider(url)))
      const last = yield* request(url, "DELETE", "/api/v1/users/me/oidc/test-idp", { auth: { token: quinn.accessToken } })
      expect(last.status).toBe(409)
      // An existing account's email is never taken over by a new provider account.
      idp.signInAs({ sub: "r-1", preferred_username: "pat2", email: "pat@example.test" })
      expect((yield* request(url, "GET", yield* throughProvider(url))).status).toBe(409)
    }))

  it.scopedLive("a user made by single sign-on sets a first password without a current one; from then on the current one is needed", () =>
    Effect.gen(function* () {
      const { idp, url } = yield* serverWithProvider()
      idp.signInAs({ sub: "s-1", preferred_username: "sky", email: "sky@idp.test" })
      const sky = yield* readTokens(yield* request(url, "GET", yield* throughProvider(url)))
      const change = (body: Record<string, string>) =>
        request(url, "POST", "/api/v1/auth/change-password", { auth: { token: sky.accessToken }, body })

      // The usual policy still applies; without a session nothing changes.
      expect((yield* change({ newPassword: "sky" })).body).toMatchObject({ details: { field: "newPassword", reason: "too_short" } })
      expect((yield* request(url, "POST", "/api/v1/auth/change-password", { body: { newPassword: "a first good passphrase" } })).status).toBe(401)
      expect((yield* change({ newPassword: "a first good passphrase" })).status).toBe(204)
      expect((yield* login(url, "sky", "a first good passphrase")).user.id).toBe(sky.user.id)

      // Now it has a password: it must be given.
      const missing = yield* change({ newPassword: "a second good passphrase" })
      expect(missing.status).toBe(422)
      expect(missing.body).toMatchObject({ details: { field: "currentPassword", reason: "required" } })
      expect((yield* change({ currentPassword: "wrong", newPassword: "a second good passphrase" })).body)
        .toMatchObject({ details: { field: "currentPassword", reason: "incorrect" } })
      expect((yield* change({ currentPassword: "a first good passphrase", newPassword: "a second good passphrase" })).status).toBe(204)
      // With a password, the provider link is no longer the only way in: it may go.
      expect((yield* request(url, "DELETE", "/api/v1/users/me/oidc/test-idp", { auth: { token: sky.accessToken } })).status).toBe(204)
    }))

  it.scopedLive("two concurrent unlinks of a user without a password: one goes, the last way to sign in stays", () =>
    Effect.gen(function* () {
      const { idp, url, admin } = yield* serverWithProvider()
      yield* registerProvider(url, admin.auth, idp, { slug: "other-idp", name: "Other IdP" })
      idp.signInAs({ sub: "c-1", preferred_username: "cam", email: "cam@idp.test" })
      const cam = yield* readTokens(yield* request(url, "GET", yield* throughProvider(url)))
      const auth = { token: cam.accessToken }
      const links = Effect.flatMap(request(url, "GET", "/api/v1/users/me/oidc", { auth }), read(Schema.Array(Schema.Struct({ provider: Schema.String }))))
      // A few rounds: the check and the delete of each must not interleave with the other's.
      for (let round = 0; round < 3; round++) {
        const missing = (yield* links).some((link) => link.provider === "test-idp") ? "other-idp" : "test-idp"
        const start = yield* request(url, "POST", `/api/v1/users/me/oidc/${missing}/link`, { auth })
        const { authorizationUrl } = yield* read(Schema.Struct({ authorizationUrl: Schema.String }))(start)
        const linked = yield* request(url, "GET", yield* callbackFrom(authorizationUrl))
        expect(linked.body).toMatchObject({ provider: missing })
        expect(yield* links).toHaveLength(2)
        const statuses = yield* Effect.all(
          ["test-idp", "other-idp"].map((slug) => Effect.map(request(url, "DELETE", `/api/v1/users/me/oidc/${slug}`, { auth }), (r) => r.status)),
          { concurrency: "unbounded" }
        )
        expect([...statuses].sort()).toEqual([204, 409])
        expect(yield* links).toHaveLength(1)
      }
    }))

  it.scopedLive("public provider reads are cached; an admin change reaches every node at once", () =>
    Effect.gen(function* () {
      const idp = yield* startOidcProvider()
      const { a, b, database } = yield* twoNodes()
      const admin = yield* account(a, "root")
      const { id } = yield* registerProvider(a, admin.auth, idp)
      const publicList = Effect.map(request(b, "GET", "/api/v1/oidc/providers"), (r) => r.body)
      expect(yield* publicList).toMatchObject([{ slug: "test-idp", name: "Test IdP" }])
      expect((yield* locationOf(`${b}/api/v1/oidc/auth/test-idp`)).status).toBe(302)

      // With the table out of reach the list and the start still answer: they come from the cache.
      yield* queryRows(database.url, "ALTER TABLE oidc_providers RENAME TO oidc_providers_away")
      const cached = yield* Effect.all([publicList, locationOf(`${b}/api/v1/oidc/auth/test-idp`)])
      yield* queryRows(database.url, "ALTER TABLE oidc_providers_away RENAME TO oidc_providers")
      expect(cached[0]).toMatchObject([{ slug: "test-idp" }])
      expect(cached[1].status).toBe(302)

      // Changes made on the other node are seen here within the deadline, not at TTL.
      yield* request(a, "PATCH", `/api/v1/admin/oidc/providers/${id}`, { auth: admin.auth, body: { name: "Renamed IdP" } })
      yield* eventually(publicList, (list) => JSON.stringify(list).includes("Renamed IdP"), { what: "the renamed provider on b", timeout: Duration.seconds(5) })
      yield* request(a, "POST", `/api/v1/admin/oidc/providers/${id}/disable`, { auth: admin.auth })
      yield* eventually(locationOf(`${b}/api/v1/oidc/auth/test-idp`), (r) => r.status === 404, { what: "the disabled provider on b", timeout: Duration.seconds(5) })
      expect(yield* publicList).toEqual([])
    }), 60_000)

  it.scopedLive("admin CRUD: secret stored encrypted and never shown, enable/disable, default, delete; users are refused", () =>
    Effect.gen(function* () {
      const idp = yield* startOidcProvider()
      const { url, database } = yield* startServerWithDatabase()
      const admin = yield* account(url, "root")
      const user = yield* account(url, "sam")
      const created = yield* request(url, "POST", "/api/v1/admin/oidc/providers", {
        auth: admin.auth,
        body: { slug: "corp", name: "Corp", issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret }
      })
      expect(created.status).toBe(201)
      expect(created.body).toMatchObject({ slug: "corp", hasClientSecret: true, enabled: true, isDefault: false, claims: { username: "preferred_username" } })
      expect(JSON.stringify(created.body)).not.toContain(idp.clientSecret)
      const stored = yield* queryRows(database.url, "SELECT client_secret FROM oidc_providers")
      expect(JSON.stringify(stored)).not.toContain(idp.clientSecret)
      expect(JSON.stringify(stored)).toContain("v1.")

      const id = (yield* read(Schema.Struct({ id: Schema.String }))(created)).id
      const base = `/api/v1/admin/oidc/providers/${id}`
      expect((yield* request(url, "POST", "/api/v1/admin/oidc/providers", { auth: admin.auth, body: { slug: "corp", name: "x", issuer: idp.issuer, clientId: "x" } })).body)
        .toMatchObject({ code: "Conflict", details: { field: "slug" } })
      expect((yield* request(url, "POST", "/api/v1/admin/oidc/providers", { auth: admin.auth, body: { slug: "bad", name: "x", issuer: "ftp://x", clientId: "x" } })).status).toBe(400)
      expect((yield* request(url, "GET", "/api/v1/admin/oidc/providers", { auth: user.auth })).status).toBe(403)
      expect((yield* request(url, "PATCH", base, { auth: admin.auth, body: { name: "Corporate" } })).body).toMatchObject({ name: "Corporate", hasClientSecret: true })

      const publicList = () => Effect.map(request(url, "GET", "/api/v1/oidc/providers"), (r) => r.body)
      expect(yield* publicList()).toEqual([{ slug: "corp", name: "Corporate", isDefault: false, loginUrl: "/api/v1/oidc/auth/corp" }])
      yield* request(url, "POST", `${base}/disable`, { auth: admin.auth })
      expect(yield* publicList()).toEqual([])
      expect((yield* locationOf(`${url}/api/v1/oidc/auth/corp`)).status).toBe(404)
      yield* request(url, "POST", `${base}/enable`, { auth: admin.auth })
      expect((yield* request(url, "POST", `${base}/default`, { auth: admin.auth })).body).toMatchObject({ isDefault: true })
      // The secret works (it was decrypted for the token request).
      idp.signInAs({ sub: "t-1", preferred_username: "tess", email: "tess@idp.test" })
      yield* readTokens(yield* request(url, "GET", yield* throughProvider(url, "corp")))

      expect((yield* request(url, "DELETE", base, { auth: admin.auth })).status).toBe(204)
      expect((yield* request(url, "GET", base, { auth: admin.auth })).status).toBe(404)
    }))
})

const providerId = (url: string, auth: { readonly token: string }) =>
  Effect.map(
    Effect.flatMap(request(url, "GET", "/api/v1/admin/oidc/providers", { auth }), read(Schema.Array(Schema.Struct({ id: Schema.String })))),
    (list) => list[0]?.id ?? ""
  )
