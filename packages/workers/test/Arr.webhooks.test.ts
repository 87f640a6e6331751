import { describe, expect, it } from "@effect/vitest"
import { type DomainEvent, LibraryId } from "@mediaserver/domain"
import { ArrLibrary } from "@mediaserver/server/integrations"
import { Events } from "@mediaserver/server/library"
import { FakeHttp, fixtureRoutes, readFixtureJson } from "@mediaserver/testkit/FakeHttp"
import { account, request } from "@mediaserver/testkit/Http"
import { createLibrary, libraryNode, scanNow, tree } from "@mediaserver/testkit/LibraryNode"
import { eventually } from "@mediaserver/testkit/Poll"
import { Context, Effect, Fiber, Option, Schema, Stream } from "effect"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"

const SECRET = "hook-secret"
const OLD = "The Matrix (1999)/The.Matrix.1999.1080p.BluRay.x264-FGT.mkv"
const NEW = "The Matrix (1999)/The Matrix (1999) - Bluray-1080p.mkv"
const UHD = "The Matrix (1999)/The Matrix (1999) - Remux-2160p.mkv"

/** `secret` null: none sent. */
const post = (url: string, app: string, fixture: unknown, secret: string | null = SECRET) =>
  request(url, "POST", `/api/v1/webhooks/${app}`, { body: fixture, ...(secret === null ? {} : { headers: { "x-webhook-secret": secret } }) })

const hook = (url: string, app: string, name: string) =>
  Effect.flatMap(Effect.orDie(readFixtureJson(`${app}/webhook_${name}.json`)), (body) => post(url, app, body))

