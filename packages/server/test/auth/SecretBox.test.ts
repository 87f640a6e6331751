import { HttpServer } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Logger, Redacted } from "effect"
import { DEFAULT_SECRETS_KEY } from "../../src/config/AppConfig.js"
import { account, login, request } from "@mediaserver/testkit/Http"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"
import { startServer, testNode } from "@mediaserver/testkit/TestServer"
import { codeNow, readSetup } from "../mfa/Mfa.js"

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

  it.scopedLive("a stored secret sealed with another SECRETS_KEY: 500 ConfigurationError naming the variable, logged once", () =>
    Effect.gen(function* () {
      const db = yield* freshDatabase("box2")
      const first = yield* startServer({ DATABASE_URL: Redacted.value(db.url), SECRETS_KEY: "the first key" })
      const me = yield* account(first.url, "sam")
      const setup = yield* readSetup(yield* request(first.url, "POST", "/api/v1/mfa/totp/setup", { auth: me.auth }))

      // The same database behind a server with another key: the pending TOTP secret does not open there.
      const lines: Array<string> = []
      const capture = Logger.make(({ message }) => {
        lines.push(Array.isArray(message) ? message.join(" ") : String(message))
      })
      const context = yield* Layer.build(testNode({ DATABASE_URL: Redacted.value(db.url), SECRETS_KEY: "another key" }, Layer.empty)).pipe(
        Effect.provide(Logger.add(capture))
      )
      const server = yield* Effect.provide(HttpServer.HttpServer, context)
      const second = `http://127.0.0.1:${server.address._tag === "TcpAddress" ? server.address.port : 0}`
      const tokens = yield* login(second, "sam")
      const verify = () =>
        request(second, "POST", "/api/v1/mfa/totp/verify", { auth: { token: tokens.accessToken }, body: { code: codeNow(setup.secret) } })
      const answers = [yield* verify(), yield* verify()]
      for (const answer of answers) {
        expect(answer.status).toBe(500)
        expect(answer.body).toMatchObject({ code: "ConfigurationError", variable: "SECRETS_KEY" })
      }
      expect(lines.filter((line) => line.includes("cannot be decrypted with SECRETS_KEY"))).toHaveLength(1)
      // Where the key is right, the same secret opens.
      expect((yield* request(first.url, "POST", "/api/v1/mfa/totp/verify", { auth: me.auth, body: { code: codeNow(setup.secret) } })).status).toBe(200)
    }))
})
