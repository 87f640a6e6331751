import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Either, Layer } from "effect"
import * as Net from "node:net"
import { AppConfig } from "../../src/config/AppConfig.js"
import { ProviderHttp, retryAfterMs } from "../../src/metadata/provider/ProviderHttp.js"
import { FakeHttp } from "@mediaserver/testkit/FakeHttp"

const HttpLive = ProviderHttp.layer.pipe(
  Layer.provide(AppConfig.layerWith({ metadataCircuitFailures: 50, metadataMaxRetryAfter: Duration.seconds(5) }))
)

const endpoint = (baseUrl: string, ratePerSecond = 100, timeout = Duration.seconds(5)) =>
  Effect.flatMap(ProviderHttp, (http) => http.endpoint({ name: "fake", baseUrl, timeout, ratePerSecond, query: { api_key: "k" } }))

/** A port nothing listens on. */
const closedPort = Effect.promise(() =>
  new Promise<number>((resolve) => {
    const server = Net.createServer()
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  }))

describe("provider HTTP client", () => {
  it.scopedLive("classifies answers: 404/410 not found, 401 unauthorized, other 4xx invalid (discard); 5xx, timeouts, refused connections and long 429s retryable", () =>
    Effect.gen(function* () {
      const server = yield* FakeHttp.make([
        { method: "GET", path: "/gone", response: { status: 410 } },
        { method: "GET", path: "/key", response: { status: 401 } },
        { method: "GET", path: "/bad", response: { status: 422 } },
        { method: "GET", path: "/down", response: { status: 500 } },
        { method: "GET", path: "/slow", response: { delayMs: 1_000, body: {} } },
        { method: "GET", path: "/busy", response: { status: 429, headers: { "retry-after": "120" } } },
        { method: "GET", path: "/ok", response: { body: { fine: true } } }
      ])
      const api = yield* endpoint(server.url, 100, Duration.millis(300))
      const failure = (path: string) => Effect.map(Effect.either(api.json(path)), Either.getLeft)
      expect(yield* api.json("/ok")).toEqual({ fine: true })
      expect((yield* server.requests)[0]?.query).toEqual({ api_key: "k" })
      expect(yield* failure("/nothing")).toMatchObject({ value: { _tag: "ProviderRejected", reason: "not_found", status: 404 } })
      expect(yield* failure("/gone")).toMatchObject({ value: { _tag: "ProviderRejected", reason: "not_found", status: 410 } })
      expect(yield* failure("/key")).toMatchObject({ value: { _tag: "ProviderRejected", reason: "unauthorized" } })
      expect(yield* failure("/bad")).toMatchObject({ value: { _tag: "ProviderRejected", reason: "invalid" } })
      expect(yield* failure("/down")).toMatchObject({ value: { _tag: "ProviderUnavailable", status: 500 } })
      expect(yield* failure("/slow")).toMatchObject({ value: { _tag: "ProviderUnavailable" } })
      // Longer than METADATA_MAX_RETRY_AFTER: not waited out here; the job retries after it.
      expect(yield* failure("/busy")).toMatchObject({ value: { _tag: "ProviderUnavailable", status: 429, retryAfterMs: 120_000 } })
      expect((yield* server.requests).filter((r) => r.path === "/busy").length).toBe(1)
      const refused = yield* endpoint(`http://127.0.0.1:${yield* closedPort}`)
      expect(yield* Effect.map(Effect.either(refused.json("/x")), Either.getLeft)).toMatchObject({ value: { _tag: "ProviderUnavailable" } })
    }).pipe(Effect.provide(HttpLive)))

  it.scopedLive("keeps to the provider's rate limit", () =>
    Effect.gen(function* () {
      const server = yield* FakeHttp.make([{ method: "GET", path: "*", response: { body: {} } }])
      const api = yield* endpoint(server.url, 5)
      const started = Date.now()
      yield* Effect.forEach(Array.from({ length: 11 }, (_, i) => `/item/${i}`), (path) => api.json(path), { concurrency: "unbounded" })
      // 5 at once, then one every 200 ms.
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000)
    }).pipe(Effect.provide(HttpLive)))

  it("reads Retry-After in seconds and as an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z")
    expect(retryAfterMs("10", now)).toBe(10_000)
    expect(retryAfterMs("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30_000)
    expect(retryAfterMs("soon", now)).toBeUndefined()
    expect(retryAfterMs(undefined, now)).toBeUndefined()
  })
})
