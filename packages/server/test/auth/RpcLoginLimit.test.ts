/**
 * The per-address login limit over RPC: an RPC call is counted by the address of its HTTP request
 * (X-Forwarded-For only with AUTH_TRUST_PROXY), the same counter as a REST login from there.
 */
import { FetchHttpClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { RpcClient, RpcSerialization } from "@effect/rpc"
import { describe, expect, it } from "@effect/vitest"
import { IdentityRpcs } from "@mediaserver/domain"
import { Effect, Layer, Redacted } from "effect"
import { PASSWORD, register, request } from "@mediaserver/testkit/Http"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"

const WRONG = "not the password at all"
const MAX = 3

/** The identity RPCs with `headers` on every HTTP request (a proxy's X-Forwarded-For, say). */
const client = (url: string, headers: Record<string, string> = {}) =>
  RpcClient.make(IdentityRpcs).pipe(
    Effect.provide(
      RpcClient.layerProtocolHttp({
        url: `${url}/rpc`,
        transformClient: HttpClient.mapRequest(HttpClientRequest.setHeaders(headers))
      }).pipe(Layer.provide([FetchHttpClient.layer, RpcSerialization.layerNdjson]))
    )
  )

/** "ok", or the tag of the error the login failed with. */
const rpcLogin = (rpc: Effect.Effect.Success<ReturnType<typeof client>>, username: string, password: string) =>
  Effect.match(rpc.AuthLogin({ username, password: Redacted.make(password) }), { onFailure: (e) => e._tag, onSuccess: () => "ok" })

const restLogin = (url: string, username: string, password: string, headers: Record<string, string> = {}) =>
  Effect.map(request(url, "POST", "/api/v1/auth/login", { body: { username, password }, headers }), (r) => r.status)

describe("login limit per address over RPC", () => {
  it.scopedLive("AUTH_LOGIN_IP_MAX_ATTEMPTS failures over /rpc from one address: the next login is refused over RPC and REST", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase({ AUTH_LOGIN_IP_MAX_ATTEMPTS: String(MAX) })
      yield* register(url, "quentin")
      const rpc = yield* client(url)
      // A different account each time: only the address's counter can refuse.
      const failures = yield* Effect.forEach([1, 2, 3], (i) => rpcLogin(rpc, `stranger${i}`, WRONG))
      expect(failures).toEqual(["Unauthorized", "Unauthorized", "Unauthorized"])
      expect(yield* rpcLogin(rpc, "quentin", PASSWORD)).toBe("TooManyRequests")
      expect(yield* restLogin(url, "quentin", PASSWORD)).toBe(429)
    }))

  it.scopedLive("with AUTH_TRUST_PROXY an RPC call counts for the proxy's X-Forwarded-For, not for headers inside the call", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase({ AUTH_LOGIN_IP_MAX_ATTEMPTS: "2", AUTH_TRUST_PROXY: "true" })
      yield* register(url, "ruth")
      const proxied = (ip: string) => client(url, { "x-forwarded-for": `1.2.3.4, ${ip}` })
      const first = yield* proxied("10.0.0.1")
      // Headers a client writes into its RPC messages are not the request's: they cannot pick the address.
      const spoofing = (username: string) =>
        rpcLogin(first, username, WRONG).pipe(RpcClient.withHeaders({ "x-forwarded-for": "10.9.9.9" }))
      expect([yield* spoofing("ghost1"), yield* spoofing("ghost2")]).toEqual(["Unauthorized", "Unauthorized"])
      expect(yield* rpcLogin(first, "ruth", PASSWORD)).toBe("TooManyRequests")
      expect(yield* restLogin(url, "ruth", PASSWORD, { "x-forwarded-for": "10.0.0.1" })).toBe(429)
      expect(yield* rpcLogin(yield* proxied("10.0.0.2"), "ruth", PASSWORD)).toBe("ok")
    }))
})
