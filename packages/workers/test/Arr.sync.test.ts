import { describe, expect, it } from "@effect/vitest"
import { ArrInstanceId } from "@mediaserver/domain"
import { ArrSyncService } from "@mediaserver/server/integrations"
import { FakeHttp, fixtureRoutes, readFixtureJson } from "@mediaserver/testkit/FakeHttp"
import { request } from "@mediaserver/testkit/Http"
import { createLibrary, libraryNode, scanNow, tree } from "@mediaserver/testkit/LibraryNode"
import { eventually } from "@mediaserver/testkit/Poll"
import { Context, Effect, Schema } from "effect"
import { randomUUID } from "node:crypto"

const TITLES = 2_000
const BY_ID = 1_000
const NEW = 20
const Movies = Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown }))

/** `n` Radarr movies shaped as the fixture's first (with its file), each with its own ids and paths. */
const library = (template: Record<string, unknown>, file: Record<string, unknown>, n: number) =>
  Array.from({ length: n }, (_, i) => {
    const folder = `/data/media/movies/Movie ${i} (2000)`
    return {
      ...template, id: i + 1, title: `Movie ${i}`, year: 2000, tmdbId: 100_000 + i, imdbId: `tt9${String(i).padStart(6, "0")}`, path: folder,
      movieFile: { ...file, id: 50_000 + i, movieId: i + 1, path: `${folder}/Movie ${i} (2000).mkv`, releaseGroup: i % 2 === 0 ? "FGT" : "SPARKS" }
    }
  })

