import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Logger, Redacted } from "effect"
import { DEFAULT_SECRETS_KEY } from "../../src/config/AppConfig.js"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"
import { testNode } from "@mediaserver/testkit/TestServer"

describe("SecretBox", () => {
  it.scopedLive("one SecretBox per node: built once, so its start-up warning is logged once", () =>
    Effect.gen(function* () {
      const db = yield* freshDatabase("box")
      const lines: Array<string> = []
      const capture = Logger.make(({ message }) => {
        lines.push(Array.isArray(message) ? message.join(" ") : String(message))
      })
      yield* Layer.build(testNode({ DATABASE_URL: Redacted.value(db.url), SECRETS_KEY: DEFAULT_SECRETS_KEY }, Layer.empty)).pipe(
        Effect.provide(Logger.add(capture))
      )
      expect(lines.filter((line) => line.includes("SECRETS_KEY is not set"))).toHaveLength(1)
    }))
})