describe("*arr webhooks and admin", () => {
  it.scopedLive("every fixture event is accepted and has its effect; secrets, bodies and repeats are checked", () =>
    Effect.gen(function* () {
      const { admin, context, sql, url } = yield* libraryNode("arr_hooks", { ARR_TIMEOUT: "1 second" })
      const seen: Array<DomainEvent> = []
      const events = Context.get(context, Events)
      const listener = yield* Effect.forkScoped(Effect.scoped(Effect.flatMap(events.subscribe, (s) => Stream.runForEach(s, (e) => Effect.sync(() => seen.push(e))))))
      const movies = yield* tree({ [OLD]: "" })
      const tv = yield* tree({ "Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E01 - Pilot [Bluray-1080p][DTS 5.1][x264]-ROVERS.mkv": "" })
      const movieLib = yield* createLibrary(url, admin, { name: "Movies", kind: "movie", paths: [movies] })
      const tvLib = yield* createLibrary(url, admin, { name: "TV", kind: "tvshow", paths: [tv] })
      yield* scanNow(url, admin, movieLib.id)

      const fakeRadarr = yield* FakeHttp.make(yield* Effect.orDie(fixtureRoutes("radarr")))
      const fakeSonarr = yield* FakeHttp.make(yield* Effect.orDie(fixtureRoutes("sonarr")))
      const create = (body: Record<string, unknown>) => request(url, "POST", "/api/v1/admin/integrations/instances", { auth: admin, body })
      const radarr = yield* create({
        app: "radarr", name: "Radarr", url: fakeRadarr.url, apiKey: "k", webhookSecret: SECRET, isDefault: true, libraryId: movieLib.id,
        pathMappings: [{ from: "/data/media/movies", to: movies }]
      })
      expect(radarr.status).toBe(201)
      expect(radarr.body).toMatchObject({ hasApiKey: true, hasWebhookSecret: true, app: "radarr" })
      expect(JSON.stringify(radarr.body)).not.toContain(SECRET)
      const sonarr = yield* create({
        app: "sonarr", name: "Sonarr", url: fakeSonarr.url, apiKey: "k", webhookSecret: SECRET, libraryId: tvLib.id,
        pathMappings: [{ from: "/data/media/tv", to: tv }]
      })
      expect(sonarr.status).toBe(201)
      expect((yield* create({ app: "radarr", name: "Radarr", url: fakeRadarr.url, apiKey: "k", webhookSecret: "x" })).status).toBe(409)
      expect((yield* create({ app: "radarr", name: "bad", url: "not a url", apiKey: "k", webhookSecret: "x" })).status).toBe(400)
      const listed = yield* request(url, "GET", "/api/v1/admin/integrations/instances", { auth: admin })
      expect(Array.isArray(listed.body) ? listed.body.length : -1).toBe(2)
      const bob = yield* account(url, "bob")
      expect((yield* request(url, "GET", "/api/v1/admin/integrations/instances", { auth: bob.auth })).status).toBe(403)
      expect((yield* request(url, "GET", "/api/v1/admin/integrations/radarr/status", { auth: bob.auth })).status).toBe(403)

      // Authentication first, then the body; neither records anything.
      const download = yield* Effect.orDie(readFixtureJson("radarr/webhook_Download.json"))
      expect((yield* post(url, "radarr", download, null)).status).toBe(401)
      expect((yield* post(url, "radarr", download, "wrong")).status).toBe(401)
      const bad = yield* post(url, "radarr", { eventType: "Download" })
      expect(bad.status).toBe(400)
      expect(JSON.stringify(bad.body)).toContain("movieFile.path")
      const noType = yield* post(url, "radarr", { movie: { id: 1 } })
      expect(noType.status).toBe(400)
      expect(JSON.stringify(noType.body)).toContain("eventType")
      const recorded = () => Effect.map(sql<{ n: number }>`SELECT count(*)::int AS n FROM arr_webhook_events`, (rows) => rows[0]?.n ?? 0)
      expect(yield* recorded()).toBe(0)

      // Test: 200, nothing recorded. Unknown types: accepted.
      expect((yield* hook(url, "radarr", "Test")).body).toMatchObject({ recorded: false })
      const unknown = yield* post(url, "radarr", { eventType: "SomethingNew" })
      expect(unknown.status).toBe(200)

      // Rename: the row follows the file, without a rescan.
      const byPath = (path: string) => sql<{ state: string; movie_id: string | null }>`SELECT state, movie_id FROM media_files WHERE path = ${path}`
      expect((yield* hook(url, "radarr", "Rename")).status).toBe(200)
      yield* eventually(byPath(Path.join(movies, NEW)), (rows) => rows.length === 1, { what: "renamed path", timeout: "20 seconds" })
      expect(yield* byPath(Path.join(movies, OLD))).toEqual([])
      yield* Effect.promise(() => Fs.rename(Path.join(movies, OLD), Path.join(movies, NEW)))

      // Download: the file is matched through the library's path; a repeat is not recorded again.
      // The title is known by its IMDb id here: it is found by id and refreshed.
      yield* sql`UPDATE movies SET imdb_id = 'tt0133093'`
      expect((yield* post(url, "radarr", download)).body).toMatchObject({ recorded: true, eventType: "Download" })
      expect((yield* post(url, "radarr", download)).body).toMatchObject({ recorded: false })
      yield* eventually(sql<{ quality: string | null; release_group: string | null }>`SELECT quality, release_group FROM arr_links WHERE kind = 'file' AND arr_id = 17`,
        (rows) => rows[0]?.quality === "Bluray-1080p" && rows[0]?.release_group === "FGT", { what: "file link", timeout: "20 seconds" })

      // Upgrade: the new file is matched, the replaced one is missing.
      yield* Effect.promise(() => Fs.writeFile(Path.join(movies, UHD), ""))
      expect((yield* hook(url, "radarr", "Download_upgrade")).status).toBe(200)
      yield* eventually(byPath(Path.join(movies, UHD)), (rows) => rows[0]?.movie_id != null, { what: "upgrade matched", timeout: "20 seconds" })
      yield* eventually(byPath(Path.join(movies, NEW)), (rows) => rows[0]?.state === "missing", { what: "replaced file missing", timeout: "20 seconds" })
      yield* eventually(sql<{ n: number }>`SELECT count(*)::int AS n FROM job_runs WHERE kind = 'metadata.refresh_movie'`,
        (rows) => (rows[0]?.n ?? 0) >= 1, { what: "refresh of the title found by id", timeout: "20 seconds" })
      // Lookups by id go through the cache: asked again, a hit (the jobs still running may drop the
      // namespace between two asks, so asked until one is a hit).
      const arr = Context.get(context, ArrLibrary)
      const lookup = arr.itemById(LibraryId.make(movieLib.id), "movie", { tmdbId: 603, imdbId: "tt0133093" })
      const l1Hits = Effect.map(Effect.promise(() => fetch(`${url}/metrics`).then((r) => r.text())), (text) =>
        Number(text.match(/cache_requests_total\{namespace="arr-item-ids",level="l1",result="hit"\} (\d+)/)?.[1] ?? "0"))
      const found = yield* lookup
      expect(Option.isSome(found)).toBe(true)
      const hitsBefore = yield* l1Hits
      yield* eventually(Effect.zipRight(lookup, l1Hits), (hits) => hits > hitsBefore, { what: "a cached lookup", timeout: "10 seconds" })
      expect(yield* lookup).toEqual(found)

      // MovieDelete: every file under the folder is marked missing (not deleted).
      expect((yield* hook(url, "radarr", "MovieDelete")).status).toBe(200)
      yield* eventually(byPath(Path.join(movies, UHD)), (rows) => rows[0]?.state === "missing", { what: "movie files missing", timeout: "20 seconds" })

      // MovieAdded / SeriesAdd: wanted, visible to admins.
      expect((yield* hook(url, "radarr", "MovieAdded")).status).toBe(200)
      expect((yield* hook(url, "sonarr", "SeriesAdd")).status).toBe(200)
      const wanted = yield* eventually(request(url, "GET", "/api/v1/admin/integrations/wanted", { auth: admin }),
        (res) => Array.isArray(res.body) && res.body.length === 2, { what: "wanted titles", timeout: "20 seconds" })
      expect(JSON.stringify(wanted.body)).toContain("Breaking Bad")

      // Events for notifications.
      for (const name of ["Grab", "ManualInteractionRequired", "Health", "HealthRestored", "ApplicationUpdate"]) {
        expect((yield* hook(url, "radarr", name)).status).toBe(200)
        expect((yield* hook(url, "sonarr", name)).status).toBe(200)
      }
      yield* eventually(Effect.sync(() => seen.filter((e) => e._tag === "integration.grab" || e._tag === "integration.health").length),
        (n) => n === 10, { what: "integration events", timeout: "20 seconds" })
      expect(seen.filter((e) => e._tag === "integration.health").length).toBe(6)

      // Sonarr's file events, including the import-complete form of Download; by instance id too.
      for (const name of ["Download", "Download_importComplete", "Download_upgrade_multiEpisode", "Rename", "EpisodeFileDelete", "SeriesDelete", "Test"]) {
        const body = yield* Effect.orDie(readFixtureJson(`sonarr/webhook_${name}.json`))
        const res = yield* request(url, "POST", `/api/v1/webhooks/sonarr/${String((sonarr.body as { id: string }).id)}?secret=${SECRET}`, { body })
        expect([name, res.status]).toEqual([name, 200])
      }
      const pilot = Path.join(tv, "Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E01 - Pilot [Bluray-1080p][DTS 5.1][x264]-ROVERS.mkv")
      yield* eventually(sql<{ state: string }>`SELECT state FROM media_files WHERE path = ${pilot}`,
        (rows) => rows[0]?.state === "missing", { what: "episode file missing", timeout: "30 seconds" })

      // Every recorded event was processed exactly once.
      const states = yield* eventually(sql<{ state: string; effects: number }>`SELECT state, effects FROM arr_webhook_events WHERE state <> 'ignored'`,
        (rows) => rows.every((r) => r.state === "done"), { what: "all processed", timeout: "30 seconds" })
      expect(states.every((r) => r.effects === 1)).toBe(true)
      yield* Fiber.interrupt(listener)
    }), { timeout: 120_000 })

  it.scopedLive("reference operations reach the app; its refusals, absences, slowness and failures are clear errors", () =>
    Effect.gen(function* () {
      const { admin, url } = yield* libraryNode("arr_admin", { ARR_TIMEOUT: "1 second", METADATA_CIRCUIT_FAILURES: "100" })
      const fake = yield* FakeHttp.make(yield* Effect.orDie(fixtureRoutes("radarr")))
      const fakeSonarr = yield* FakeHttp.make(yield* Effect.orDie(fixtureRoutes("sonarr")))
      for (const [app, fakeUrl] of [["radarr", fake.url], ["sonarr", fakeSonarr.url]] as const) {
        const made = yield* request(url, "POST", "/api/v1/admin/integrations/instances", {
          auth: admin, body: { app, name: app, url: fakeUrl, apiKey: "key-1", webhookSecret: SECRET }
        })
        expect(made.status).toBe(201)
        const status = yield* request(url, "GET", `/api/v1/admin/integrations/${app}/status`, { auth: admin })
        expect(status.status).toBe(200)
        expect(status.body).toMatchObject({ system: { appName: app === "radarr" ? "Radarr" : "Sonarr" }, lastSync: null })
        const profiles = yield* request(url, "GET", `/api/v1/admin/integrations/${app}/quality-profiles`, { auth: admin })
        expect(Array.isArray(profiles.body) && profiles.body.length > 0).toBe(true)
        const folders = yield* request(url, "GET", `/api/v1/admin/integrations/${app}/root-folders`, { auth: admin })
        expect(JSON.stringify(folders.body)).toContain("/data/media/")
      }
      const requests = yield* fake.requests
      expect(requests.every((r) => r.headers["x-api-key"] === "key-1")).toBe(true)

      const status = () => request(url, "GET", "/api/v1/admin/integrations/radarr/status", { auth: admin })
      yield* fake.addRoute({ method: "GET", path: "/api/v3/system/status", times: 1, response: { status: 401 } })
      const refused = yield* status()
      expect(refused.status).toBe(500)
      expect(refused.body).toMatchObject({ code: "ConfigurationError" })
      yield* fake.addRoute({ method: "GET", path: "/api/v3/system/status", times: 1, response: { status: 503 } })
      expect((yield* status()).status).toBe(503)
      yield* fake.addRoute({ method: "GET", path: "/api/v3/system/status", times: 1, response: { status: 200, delayMs: 3_000, body: {} } })
      expect((yield* status()).status).toBe(503)
      const missing = yield* request(url, "GET", "/api/v1/admin/integrations/radarr/titles/999", { auth: admin })
      expect(missing.status).toBe(404)
      expect((yield* request(url, "GET", "/api/v1/admin/integrations/radarr/titles/1", { auth: admin })).body).toMatchObject({ title: "The Matrix", hasFile: true })
      expect((yield* request(url, "GET", "/api/v1/admin/integrations/lidarr/status", { auth: admin })).status).toBe(400)

      // Adding a title: the app's lookup, then its add with the chosen quality profile and root folder.
      const matrix = Schema.decodeUnknownSync(Schema.Record({ key: Schema.String, value: Schema.Unknown }))(
        yield* Effect.orDie(readFixtureJson("radarr/GET_api_v3_movie_1.json")))
      yield* fake.addRoute({ method: "GET", path: "/api/v3/movie/lookup/tmdb?tmdbId=603", response: { body: { ...matrix, id: 0, hasFile: false, monitored: false } } })
      yield* fake.addRoute({ method: "POST", path: "/api/v3/movie", response: { status: 201, body: { ...matrix, id: 77, hasFile: false, monitored: true } } })
      const add = (body: Record<string, unknown>) => request(url, "POST", "/api/v1/admin/integrations/radarr/titles", { auth: admin, body })
      const addedTitle = yield* add({ tmdbId: 603, qualityProfileId: 1, rootFolderPath: "/data/media/movies" })
      expect(addedTitle.status).toBe(201)
      expect(addedTitle.body).toMatchObject({ arrId: 77, title: "The Matrix", monitored: true, hasFile: false })
      const posted = (yield* fake.requests).filter((r) => r.method === "POST" && r.path === "/api/v3/movie")
      expect(posted).toHaveLength(1)
      expect(JSON.parse(posted[0]?.body ?? "{}")).toMatchObject({
        tmdbId: 603, title: "The Matrix", qualityProfileId: 1, rootFolderPath: "/data/media/movies", monitored: true, addOptions: { searchForMovie: true }
      })
      // A title the app does not know is a 404; a Radarr add without its TMDb id is refused before any call.
      yield* fake.addRoute({ method: "GET", path: "/api/v3/movie/lookup/tmdb?tmdbId=999999", response: { status: 404, body: { message: "NotFound" } } })
      expect((yield* add({ tmdbId: 999999, qualityProfileId: 1, rootFolderPath: "/data/media/movies" })).status).toBe(404)
      const noId = yield* add({ tvdbId: 81189, qualityProfileId: 1, rootFolderPath: "/data/media/movies" })
      expect(noId.status).toBe(422)
      expect(JSON.stringify(noId.body)).toContain("tmdbId")
    }), { timeout: 60_000 })
})
