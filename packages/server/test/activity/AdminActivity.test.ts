/**
 * The admin activity operations of the reference over the log every sign-in and admin change writes:
 * listing with filters (time range, user, action, resource), by user, by resource, stats, actions;
 * admins only; a bad filter is a 400 naming it.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Schema } from "effect"
import * as Fs from "node:fs"
import { account, read, request } from "@mediaserver/testkit/Http"
import { eventually } from "@mediaserver/testkit/Poll"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"
import { missingOperations } from "../support/ServedOperations.js"

const Page = Schema.Struct({
  total: Schema.Number,
  items: Schema.Array(Schema.Struct({ action: Schema.String, userId: Schema.NullOr(Schema.String), resourceId: Schema.NullOr(Schema.String) }))
})
const Stats = Schema.Struct({
  total: Schema.Number,
  users: Schema.Number,
  byAction: Schema.Array(Schema.Struct({ key: Schema.String, count: Schema.Number })),
  byDay: Schema.Array(Schema.Struct({ key: Schema.String, count: Schema.Number }))
})

describe("admin activity", () => {
  it.scopedLive("reference operations served; filters, by user, by resource, stats, actions; admin only", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const reference = Fs.readFileSync(new URL("../reference/api-operations.txt", import.meta.url), "utf8")
      const wanted = reference.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("GET /api/v1/admin/activity"))
      expect(wanted).toHaveLength(5)
      expect(yield* missingOperations(url, wanted.join("\n"))).toEqual([])

      const admin = yield* account(url, "admin")
      const bob = yield* account(url, "bob")
      const get = (path: string, auth = admin.auth) => request(url, "GET", path, { auth })

      // Written in the background: two registrations and two sign-ins.
      const all = yield* eventually(Effect.flatMap(get("/api/v1/admin/activity"), read(Page)), (p) => p.total >= 4, {
        what: "four entries", timeout: Duration.seconds(10)
      })
      expect(all.items.map((i) => i.action)).toEqual(["auth.login", "auth.register", "auth.login", "auth.register"])

      const bobs = yield* Effect.flatMap(get(`/api/v1/admin/activity/users/${bob.user.id}`), read(Page))
      expect(bobs.total).toBe(2)
      expect(bobs.items.every((i) => i.userId === bob.user.id)).toBe(true)
      const filtered = yield* Effect.flatMap(get(`/api/v1/admin/activity?userId=${bob.user.id}&action=auth.login`), read(Page))
      expect(filtered.items.map((i) => i.action)).toEqual(["auth.login"])

      const bySession = yield* Effect.flatMap(get(`/api/v1/admin/activity/resources/session/${bob.sessionId}`), read(Page))
      expect(bySession.items).toMatchObject([{ action: "auth.login", userId: bob.user.id, resourceId: bob.sessionId }])

      const future = new Date(Date.now() + 3_600_000).toISOString()
      expect((yield* Effect.flatMap(get(`/api/v1/admin/activity?from=${future}`), read(Page))).total).toBe(0)
      const paged = yield* Effect.flatMap(get("/api/v1/admin/activity?pageSize=1&page=2"), read(Page))
      expect(paged.items.map((i) => i.action)).toEqual(["auth.register"])

      const stats = yield* Effect.flatMap(get("/api/v1/admin/activity/stats"), read(Stats))
      expect(stats.total).toBe(4)
      expect(stats.users).toBe(2)
      expect(stats.byAction).toEqual([{ key: "auth.login", count: 2 }, { key: "auth.register", count: 2 }])
      expect(stats.byDay).toEqual([{ key: new Date().toISOString().slice(0, 10), count: 4 }])
      expect((yield* Effect.flatMap(get(`/api/v1/admin/activity/stats?to=${new Date(0).toISOString()}`), read(Stats))).total).toBe(0)

      const actions = yield* get("/api/v1/admin/activity/actions")
      expect(actions.status).toBe(200)
      expect(actions.body).toMatchObject({ recorded: [{ key: "auth.login", count: 2 }, { key: "auth.register", count: 2 }] })
      expect(JSON.stringify(actions.body)).toContain("auth.password_changed")

      // Admins only, and bad filters named.
      for (const path of ["/api/v1/admin/activity", "/api/v1/admin/activity/stats", "/api/v1/admin/activity/actions", `/api/v1/admin/activity/users/${bob.user.id}`]) {
        expect((yield* get(path, bob.auth)).status).toBe(403)
      }
      expect((yield* request(url, "GET", "/api/v1/admin/activity")).status).toBe(401)
      const bad = yield* get("/api/v1/admin/activity?from=yesterday")
      expect(bad.status).toBe(400)
      expect(JSON.stringify(bad.body)).toContain("from")
      expect((yield* get("/api/v1/admin/activity/users/not-a-uuid")).status).toBe(400)
    }), { timeout: 120_000 })
})
