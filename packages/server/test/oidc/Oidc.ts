/** Helpers of the OIDC tests: a provider registered by the admin, and the browser's redirect hops. */
import { Effect, Schema } from "effect"
import { account, type Auth, read, request } from "@mediaserver/testkit/Http"
import { startOidcProvider, type TestOidcProvider } from "../support/OidcProvider.js"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"

/** GET without following redirects: the Location (a test failure if the answer is not a redirect). */
export const locationOf = (href: string, auth?: Auth) =>
  Effect.promise(async () => {
    const headers: Record<string, string> = auth !== undefined && "token" in auth ? { authorization: `Bearer ${auth.token}` } : {}
    const res = await fetch(href, { redirect: "manual", headers })
    await res.text()
    return { status: res.status, location: res.headers.get("location") ?? "" }
  })

export const registerProvider = (url: string, auth: Auth, provider: TestOidcProvider, extra: Record<string, unknown> = {}) =>
  Effect.flatMap(
    request(url, "POST", "/api/v1/admin/oidc/providers", {
      auth,
      body: { slug: "test-idp", name: "Test IdP", issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, ...extra }
    }),
    read(Schema.Struct({ id: Schema.String, slug: Schema.String, hasClientSecret: Schema.Boolean }))
  )

/** A fake provider, a server on a fresh database, its first account (admin) and the provider registered. */
export const serverWithProvider = (extra: Record<string, unknown> = {}) =>
  Effect.gen(function* () {
    const idp = yield* startOidcProvider()
    const server = yield* startServerWithDatabase()
    const admin = yield* account(server.url, "root")
    const provider = yield* registerProvider(server.url, admin.auth, idp, extra)
    return { ...server, idp, admin, provider }
  })

/**
 * The browser's trip: our authorize redirect, the provider's redirect back. Returns the callback's path
 * and query (the redirect URI names PUBLIC_URL; the test sends it to whichever node it likes).
 */
export const throughProvider = (url: string, slug = "test-idp") =>
  Effect.gen(function* () {
    const toProvider = yield* locationOf(`${url}/api/v1/oidc/auth/${slug}`)
    if (toProvider.status !== 302) return yield* Effect.dieMessage(`authorize answered ${toProvider.status}`)
    return yield* callbackFrom(toProvider.location)
  })

/** From the provider's authorization URL to our callback's path and query. */
export const callbackFrom = (authorizationUrl: string) =>
  Effect.gen(function* () {
    const back = yield* locationOf(authorizationUrl)
    if (back.status !== 302) return yield* Effect.dieMessage(`the provider answered ${back.status}`)
    const target = new URL(back.location)
    return `${target.pathname}${target.search}`
  })
