import { describe, expect, it } from "@effect/vitest"
import { Effect, Scope, Exit } from "effect"
import * as FakeHttp from "@mediaserver/testkit/FakeHttp"
import { eventually } from "@mediaserver/testkit/Poll"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"

describe("tracing", () => {
  it.scopedLive("exports request spans over OTLP/HTTP when an endpoint is configured", () =>
    Effect.gen(function* () {
      const collector = yield* FakeHttp.make([{ method: "POST", path: "/v1/traces", response: { status: 200, body: {} } }])
      const scope = yield* Scope.make()
      const { url } = yield* startServerWithDatabase({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url }).pipe(Scope.extend(scope))
      const res = yield* Effect.promise(() => fetch(`${url}/api/v1/system/info`))
      expect(res.status).toBe(200)
      // Shutdown flushes the batch processor.
      yield* Scope.close(scope, Exit.void)
      const requests = yield* eventually(collector.requests, (rs) => rs.some((r) => r.path === "/v1/traces"), {
        what: "an OTLP export",
        timeout: "10 seconds"
      })
      const exported = requests.filter((r) => r.path === "/v1/traces").map((r) => r.body).join("")
      // JSON over OTLP/HTTP: the request span carries its method and route.
      expect(exported).toContain("http.request.method")
      expect(exported).toContain("/api/v1/system/info")
    }))
})
