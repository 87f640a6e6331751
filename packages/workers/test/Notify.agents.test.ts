/**
 * Notification agents end to end on one node: fake Discord, Gotify, ntfy and webhook servers (one
 * FakeHttp, a path each) and an SMTP sink record what they receive. Covered: admin CRUD and its checks
 * (403, 422, 409, secrets never shown), "send a test", a 5xx that recovers, a 404 discarded after one
 * attempt (visible to admins with its agent and event), a 429 whose Retry-After is honoured, the
 * webhook's HMAC signature checked by the fake, email to fixed recipients and by user preference, a
 * burst of 1,000 events coalesced into a few messages, and browser preferences filtering the SSE stream.
 */
import { describe, expect, it } from "@effect/vitest"
import { type DomainEvent, LibraryId, MovieAdded, MovieId } from "@mediaserver/domain"
import { Events } from "@mediaserver/server/library"
import { signWebhook } from "@mediaserver/server/notifications"
import { FakeHttp, fixture, type RecordedRequest } from "@mediaserver/testkit/FakeHttp"
import { account, login, request } from "@mediaserver/testkit/Http"
import { createLibrary, libraryNode, scanNow, tree } from "@mediaserver/testkit/LibraryNode"
import { eventually } from "@mediaserver/testkit/Poll"
import { smtpSink } from "@mediaserver/testkit/SmtpSink"
import { openSse } from "@mediaserver/testkit/Sse"
import { Context, Effect, Stream } from "effect"
import { randomUUID } from "node:crypto"

const HOOK_SECRET = "hmac-secret-for-tests"
const GOTIFY_TOKEN = "AbCdEf.gotify-token"
const BURST = 1_000

/** The fake receiver's check: a fresh timestamp and the signature of `<timestamp>.<body>`. */
const signedOk = (req: RecordedRequest) => {
  const timestamp = req.headers["x-mediaserver-timestamp"] ?? ""
  const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300
  return fresh && req.headers["x-mediaserver-signature"] === signWebhook(HOOK_SECRET, timestamp, req.body)
}

const json = (req: RecordedRequest): Record<string, unknown> => {
  const value: unknown = JSON.parse(req.body)
  return typeof value === "object" && value !== null ? { ...value } : {}
}

