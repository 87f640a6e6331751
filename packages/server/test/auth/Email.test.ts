import { FetchHttpClient } from "@effect/platform"
import { RpcClient, RpcSerialization } from "@effect/rpc"
import { describe, expect, it } from "@effect/vitest"
import { IdentityRpcs } from "@mediaserver/domain"
import { Duration, Effect, Layer, Redacted } from "effect"
import { eventually } from "@mediaserver/testkit/Poll"
import { smtpSink, tokenIn } from "@mediaserver/testkit/SmtpSink"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"
import { account, login, PASSWORD, register, request, sansRequestId } from "@mediaserver/testkit/Http"

const NEW_PASSWORD = "an entirely new passphrase"

describe("email: verification and password reset", () => {
  it.scopedLive("register sends a verification mail; its token verifies once; resend issues a new one", () =>
    Effect.gen(function* () {
      const smtp = yield* smtpSink
      const { url } = yield* startServerWithDatabase(smtp.env)
      const created = yield* register(url, "ivan")
      expect(created.body).toMatchObject({ emailVerified: false })
      const mail = yield* smtp.mailTo("ivan@example.test", "Confirm your email address")
      expect(mail.from).toBe("media@example.test")
      const token = tokenIn(mail)
      expect(token).toMatch(/^mse_/)

      const verified = yield* request(url, "POST", "/api/v1/auth/verify-email", { body: { token } })
      expect(verified.status).toBe(200)
      expect(verified.body).toMatchObject({ username: "ivan", emailVerified: true })
      const again = yield* request(url, "POST", "/api/v1/auth/verify-email", { body: { token } })
      expect(again.status).toBe(422)
      expect(again.body).toMatchObject({ code: "Unprocessable", details: { field: "token" } })

      // Resend: an unverified account gets a new mail; the first token of it is replaced by the second.
      yield* register(url, "judy")
      const first = tokenIn(yield* smtp.mailTo("judy@example.test", "Confirm your email address"))
      const resent = yield* request(url, "POST", "/api/v1/auth/resend-verification", { body: { email: "JUDY@example.test" } })
      expect(resent.status).toBe(202)
      yield* eventually(Effect.sync(() => smtp.mails().filter((m) => m.to.includes("judy@example.test")).length), (n) => n === 2, {
        what: "a second verification mail",
        timeout: Duration.seconds(10)
      })
      const second = tokenIn(yield* smtp.mailTo("judy@example.test", "Confirm your email address"))
      expect((yield* request(url, "POST", "/api/v1/auth/verify-email", { body: { token: first } })).status).toBe(422)
      expect((yield* request(url, "POST", "/api/v1/auth/verify-email", { body: { token: second } })).status).toBe(200)

      const malformed = yield* request(url, "POST", "/api/v1/auth/verify-email", { body: {} })
      expect(malformed.status).toBe(400)
      expect(malformed.body).toMatchObject({ code: "BadRequest", details: { fields: [{ field: "token" }] } })
    }))

  it.scopedLive("forgot/reset: same answer for unknown emails; reset ends sessions; the token works once", () =>
    Effect.gen(function* () {
      const smtp = yield* smtpSink
      const { url } = yield* startServerWithDatabase(smtp.env)
      const kate = yield* account(url, "kate")
      yield* smtp.mailTo("kate@example.test", "Confirm your email address")

      const known = yield* request(url, "POST", "/api/v1/auth/forgot-password", { body: { email: "kate@example.test" } })
      const unknown = yield* request(url, "POST", "/api/v1/auth/forgot-password", { body: { email: "nobody@example.test" } })
      expect(known.status).toBe(202)
      expect(unknown.status).toBe(202)
      expect(sansRequestId(unknown.body)).toEqual(sansRequestId(known.body))
      const token = tokenIn(yield* smtp.mailTo("kate@example.test", "Reset your password"))

      // A weak password is refused and leaves the token usable.
      const weak = yield* request(url, "POST", "/api/v1/auth/reset-password", { body: { token, newPassword: "kate" } })
      expect(weak.status).toBe(422)
      expect(weak.body).toMatchObject({ details: { field: "newPassword", reason: "too_short" } })
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: kate.auth })).status).toBe(200)

      const reset = yield* request(url, "POST", "/api/v1/auth/reset-password", { body: { token, newPassword: NEW_PASSWORD } })
      expect(reset.status).toBe(204)
      expect((yield* request(url, "GET", "/api/v1/users/me", { auth: kate.auth })).status).toBe(401)
      const reused = yield* request(url, "POST", "/api/v1/auth/reset-password", { body: { token, newPassword: "yet another passphrase" } })
      expect(reused.status).toBe(422)
      expect(reused.body).toMatchObject({ details: { field: "token" } })
      expect((yield* request(url, "POST", "/api/v1/auth/login", { body: { username: "kate", password: PASSWORD } })).status).toBe(401)
      expect((yield* login(url, "kate", NEW_PASSWORD)).user.role).toBe("admin")
      // Nothing was ever sent to the unknown address.
      expect(smtp.mails().some((m) => m.to.includes("nobody@example.test"))).toBe(false)
    }))

  it.scopedLive("RPC offers the same operations", () =>
    Effect.gen(function* () {
      const smtp = yield* smtpSink
      const { url } = yield* startServerWithDatabase(smtp.env)
      yield* register(url, "liam")
      const rpc = yield* RpcClient.make(IdentityRpcs).pipe(
        Effect.provide(RpcClient.layerProtocolHttp({ url: `${url}/rpc` }).pipe(Layer.provide([FetchHttpClient.layer, RpcSerialization.layerNdjson])))
      )
      const verifyToken = tokenIn(yield* smtp.mailTo("liam@example.test", "Confirm your email address"))
      expect((yield* rpc.AuthVerifyEmail({ token: Redacted.make(verifyToken) })).emailVerified).toBe(true)
      yield* rpc.AuthForgotPassword({ email: "liam@example.test" })
      const token = tokenIn(yield* smtp.mailTo("liam@example.test", "Reset your password"))
      yield* rpc.AuthResetPassword({ token: Redacted.make(token), newPassword: Redacted.make(NEW_PASSWORD) })
      const again = yield* Effect.flip(rpc.AuthResetPassword({ token: Redacted.make(token), newPassword: Redacted.make(NEW_PASSWORD) }))
      expect(again).toMatchObject({ _tag: "Unprocessable", details: { field: "token" } })
    }))

  it.scopedLive("without SMTP the server runs and email operations answer 503 naming the setting", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      expect((yield* register(url, "mallory")).status).toBe(201)
      for (const path of ["/api/v1/auth/forgot-password", "/api/v1/auth/resend-verification"]) {
        const res = yield* request(url, "POST", path, { body: { email: "mallory@example.test" } })
        expect(res.status, path).toBe(503)
        expect(res.body).toMatchObject({ code: "Unavailable", details: { reason: "email_not_configured" } })
        expect(JSON.stringify(res.body)).toContain("SMTP_HOST")
      }
    }))

  it.scopedLive("an expired link is refused and changes nothing", () =>
    Effect.gen(function* () {
      const smtp = yield* smtpSink
      const { url } = yield* startServerWithDatabase({ ...smtp.env, AUTH_RESET_TOKEN_TTL: "1 millis", AUTH_VERIFY_TOKEN_TTL: "1 millis" })
      yield* account(url, "olga")
      const verify = tokenIn(yield* smtp.mailTo("olga@example.test", "Confirm your email address"))
      yield* request(url, "POST", "/api/v1/auth/forgot-password", { body: { email: "olga@example.test" } })
      const reset = tokenIn(yield* smtp.mailTo("olga@example.test", "Reset your password"))
      const late = yield* request(url, "POST", "/api/v1/auth/reset-password", { body: { token: reset, newPassword: NEW_PASSWORD } })
      expect(late.status).toBe(422)
      expect(late.body).toMatchObject({ details: { field: "token", reason: "invalid_or_expired" } })
      expect((yield* request(url, "POST", "/api/v1/auth/verify-email", { body: { token: verify } })).status).toBe(422)
      expect((yield* login(url, "olga")).user.role).toBe("admin")
    }))
})
