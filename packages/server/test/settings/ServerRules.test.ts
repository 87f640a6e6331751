import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { account, PASSWORD, register, request } from "@mediaserver/testkit/Http"
import { smtpSink, tokenIn } from "@mediaserver/testkit/SmtpSink"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"

describe("server settings that rule accounts", () => {
  it.scopedLive("general.registrationOpen=false refuses new accounts (the first one may always register)", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const admin = yield* account(url, "opal")
      yield* request(url, "PUT", "/api/v1/settings/server/general.registrationOpen", { auth: admin.auth, body: { value: false } })
      const closed = yield* register(url, "pete")
      expect(closed.status).toBe(403)
      expect(closed.body).toMatchObject({ code: "Forbidden", details: { reason: "registration_closed" } })
      yield* request(url, "PUT", "/api/v1/settings/server/general.registrationOpen", { auth: admin.auth, body: { value: true } })
      expect((yield* register(url, "pete")).status).toBe(201)
    }))

  it.scopedLive("security.requireEmailVerification: unverified users cannot sign in until they verify (admins can)", () =>
    Effect.gen(function* () {
      const smtp = yield* smtpSink
      const { url } = yield* startServerWithDatabase(smtp.env)
      const admin = yield* account(url, "quin")
      yield* register(url, "rosa")
      yield* request(url, "PUT", "/api/v1/settings/server/security.requireEmailVerification", { auth: admin.auth, body: { value: true } })

      const refused = yield* request(url, "POST", "/api/v1/auth/login", { body: { username: "rosa", password: PASSWORD } })
      expect(refused.status).toBe(403)
      expect(refused.body).toMatchObject({ code: "Forbidden", details: { reason: "email_not_verified" } })
      expect((yield* request(url, "POST", "/api/v1/auth/login", { body: { username: "quin", password: PASSWORD } })).status).toBe(200)

      const token = tokenIn(yield* smtp.mailTo("rosa@example.test", "Confirm your email address"))
      expect((yield* request(url, "POST", "/api/v1/auth/verify-email", { body: { token } })).status).toBe(200)
      expect((yield* request(url, "POST", "/api/v1/auth/login", { body: { username: "rosa", password: PASSWORD } })).status).toBe(200)
    }))
})
