import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Schema } from "effect"
import { eventually } from "@mediaserver/testkit/Poll"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"
import { type JsonResponse, PASSWORD, read, register, request, twoNodes, sansRequestId } from "@mediaserver/testkit/Http"

const WRONG = "not the password at all"
const MAX = 3
const limits = { AUTH_LOGIN_MAX_ATTEMPTS: String(MAX) }

const attempt = (url: string, username: string, password: string, headers: Record<string, string> = {}) =>
  request(url, "POST", "/api/v1/auth/login", { body: { username, password }, headers })

const failTimes = (url: string, username: string, times: number) =>
  Effect.forEach(Array.from({ length: times }, () => username), (name) => Effect.map(attempt(url, name, WRONG), (r) => r.status))

const Limited = Schema.Struct({ code: Schema.Literal("TooManyRequests"), message: Schema.String, retryAfterMs: Schema.Number })
const limited = read(Limited)

/** The 429 without the remaining time, which differs by a few ms between two answers. */
const shape = (res: JsonResponse) =>
  Effect.map(limited(res), (body) => ({ status: res.status, code: body.code, message: body.message, retryAfter: res.headers["retry-after"] }))

describe("login protection", () => {
  it.scopedLive("the attempt after N failures gets 429 with retryAfterMs and Retry-After, even with the right password", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase(limits)
      yield* register(url, "mallory")
      expect(yield* failTimes(url, "mallory", MAX)).toEqual([401, 401, 401])

      const refused = yield* attempt(url, "mallory", PASSWORD)
      expect(refused.status).toBe(429)
      const body = yield* limited(refused)
      expect(body.retryAfterMs).toBeGreaterThan(0)
      expect(body.retryAfterMs).toBeLessThanOrEqual(60_000)
      expect(refused.headers["retry-after"]).toBe(String(Math.ceil(body.retryAfterMs / 1000)))
      // By email too: the lockout is the account's, not the name typed.
      expect((yield* attempt(url, "mallory@example.test", PASSWORD)).status).toBe(429)
    }))

  it.scopedLive("a successful login resets the account's failure count", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase(limits)
      yield* register(url, "nadia")
      expect(yield* failTimes(url, "nadia", MAX - 1)).toEqual([401, 401])
      expect((yield* attempt(url, "nadia", PASSWORD)).status).toBe(200)
      expect(yield* failTimes(url, "nadia", MAX - 1)).toEqual([401, 401])
      expect((yield* attempt(url, "nadia", PASSWORD)).status).toBe(200)
    }))

  it.scopedLive("an unknown user and a known user get identical answers, limited or not", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase(limits)
      yield* register(url, "oscar")
      const known = yield* failTimes(url, "oscar", MAX)
      const unknown = yield* failTimes(url, "nobody-here", MAX)
      expect(unknown).toEqual(known)
      const wrongKnown = yield* attempt(url, "oscar2", WRONG)
      const wrongUnknown = yield* attempt(url, "nobody-else", WRONG)
      expect(sansRequestId(wrongUnknown.body)).toEqual(sansRequestId(wrongKnown.body))

      const a = yield* attempt(url, "oscar", PASSWORD)
      const b = yield* attempt(url, "nobody-here", PASSWORD)
      expect(yield* shape(b)).toEqual(yield* shape(a))
      expect(Object.keys(b.body ?? {}).sort()).toEqual(Object.keys(a.body ?? {}).sort())
    }))

  it.scopedLive("lockouts back off: the next one after a lockout ends is longer", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase({ AUTH_LOGIN_MAX_ATTEMPTS: "2", AUTH_LOCKOUT_BASE: "300 millis" })
      yield* register(url, "petra")
      expect(yield* failTimes(url, "petra", 2)).toEqual([401, 401])
      const first = yield* limited(yield* attempt(url, "petra", WRONG))
      expect(first.retryAfterMs).toBeLessThanOrEqual(300)
      // Once the lockout ends the wrong password is answered again (and counts as a failure).
      yield* eventually(Effect.map(attempt(url, "petra", WRONG), (r) => r.status), (status) => status === 401, {
        what: "the first lockout to end",
        timeout: Duration.seconds(5)
      })
      expect(yield* failTimes(url, "petra", 1)).toEqual([401])
      const second = yield* limited(yield* attempt(url, "petra", PASSWORD))
      expect(second.retryAfterMs).toBeGreaterThan(300)
      expect(second.retryAfterMs).toBeLessThanOrEqual(600)
    }))

  it.scopedLive("per IP: attempts over the limit from one address get 429 whatever the account; X-Forwarded-For is ignored", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase({ AUTH_LOGIN_IP_MAX_ATTEMPTS: "4" })
      yield* register(url, "quinn")
      const statuses = yield* Effect.forEach([1, 2, 3, 4], (i) =>
        Effect.map(attempt(url, `someone${i}`, WRONG, { "x-forwarded-for": `10.0.0.${i}` }), (r) => r.status))
      expect(statuses).toEqual([401, 401, 401, 401])
      const fifth = yield* attempt(url, "quinn", PASSWORD, { "x-forwarded-for": "10.0.0.99" })
      expect(fifth.status).toBe(429)
    }))

  it.scopedLive("with AUTH_TRUST_PROXY the client IP is X-Forwarded-For's last entry", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase({ AUTH_LOGIN_IP_MAX_ATTEMPTS: "2", AUTH_TRUST_PROXY: "true" })
      const from = (ip: string) => Effect.map(attempt(url, "ghost", WRONG, { "x-forwarded-for": `1.2.3.4, ${ip}` }), (r) => r.status)
      expect([yield* from("10.0.0.1"), yield* from("10.0.0.1"), yield* from("10.0.0.1")]).toEqual([401, 401, 429])
      expect(yield* from("10.0.0.2")).toBe(401)
    }))

  it.scopedLive("two servers sharing Redis share the counters", () =>
    Effect.gen(function* () {
      const { a, b } = yield* twoNodes(limits)
      yield* register(a, "rita")
      expect([
        (yield* attempt(a, "rita", WRONG)).status,
        (yield* attempt(b, "rita", WRONG)).status,
        (yield* attempt(a, "rita", WRONG)).status
      ]).toEqual([401, 401, 401])
      expect((yield* attempt(b, "rita", PASSWORD)).status).toBe(429)
      expect((yield* attempt(a, "rita", PASSWORD)).status).toBe(429)
    }), 60_000)
})
