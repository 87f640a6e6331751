import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { account, read, readTokens, request, twoNodes } from "@mediaserver/testkit/Http"
import { softAuthenticator } from "../support/SoftAuthenticator.js"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"
import { passwordStep, status } from "./Mfa.js"

// PUBLIC_URL's default: the relying party the server expects.
const ORIGIN = "http://localhost:8096"

const Creation = Schema.Struct({ challenge: Schema.String, rp: Schema.Struct({ id: Schema.String, name: Schema.String }) })
const Request = Schema.Struct({
  challenge: Schema.String,
  rpId: Schema.String,
  allowCredentials: Schema.Array(Schema.Struct({ id: Schema.String }))
})
const Credential = Schema.Struct({ id: Schema.String, name: Schema.String })

type Key = ReturnType<typeof softAuthenticator>

const registerKey = (url: string, auth: { readonly token: string }, key: Key, name: string) =>
  Effect.gen(function* () {
    const options = yield* read(Creation)(yield* request(url, "POST", "/api/v1/mfa/webauthn/register/begin", { auth }))
    expect(options.rp).toEqual({ id: "localhost", name: "Media server" })
    const finished = yield* request(url, "POST", "/api/v1/mfa/webauthn/register/finish", { auth, body: { name, response: key.create(options) } })
    expect(finished.status).toBe(201)
    return yield* read(Credential)(finished)
  })

const assertion = (url: string, mfaToken: string, key: Key) =>
  Effect.map(
    Effect.flatMap(request(url, "POST", "/api/v1/mfa/webauthn/login/begin", { body: { mfaToken } }), read(Request)),
    (options) => ({ options, response: key.get(options) })
  )

describe("WebAuthn", () => {
  it.scopedLive("register a software key, then complete logins with it; a replayed or forged assertion is refused", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const gina = yield* account(url, "gina")
      const key = softAuthenticator(ORIGIN)
      const credential = yield* registerKey(url, gina.auth, key, "Blue key")
      expect(credential).toEqual({ id: key.id, name: "Blue key" })
      expect(yield* status(url, gina.auth)).toMatchObject({ enabled: true, webauthnCredentials: 1, totp: false })

      const challenge = yield* passwordStep(url, "gina")
      expect(challenge.methods).toEqual(["webauthn"])
      const { options, response } = yield* assertion(url, challenge.mfaToken, key)
      expect(options.allowCredentials.map((c) => c.id)).toEqual([key.id])
      const tokens = yield* readTokens(yield* request(url, "POST", "/api/v1/mfa/webauthn/login/finish", { body: { mfaToken: challenge.mfaToken, response } }))
      expect(tokens.user.id).toBe(gina.user.id)
      // The same assertion again: its challenge and the MFA token are used up.
      expect((yield* request(url, "POST", "/api/v1/mfa/webauthn/login/finish", { body: { mfaToken: challenge.mfaToken, response } })).status).toBe(401)

      // A forged signature (another key claiming this credential id) is refused; the login may go on.
      const next = yield* passwordStep(url, "gina")
      const forged = yield* assertion(url, next.mfaToken, { ...softAuthenticator(ORIGIN), id: key.id })
      const forgedResponse = { ...forged.response, id: key.id, rawId: key.id }
      const refused = yield* request(url, "POST", "/api/v1/mfa/webauthn/login/finish", { body: { mfaToken: next.mfaToken, response: forgedResponse } })
      expect(refused.status).toBe(401)
      expect(refused.body).toMatchObject({ details: { field: "response" } })
      const retry = yield* assertion(url, next.mfaToken, key)
      yield* readTokens(yield* request(url, "POST", "/api/v1/mfa/webauthn/login/finish", { body: { mfaToken: next.mfaToken, response: retry.response } }))

      // The same authenticator cannot be registered twice.
      const again = yield* read(Creation)(yield* request(url, "POST", "/api/v1/mfa/webauthn/register/begin", { auth: gina.auth }))
      expect((yield* request(url, "POST", "/api/v1/mfa/webauthn/register/finish", { auth: gina.auth, body: { response: key.create(again) } })).status).toBe(409)
    }))

  it.scopedLive("list, rename and delete credentials; deleting the last one turns MFA off", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const hugo = yield* account(url, "hugo")
      const key = softAuthenticator(ORIGIN)
      yield* registerKey(url, hugo.auth, key, "Old name")
      const path = `/api/v1/mfa/webauthn/credentials/${key.id}`
      expect((yield* request(url, "PATCH", path, { auth: hugo.auth, body: { name: "New name" } })).body).toMatchObject({ name: "New name" })
      const listed = yield* read(Schema.Array(Credential))(yield* request(url, "GET", "/api/v1/mfa/webauthn/credentials", { auth: hugo.auth }))
      expect(listed).toEqual([{ id: key.id, name: "New name" }])
      // Someone else's credential is not found for them.
      const ivan = yield* account(url, "ivan")
      expect((yield* request(url, "DELETE", path, { auth: ivan.auth })).status).toBe(404)
      expect((yield* request(url, "DELETE", path, { auth: hugo.auth })).status).toBe(204)
      expect(yield* status(url, hugo.auth)).toMatchObject({ enabled: false, webauthnCredentials: 0 })
      yield* readTokens(yield* request(url, "POST", "/api/v1/auth/login", { body: { username: "hugo", password: "correct horse battery staple" } }))
    }))

  it.scopedLive("a ceremony begun on one node finishes on another (challenges in the shared cache)", () =>
    Effect.gen(function* () {
      const { a, b } = yield* twoNodes()
      const jane = yield* account(a, "jane")
      const key = softAuthenticator(ORIGIN)
      // Registration: begin on a, finish on b.
      const options = yield* read(Creation)(yield* request(a, "POST", "/api/v1/mfa/webauthn/register/begin", { auth: jane.auth }))
      expect((yield* request(b, "POST", "/api/v1/mfa/webauthn/register/finish", { auth: jane.auth, body: { response: key.create(options) } })).status).toBe(201)
      // Login: password on a, assertion options on b, finish on a.
      const challenge = yield* passwordStep(a, "jane")
      const { response } = yield* assertion(b, challenge.mfaToken, key)
      yield* readTokens(yield* request(a, "POST", "/api/v1/mfa/webauthn/login/finish", { body: { mfaToken: challenge.mfaToken, response } }))
    }), 60_000)
})
