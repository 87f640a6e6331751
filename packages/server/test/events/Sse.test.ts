/**
 * Live events over SSE across two nodes on one Postgres and one Redis: an event emitted on node A
 * reaches a client of node B; each client sees only what it may (admins all, a user their own account
 * events); a client that reconnects with Last-Event-ID gets what it missed, once; heartbeats keep the
 * stream alive; no credentials, no stream.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { account, login, register, twoNodes } from "@mediaserver/testkit/Http"
import { eventually } from "@mediaserver/testkit/Poll"
import { openSse, type SseConnection } from "@mediaserver/testkit/Sse"

const within = { timeout: Duration.seconds(15) }
const data = (frame: { readonly data: string }): Record<string, unknown> => JSON.parse(frame.data)

const waitFor = (connection: SseConnection, what: string, match: (event: string, payload: Record<string, unknown>) => boolean) =>
  eventually(
    Effect.sync(() => connection.frames.find((f) => match(f.event, data(f)))),
    (found) => found !== undefined,
    { what, ...within }
  )

describe("live events (SSE)", () => {
  it.scopedLive("cross-node delivery, per-user filtering, resume with Last-Event-ID, heartbeat, 401", () =>
    Effect.gen(function* () {
      const { a, b } = yield* twoNodes({ EVENTS_HEARTBEAT: "200 millis" })
      const admin = yield* account(a, "admin")
      const bob = yield* account(a, "bob")

      expect((yield* openSse(`${b}/api/v1/events`)).status).toBe(401)

      const adminStream = yield* openSse(`${b}/api/v1/events`, { authorization: `Bearer ${admin.accessToken}` })
      const bobStream = yield* openSse(`${b}/api/v1/events`, { authorization: `Bearer ${bob.accessToken}` })
      expect(adminStream.status).toBe(200)

      // Emitted on A (register, sign-in), received on B. Until the streams listen, repeat the sign-in.
      yield* register(a, "carol")
      yield* eventually(
        Effect.zipRight(login(a, "bob"), Effect.sync(() => bobStream.frames.some((f) => f.event === "auth.login"))),
        (seen) => seen,
        { what: "bob's own sign-in on his stream", ...within }
      )
      yield* login(a, "carol")
      const carolLogin = yield* waitFor(adminStream, "carol's sign-in on the admin's stream", (e, p) => e === "auth.login" && p["username"] === "carol")
      yield* waitFor(adminStream, "carol's creation on the admin's stream", (e, p) => e === "user.created" && p["username"] === "carol")
      // Bob saw his own sign-in, never carol's account events (relayed in order: carol's went out before
      // his next own one, which is awaited).
      yield* login(a, "bob")
      yield* eventually(Effect.sync(() => bobStream.frames.filter((f) => f.event === "auth.login").length), (n) => n >= 2, {
        what: "bob's second sign-in",
        ...within
      })
      expect(bobStream.frames.every((f) => data(f)["userId"] === bob.user.id)).toBe(true)
      expect(bobStream.frames.some((f) => f.event === "user.created")).toBe(false)

      // Heartbeats arrive while nothing happens.
      yield* eventually(Effect.sync(() => adminStream.comments.filter((c) => c === "heartbeat").length), (n) => n >= 2, {
        what: "heartbeat comments",
        ...within
      })

      // The admin disconnects; what happens meanwhile is served on reconnect (to the other node), once.
      const lastId = carolLogin?.id ?? ""
      adminStream.close()
      yield* register(a, "dave")
      const resumed = yield* openSse(`${a}/api/v1/events`, {
        authorization: `Bearer ${admin.accessToken}`,
        "last-event-id": lastId
      })
      yield* waitFor(resumed, "dave's creation after resume", (e, p) => e === "user.created" && p["username"] === "dave")
      const ids = resumed.frames.map((f) => Number(f.id))
      expect(ids.every((id) => id > Number(lastId))).toBe(true)
      expect(new Set(ids).size).toBe(ids.length)
      expect([...ids].sort((x, y) => x - y)).toEqual(ids)
    }), { timeout: 120_000 })
})