describe("notification agents", () => {
  it.scopedLive("deliver through every kind with the job rules, coalesce a burst, honour preferences", () =>
    Effect.gen(function* () {
      const limitedAt: Array<number> = []
      const fake = yield* FakeHttp.make([
        { method: "POST", path: "/discord/ok", response: { status: 204 } },
        { method: "POST", path: "/discord/gone", response: { status: 404, body: fixture("notify/discord_unknown_webhook.json") } },
        {
          method: "POST", path: "/discord/limited",
          response: () => {
            limitedAt.push(Date.now())
            return limitedAt.length === 1
              ? { status: 429, headers: { "Retry-After": "1", "content-type": "application/json" }, body: fixture("notify/discord_rate_limited.json") }
              : { status: 204 }
          }
        },
        { method: "POST", path: "/gotify/message", times: 1, response: { status: 503, body: fixture("notify/gotify_unavailable.json") } },
        { method: "POST", path: "/gotify/message", response: { body: fixture("notify/gotify_message.json") } },
        { method: "POST", path: "/ntfy", response: { body: fixture("notify/ntfy_message.json") } },
        { method: "POST", path: "/hook", response: (req) => (signedOk(req) ? { status: 200 } : { status: 401 }) },
        { method: "POST", path: "/burst", response: (req) => (signedOk(req) ? { status: 204 } : { status: 401 }) }
      ])
      const smtp = yield* smtpSink
      const { admin, context, url } = yield* libraryNode("notify", {
        ...smtp.env, NOTIFY_COALESCE_WINDOW: "2 seconds", NOTIFY_BURST: "3"
      })
      const create = (body: Record<string, unknown>, auth = admin) =>
        request(url, "POST", "/api/v1/admin/notifications/agents", { auth, body })
      const idOf = (res: { readonly body: unknown }) => String((res.body as { id?: unknown }).id)
      const onlyUsers = { events: ["user.created"] }

      // Admin CRUD and its checks.
      const bob = yield* account(url, "bob")
      expect((yield* create({ kind: "discord", name: "x", url: `${fake.url}/discord/ok` }, bob.auth)).status).toBe(403)
      const noUrl = yield* create({ kind: "discord", name: "x" })
      expect(noUrl.status).toBe(422)
      expect(JSON.stringify(noUrl.body)).toContain("url")
      expect((yield* create({ kind: "gotify", name: "x", url: `${fake.url}/gotify` })).status).toBe(422)
      const discord = yield* create({ kind: "discord", name: "Discord", url: `${fake.url}/discord/ok`, ...onlyUsers })
      expect(discord.status).toBe(201)
      expect(discord.body).toMatchObject({ kind: "discord", urlOrigin: fake.url, enabled: true, events: ["user.created"] })
      expect(JSON.stringify(discord.body)).not.toContain("/discord/ok")
      expect((yield* create({ kind: "discord", name: "Discord", url: `${fake.url}/discord/ok` })).status).toBe(409)
      const gone = yield* create({ kind: "discord", name: "Gone", url: `${fake.url}/discord/gone`, ...onlyUsers })
      yield* create({ kind: "discord", name: "Limited", url: `${fake.url}/discord/limited`, ...onlyUsers })
      const gotify = yield* create({ kind: "gotify", name: "Gotify", url: `${fake.url}/gotify`, secret: GOTIFY_TOKEN, priority: 8, ...onlyUsers })
      expect(gotify.body).toMatchObject({ hasSecret: true })
      expect(JSON.stringify(gotify.body)).not.toContain(GOTIFY_TOKEN)
      yield* create({ kind: "ntfy", name: "ntfy", url: `${fake.url}/ntfy`, topic: "media-alerts", ...onlyUsers })
      yield* create({ kind: "webhook", name: "Hook", url: `${fake.url}/hook`, secret: HOOK_SECRET, ...onlyUsers })
      yield* create({
        kind: "email", name: "Mail", to: ["ops@example.test"], toUsers: true, ...onlyUsers,
        templates: [{ event: "user.created", title: "Welcome {{username}}" }]
      })
      const listed = yield* request(url, "GET", "/api/v1/admin/notifications/agents", { auth: admin })
      expect(Array.isArray(listed.body) ? listed.body.length : -1).toBe(7)
      const patched = yield* request(url, "PATCH", `/api/v1/admin/notifications/agents/${idOf(discord)}`, { auth: admin, body: { priority: 3 } })
      expect(patched.body).toMatchObject({ priority: 3, urlOrigin: fake.url })

      // Send a test: through the agent at once; a refusal is the admin's 422.
      const tested = yield* request(url, "POST", `/api/v1/admin/notifications/agents/${idOf(discord)}/test`, { auth: admin })
      expect(tested.status).toBe(200)
      expect((yield* request(url, "POST", `/api/v1/admin/notifications/agents/${idOf(gone)}/test`, { auth: admin })).status).toBe(422)

      // Preferences: the admin takes new users by email; bob's browser takes sign-ins only.
      const prefs = yield* request(url, "PUT", "/api/v1/users/me/notifications", { auth: admin, body: { email: ["user.created"] } })
      expect(prefs.body).toMatchObject({ email: ["user.created"] })
      expect((prefs.body as { browser: ReadonlyArray<string> }).browser).toContain("user.created")
      yield* request(url, "PUT", "/api/v1/users/me/notifications", { auth: bob.auth, body: { browser: ["auth.login"] } })

      // One event for every agent.
      const before = (yield* fake.requests).length
      yield* account(url, "carol")
      const received = (path: string) => Effect.map(fake.requests, (all) => all.slice(before).filter((r) => r.path === path))
      const arrived = (path: string, n: number) =>
        eventually(received(path), (rs) => rs.length >= n, { what: `${n} request(s) on ${path}`, timeout: "20 seconds" })

      const [toDiscord] = yield* arrived("/discord/ok", 1)
      expect(JSON.stringify(json(toDiscord!))).toContain("carol has an account")
      // 503 first, then the retry with backoff succeeds.
      const toGotify = yield* arrived("/gotify/message", 2)
      expect(toGotify[1]!.headers["x-gotify-key"]).toBe(GOTIFY_TOKEN)
      expect(json(toGotify[1]!)).toMatchObject({ title: "New user", message: "carol has an account", priority: 8 })
      // 429 with Retry-After: 1 -> the second try waits at least that long.
      yield* arrived("/discord/limited", 2)
      expect(limitedAt[1]! - limitedAt[0]!).toBeGreaterThanOrEqual(950)
      const [toNtfy] = yield* arrived("/ntfy", 1)
      expect(json(toNtfy!)).toMatchObject({ topic: "media-alerts", title: "New user", message: "carol has an account" })
      const [toHook] = yield* arrived("/hook", 1)
      expect(signedOk(toHook!)).toBe(true)
      expect(json(toHook!)).toMatchObject({ agent: "Hook", events: [{ _tag: "user.created", username: "carol" }] })
      yield* smtp.mailTo("ops@example.test", "Welcome carol")
      yield* smtp.mailTo("admin@example.test", "Welcome carol")
      expect(smtp.mails().some((m) => m.to.includes("bob@example.test") && m.raw.includes("Welcome"))).toBe(false)

      // The 404: one attempt, discarded, and the admin sees which agent and event.
      const discarded = yield* eventually(
        request(url, "GET", "/api/v1/admin/jobs?kind=notify.dispatch&state=discarded", { auth: admin }),
        (res) => ((res.body as { items?: ReadonlyArray<unknown> }).items ?? []).length === 1,
        { what: "the discarded send", timeout: "20 seconds" }
      )
      expect(discarded.body).toMatchObject({
        items: [{ attempt: 1, payload: { agentId: idOf(gone), event: { _tag: "user.created", username: "carol" } } }]
      })
      expect((yield* received("/discord/gone")).length).toBe(1)
      const gotifyRun = yield* eventually(
        request(url, "GET", "/api/v1/admin/jobs?kind=notify.dispatch&state=completed", { auth: admin }),
        (res) => JSON.stringify(res.body).includes(idOf(gotify)),
        { what: "the recovered gotify send", timeout: "20 seconds" }
      )
      expect(JSON.stringify(gotifyRun.body)).toContain(`"attempt":2`)

      // Browser preferences: bob's stream skips his failed sign-in and carries the next sign-in.
      const stream = yield* openSse(`${url}/api/v1/events`, { authorization: `Bearer ${bob.accessToken}` })
      expect(stream.status).toBe(200)
      yield* request(url, "POST", "/api/v1/auth/login", { body: { username: "bob", password: "wrong password!" } })
      yield* login(url, "bob")
      yield* eventually(Effect.sync(() => stream.frames), (fs) => fs.some((f) => f.event === "auth.login"), { what: "bob's sign-in", timeout: "10 seconds" })
      expect(stream.frames.map((f) => f.event)).toEqual(["auth.login"])

      // A burst of 1,000 events to one agent: a few messages, every event in one of them.
      yield* create({ kind: "webhook", name: "Burst", url: `${fake.url}/burst`, secret: HOOK_SECRET, events: ["movie.added"] })
      const burstBefore = (yield* fake.requests).length
      // As a scan writing a large folder would: all at once.
      const events = Context.get(context, Events)
      const libraryId = LibraryId.make(randomUUID())
      yield* events.publishAll(Array.from({ length: BURST }, (_, i) =>
        new MovieAdded({ libraryId, movieId: MovieId.make(randomUUID()), title: `Movie ${i}` })))
      const bursts = yield* eventually(
        Effect.map(fake.requests, (all) => all.slice(burstBefore).filter((r) => r.path === "/burst")),
        (rs) => rs.reduce((n, r) => n + ((json(r).events as ReadonlyArray<unknown> | undefined)?.length ?? 0), 0) >= BURST,
        { what: "every burst event delivered", timeout: "30 seconds" }
      )
      const counted = bursts.flatMap((r) => (json(r).events as ReadonlyArray<{ seq: number }>).map((e) => e.seq))
      expect(new Set(counted).size).toBe(BURST)
      // 3 one by one, then a digest, per window the burst spans (one or a few).
      expect(bursts.length).toBeLessThanOrEqual(12)
      expect(bursts.every(signedOk)).toBe(true)
      expect(bursts.some((r) => /… and \d+ more/.test(String(json(r).body)))).toBe(true)

      // Scans announce what they add, once: new movies, series and episodes.
      const seen: Array<DomainEvent> = []
      yield* Effect.forkScoped(Effect.scoped(Effect.flatMap(events.subscribe, (s) => Stream.runForEach(s, (e) => Effect.sync(() => seen.push(e))))))
      const movies = yield* tree({ "Alien (1979)/Alien (1979).mkv": "" })
      const shows = yield* tree({ "Firefly (2002)/Season 01/Firefly (2002) - S01E01 - Serenity.mkv": "" })
      const movieLib = yield* createLibrary(url, admin, { name: "Movies", kind: "movie", paths: [movies] })
      const showLib = yield* createLibrary(url, admin, { name: "Shows", kind: "tvshow", paths: [shows] })
      yield* scanNow(url, admin, movieLib.id)
      yield* scanNow(url, admin, showLib.id)
      yield* scanNow(url, admin, movieLib.id)
      const added = () => seen.filter((e) => e._tag === "movie.added" || e._tag === "series.added" || e._tag === "episode.added")
      yield* eventually(Effect.sync(added), (es) => es.length >= 3, { what: "added events", timeout: "10 seconds" })
      expect(added().map((e) => [e._tag, e.title])).toEqual([
        ["movie.added", "Alien (1979)"],
        ["series.added", "Firefly"],
        ["episode.added", "Firefly S01E01 - Serenity"]
      ])
    }), { timeout: 120_000 })
})