describe("*arr sync", () => {
  it.scopedLive("a 2,000-title Radarr library: matched by id, then by mapped path; new files queued; removals marked", () =>
    Effect.gen(function* () {
      const { admin, context, sql, url } = yield* libraryNode("arr_sync")
      const root = yield* tree({})
      const lib = yield* createLibrary(url, admin, { name: "Movies", kind: "movie", paths: [root] })
      // A scan of the (empty) folder before the items are seeded: a scan removes items without files.
      yield* scanNow(url, admin, lib.id)
      const [template] = yield* Effect.orDie(Effect.flatMap(readFixtureJson("radarr/GET_api_v3_movie.json"), Schema.decodeUnknown(Movies)))
      if (template === undefined) return yield* Effect.die("fixture without movies")
      const file = Schema.decodeUnknownSync(Schema.Record({ key: Schema.String, value: Schema.Unknown }))(template["movieFile"])
      const movies = library(template, file, TITLES)

      // Our library: the first 1,000 carry their TMDb id; the next ones are known only by their file's path.
      yield* sql`
        INSERT INTO movies (id, library_id, match_key, title, sort_title, year, tmdb_id)
        SELECT gen_random_uuid(), ${lib.id}, 'm' || i, 'Movie ' || i, 'movie ' || i, 2000, CASE WHEN i < ${BY_ID}::int THEN (100000 + i)::text END
        FROM generate_series(0, ${TITLES - NEW - 1}::int) i`
      yield* sql`
        INSERT INTO media_files (id, library_id, path, size_bytes, mtime_ms, match_state, movie_id)
        SELECT gen_random_uuid(), ${lib.id}, ${root}::text || '/Movie ' || i || ' (2000)/Movie ' || i || ' (2000).mkv', 1, 1, 'matched', m.id
        FROM generate_series(${BY_ID}::int, ${TITLES - NEW - 1}::int) i JOIN movies m ON m.match_key = 'm' || i AND m.library_id = ${lib.id}`

      const fake = yield* FakeHttp.make(yield* Effect.orDie(fixtureRoutes("radarr")))
      yield* fake.addRoute({ method: "GET", path: "/api/v3/movie", response: { body: movies } })
      const made = yield* request(url, "POST", "/api/v1/admin/integrations/instances", {
        auth: admin,
        body: { app: "radarr", name: "Radarr", url: fake.url, apiKey: "k", webhookSecret: "s", libraryId: lib.id, pathMappings: [{ from: "/data/media/movies/", to: root }] }
      })
      const instanceId = ArrInstanceId.make(String((made.body as { id: string }).id))

      const started = yield* request(url, "POST", "/api/v1/admin/integrations/radarr/sync", { auth: admin })
      expect(started.status).toBe(202)
      // One sync per instance per 5 minutes: asking again answers the same run.
      const again = yield* request(url, "POST", `/api/v1/admin/integrations/radarr/sync?instanceId=${instanceId}`, { auth: admin })
      expect(again.body).toEqual(started.body)
      const status = yield* eventually(request(url, "GET", "/api/v1/admin/integrations/radarr/status", { auth: admin }),
        (res) => JSON.stringify(res.body).includes(`"state":"completed"`), { what: "sync completed", timeout: "400 seconds", interval: "500 millis" })
      const { lastSync } = Schema.decodeUnknownSync(Schema.Struct({ lastSync: Schema.Unknown }))(status.body)
      expect(JSON.stringify(lastSync)).toContain(JSON.stringify({
        state: "completed", done: TITLES, total: TITLES,
        counts: { titles: TITLES, files: TITLES, matchedById: BY_ID, matchedByPath: TITLES - BY_ID - NEW, newFiles: BY_ID + NEW, removed: 0, errors: 0 },
        errors: []
      }).slice(1, -1))
      const linked = yield* sql<{ n: number; groups: number }>`
        SELECT count(*)::int AS n, count(DISTINCT release_group)::int AS groups FROM arr_links
        WHERE instance_id = ${instanceId} AND kind = 'file' AND quality = 'Bluray-1080p' AND media_file_id IS NOT NULL`
      expect(linked).toEqual([{ n: TITLES - BY_ID - NEW, groups: 2 }])
      const items = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM arr_links WHERE instance_id = ${instanceId} AND kind = 'movie' AND movie_id IS NOT NULL`
      expect(items).toEqual([{ n: TITLES - NEW }])
      const queued = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM job_runs WHERE kind = 'library.match_file'`
      // New files: the ones of titles matched by id whose file we never saw, and those of unknown titles.
      expect(queued).toEqual([{ n: BY_ID + NEW }])

      // The app removed 100 titles: their links (title and file) are marked, nothing is deleted.
      yield* fake.addRoute({ method: "GET", path: "/api/v3/movie", response: { body: movies.slice(100) } })
      const sync = Context.get(context, ArrSyncService)
      const second = yield* sync.run(instanceId, randomUUID())
      expect(second).toMatchObject({ titles: TITLES - 100, removed: 200 })
      const kept = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM movies WHERE library_id = ${lib.id}`
      expect(kept).toEqual([{ n: TITLES - NEW }])
    }), { timeout: 600_000 })

  it.scopedLive("a burst of 500 webhooks in a second is processed completely and exactly once", () =>
    Effect.gen(function* () {
      const { admin, sql, url } = yield* libraryNode("arr_burst")
      const added = Schema.decodeUnknownSync(Schema.Record({ key: Schema.String, value: Schema.Unknown }))(
        yield* Effect.orDie(readFixtureJson("radarr/webhook_MovieAdded.json")))
      const movie = Schema.decodeUnknownSync(Schema.Record({ key: Schema.String, value: Schema.Unknown }))(added["movie"])
      yield* request(url, "POST", "/api/v1/admin/integrations/instances", {
        auth: admin, body: { app: "radarr", name: "Radarr", url: "http://127.0.0.1:9", apiKey: "k", webhookSecret: "s" }
      })
      const bodies = Array.from({ length: 500 }, (_, i) => ({ ...added, movie: { ...movie, id: 1_000 + i, title: `Wanted ${i}`, tmdbId: 200_000 + i } }))
      const send = (body: unknown) => request(url, "POST", "/api/v1/webhooks/radarr?secret=s", { body })
      const first = yield* Effect.forEach(bodies, send, { concurrency: 100 })
      expect(first.every((res) => res.status === 200 && JSON.stringify(res.body).includes(`"recorded":true`))).toBe(true)
      // Delivered again (the app retries): accepted, not recorded twice.
      const repeats = yield* Effect.forEach(bodies, send, { concurrency: 100 })
      expect(repeats.every((res) => res.status === 200 && JSON.stringify(res.body).includes(`"recorded":false`))).toBe(true)
      const done = yield* eventually(sql<{ state: string; effects: number; n: number }>`
        SELECT state, effects, count(*)::int AS n FROM arr_webhook_events GROUP BY state, effects`,
        (rows) => rows.length === 1 && rows[0]?.state === "done", { what: "every event processed", timeout: "120 seconds", interval: "500 millis" })
      expect(done).toEqual([{ state: "done", effects: 1, n: 500 }])
      expect(yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM arr_wanted`).toEqual([{ n: 500 }])
      expect(yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM job_runs WHERE kind = 'arr.webhook'`).toEqual([{ n: 500 }])
    }), { timeout: 240_000 })
})
