import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import * as Fs from "node:fs"
import { read, request } from "@mediaserver/testkit/Http"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"

const OpenApi = Schema.Struct({ paths: Schema.Record({ key: Schema.String, value: Schema.Record({ key: Schema.String, value: Schema.Unknown }) }) })

describe("reference operations", () => {
  it.scopedLive("every /api/v1/search operation of the reference is served", () =>
    Effect.gen(function* () {
      const reference = Fs.readFileSync(new URL("../reference/api-operations.txt", import.meta.url), "utf8")
      const wanted = reference.split("\n").map((line) => line.trim()).filter((line) => /^(GET|POST|PUT|DELETE) \/api\/v1\/search\b/.test(line))
      expect(wanted.length).toBe(9)
      const { url } = yield* startServerWithDatabase()
      const { paths } = yield* Effect.flatMap(request(url, "GET", "/api/openapi.json"), read(OpenApi))
      const served = new Set(Object.entries(paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`)))
      expect(wanted.filter((operation) => !served.has(operation))).toEqual([])
    }))
})
