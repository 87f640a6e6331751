import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Fs from "node:fs/promises"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"
import { servedOperations } from "../support/ServedOperations.js"

/** A served `{param}` segment stands for any value (the app is a parameter: `/integrations/{app}/status`). */
const matches = (served: string, wanted: string) => {
  const [sm, sp = ""] = served.split(" ")
  const [wm, wp = ""] = wanted.split(" ")
  const a = sp.split("/")
  const b = wp.split("/")
  return sm === wm && a.length === b.length && a.every((segment, i) => /^\{[^}]+\}$/.test(segment) || segment === b[i])
}

describe("reference operations", () => {
  it.scopedLive("every /admin/integrations and /webhooks operation of the reference is served", () =>
    Effect.gen(function* () {
      const reference = yield* Effect.promise(() => Fs.readFile(new URL("../reference/api-operations.txt", import.meta.url), "utf8"))
      const wanted = reference.split("\n").map((line) => line.trim())
        .filter((line) => /^(GET|POST|PUT|PATCH|DELETE) \/api\/v1\/(admin\/integrations|webhooks)\//.test(line))
      expect(wanted.length).toBe(10)
      const { url } = yield* startServerWithDatabase()
      const served = [...(yield* servedOperations(url))]
      expect(wanted.filter((operation) => !served.some((s) => matches(s, operation)))).toEqual([])
    }))
})
