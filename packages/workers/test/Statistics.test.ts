/**
 * Server statistics: real playback sessions (direct, remux, transcode; two users) placed at known times,
 * the hourly job run as an admin would ("run now" on its schedule), and the numbers read back per hour
 * and per day, for the server and per library, over REST and RPC; a second run writes the same numbers;
 * admins only, and a bad range is a 400 naming the field.
 */
import { describe, expect, it } from "@effect/vitest"
import { AdminStatisticsRpcs, LibraryId } from "@mediaserver/domain"
import { Duration, Effect, Schema } from "effect"
import * as Fs from "node:fs/promises"
import { account, type Auth, read, request } from "@mediaserver/testkit/Http"
import { createLibrary, libraryNode } from "@mediaserver/testkit/LibraryNode"
import { createSession, longClip, playableMovies, tempDir } from "@mediaserver/testkit/PlaybackNode"
import { eventually } from "@mediaserver/testkit/Poll"
import { rpcAuth, rpcClient } from "@mediaserver/testkit/Rpc"

const HOUR = 3_600_000
const DAY = 24 * HOUR
const MIN = 60_000

const Point = Schema.Struct({
  startsAt: Schema.String,
  libraryId: Schema.NullOr(Schema.String),
  plays: Schema.Number,
  watchSeconds: Schema.Number,
  activeUsers: Schema.Number,
  directPlays: Schema.Number,
  remuxes: Schema.Number,
  transcodes: Schema.Number,
  movies: Schema.NullOr(Schema.Number),
  files: Schema.NullOr(Schema.Number),
  bytes: Schema.NullOr(Schema.Number)
})
const Report = Schema.Struct({ granularity: Schema.String, aggregatedAt: Schema.NullOr(Schema.String), items: Schema.Array(Point) })

interface Placed {
  readonly user: string
  readonly method: string
  readonly start: number
  readonly end: number
}

/** What one period should hold: plays started in it, open time within it, users with a session open in it. */
const expectedIn = (sessions: ReadonlyArray<Placed>, startsAt: number, step: number) => {
  const open = sessions.filter((s) => s.start < startsAt + step && s.end > startsAt)
  const started = open.filter((s) => s.start >= startsAt)
  const count = (method: string) => started.filter((s) => s.method === method).length
  return {
    plays: started.length,
    watchSeconds: open.reduce((sum, s) => sum + (Math.min(s.end, startsAt + step) - Math.max(s.start, startsAt)) / 1000, 0),
    activeUsers: new Set(open.map((s) => s.user)).size,
    directPlays: count("direct"),
    remuxes: count("remux"),
    transcodes: count("transcode")
  }
}

describe("statistics", () => {
  it.scopedLive("the hourly job aggregates plays, watch time, users, methods and library sizes per hour and day; admins read them", () =>
    Effect.gen(function* () {
      const media = yield* tempDir("ms-stats-")
      const emptyDir = yield* tempDir("ms-stats-empty-")
      const { url, sql, admin } = yield* libraryNode("statistics", { PLAYBACK_TRANSCODE_DIR: yield* tempDir("ms-stats-tx-") })
      const clip = yield* longClip(media)
      const { libraryId, movies } = yield* playableMovies(url, admin, sql, { Long: clip })
      const empty = yield* createLibrary(url, admin, { name: "Empty", kind: "movie", paths: [emptyDir] })
      const bob = yield* account(url, "bob")
      yield* request(url, "POST", `/api/v1/libraries/${libraryId}/permissions`, { auth: admin, body: { userId: bob.user.id } })

      const item = { _tag: "movie", id: movies["Long"] }
      const play = (auth: Auth, client: Record<string, ReadonlyArray<string>>) =>
        Effect.tap(createSession(url, auth, { item, client, startSeconds: 0 }), (session) =>
          request(url, "DELETE", `/api/v1/playback/sessions/${session.id}`, { auth }))
      const direct = yield* play(admin, { containers: ["mp4"], videoCodecs: ["h264"], audioCodecs: ["aac"] })
      const transcode = yield* play(admin, { containers: ["mp4"], videoCodecs: ["vp9"], audioCodecs: ["aac"] })
      const remux = yield* play(bob.auth, { containers: ["webm"], videoCodecs: ["h264"], audioCodecs: ["aac"] })
      expect([direct, transcode, remux].map((s) => s.decision.method)).toEqual(["direct", "transcode", "remux"])

      // Placed at known times in the last hours: one across an hour boundary, one in a later hour.
      const base = Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR
      const placed: ReadonlyArray<Placed & { readonly id: string }> = [
        { id: direct.id, user: "admin", method: "direct", start: base + 10 * MIN, end: base + 70 * MIN },
        { id: transcode.id, user: "admin", method: "transcode", start: base + 20 * MIN, end: base + 30 * MIN },
        { id: remux.id, user: "bob", method: "remux", start: base + 125 * MIN, end: base + 155 * MIN }
      ]
      for (const s of placed) {
        yield* sql`
          UPDATE playback_sessions SET created_at = ${new Date(s.start)}, last_active_at = ${new Date(s.end)},
            stopped_at = ${new Date(s.end)} WHERE id = ${s.id}`
      }

      const runNow = Effect.gen(function* () {
        const started = yield* request(url, "POST", "/api/v1/admin/jobs/schedules/statistics.aggregate", { auth: admin })
        expect(started.status).toBe(201)
        const { id } = yield* read(Schema.Struct({ id: Schema.String }))(started)
        yield* eventually(
          Effect.flatMap(request(url, "GET", `/api/v1/admin/jobs/${id}`, { auth: admin }), read(Schema.Struct({ state: Schema.String }))),
          (run) => ["completed", "failed", "discarded", "cancelled"].includes(run.state),
          { what: "statistics run finished", timeout: Duration.seconds(30) }
        ).pipe(Effect.tap((run) => expect(run.state).toBe("completed")))
      })
      const get = (query: string, auth: Auth = admin) => request(url, "GET", `/api/v1/admin/statistics?${query}`, { auth })
      const report = (query: string) => Effect.flatMap(get(query), read(Report))

      yield* runNow

      const hours = yield* report(`granularity=hour&from=${new Date(base).toISOString()}`)
      expect(hours.aggregatedAt).not.toBeNull()
      // Five past hours and the current one (a seventh if the hour turned since base was taken), × the server and two libraries.
      const periods = [...new Set(hours.items.map((p) => p.startsAt))]
      expect(periods.length).toBeGreaterThanOrEqual(6)
      expect(hours.items).toHaveLength(periods.length * 3)
      for (let h = 0; h < periods.length; h++) {
        const startsAt = base + h * HOUR
        const at = hours.items.filter((p) => p.startsAt === new Date(startsAt).toISOString())
        expect(at.map((p) => p.libraryId)).toEqual([null, ...[libraryId, empty.id].sort()])
        const want = expectedIn(placed, startsAt, HOUR)
        expect(at.find((p) => p.libraryId === null), `hour ${h}, server`).toMatchObject(want)
        expect(at.find((p) => p.libraryId === libraryId), `hour ${h}, library`).toMatchObject(want)
        expect(at.find((p) => p.libraryId === empty.id), `hour ${h}, empty library`).toMatchObject({ plays: 0, watchSeconds: 0, activeUsers: 0 })
        // Sizes are known for the current hour only (the past ones were first aggregated now).
        const size = (yield* Effect.promise(() => Fs.stat(clip))).size
        if (h === periods.length - 1) {
          expect(at.find((p) => p.libraryId === null)).toMatchObject({ movies: 1, files: 1, bytes: size })
          expect(at.find((p) => p.libraryId === empty.id)).toMatchObject({ movies: 0, files: 0, bytes: 0 })
        } else {
          expect(at.every((p) => p.movies === null && p.bytes === null)).toBe(true)
        }
      }
      expect(hours.items.find((p) => p.libraryId === null && p.plays > 0)).toMatchObject({ plays: 2, watchSeconds: 3600, directPlays: 1, transcodes: 1 })

      // Days are counted from the sessions, not summed from hours: bob and the admin, once each.
      const days = yield* report(`granularity=day&libraryId=${libraryId}&from=${new Date(base - DAY).toISOString()}`)
      expect(days.items.every((p) => p.libraryId === libraryId)).toBe(true)
      for (const point of days.items) {
        expect(point, point.startsAt).toMatchObject(expectedIn(placed, Date.parse(point.startsAt), DAY))
      }
      expect(days.items.reduce((sum, p) => sum + p.plays, 0)).toBe(3)

      // Again: the same numbers (upserts), the current hour's sizes kept.
      yield* runNow
      const again = yield* report(`granularity=hour&from=${new Date(base).toISOString()}`)
      expect(again.items.filter((p) => periods.includes(p.startsAt))).toEqual(hours.items)

      // The same operation over RPC.
      const rpc = yield* rpcClient(AdminStatisticsRpcs, url)
      const viaRpc = yield* rpc.StatisticsList({ granularity: "day", libraryId: LibraryId.make(libraryId) }).pipe(rpcAuth(admin))
      expect(viaRpc.items.reduce((sum, p) => sum + p.plays, 0)).toBe(3)
      expect((yield* Effect.flip(rpc.StatisticsList({}).pipe(rpcAuth(bob.auth))))._tag).toBe("Forbidden")

      // Admins only; a bad range names its field.
      expect((yield* get("granularity=day", bob.auth)).status).toBe(403)
      expect((yield* request(url, "GET", "/api/v1/admin/statistics")).status).toBe(401)
      const backwards = yield* get(`from=${new Date().toISOString()}&to=${new Date(base).toISOString()}`)
      expect(backwards.status).toBe(400)
      expect(backwards.body).toMatchObject({ details: { field: "from" } })
      const tooLong = yield* get(`granularity=hour&from=${new Date(Date.now() - 40 * DAY).toISOString()}`)
      expect(tooLong.status).toBe(400)
      expect(tooLong.body).toMatchObject({ details: { field: "from", limit: 744 } })
      const badGranularity = yield* get("granularity=week")
      expect(badGranularity.status).toBe(400)
      expect(JSON.stringify(badGranularity.body)).toContain("granularity")
    }), { timeout: 120_000 })
})
