import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { account, read, request } from "@mediaserver/testkit/Http"
import { fixture, type Route } from "@mediaserver/testkit/FakeHttp"
import { fakeTmdb } from "@mediaserver/testkit/FakeTmdb"
import { missingOperations } from "../support/ServedOperations.js"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"

const Created = Schema.Struct({ id: Schema.String })

const tempDir = Effect.acquireRelease(
  Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "ms-meta-http-"))),
  (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
)

/** The metadata and image operations of the reference (api-operations.txt), plus the refresh operations of the issue. */
const REFERENCE = `
GET /api/v1/metadata/movie/{id}/credits
GET /api/v1/metadata/movie/{id}/images
GET /api/v1/metadata/movie/{id}/similar
GET /api/v1/metadata/movie/{id}/recommendations
GET /api/v1/metadata/movie/{id}/external-ids
GET /api/v1/metadata/tv/{id}/credits
GET /api/v1/metadata/tv/{id}/images
GET /api/v1/metadata/tv/{id}/content-ratings
GET /api/v1/metadata/tv/{id}/external-ids
GET /api/v1/metadata/tv/{id}/season/{seasonNumber}/images
GET /api/v1/metadata/tv/{id}/season/{seasonNumber}/episode/{episodeNumber}/images
GET /api/v1/metadata/search/person
GET /api/v1/metadata/person/{id}
GET /api/v1/metadata/person/{id}/credits
GET /api/v1/metadata/person/{id}/images
GET /api/v1/metadata/providers
GET /api/v1/metadata/search/movie
GET /api/v1/metadata/movie/{id}
GET /api/v1/metadata/collection/{id}
GET /api/v1/metadata/search/tv
GET /api/v1/metadata/tv/{id}
GET /api/v1/metadata/tv/{id}/season/{seasonNumber}
GET /api/v1/metadata/tv/{id}/season/{seasonNumber}/episode/{episodeNumber}
GET /api/v1/images/{type}/{size}/{path}
POST /api/v1/movies/{id}/refresh
POST /api/v1/tvshows/{id}/refresh
`

/**
 * Answers with images and person credits, which the fixtures lack (TMDb appends them on request), so
 * those sub-resources show their mapping: a second season and its first episode, a second person.
 */
const withImagesAndCredits: ReadonlyArray<Route> = [
  {
    method: "GET",
    path: "/3/tv/1396/season/2",
    response: { body: { id: 3573, season_number: 2, name: "Season 2", episodes: [], images: {
      posters: [{ file_path: "/season2.jpg", iso_639_1: "en", width: 1000, height: 1500, vote_average: 5.3 }]
    } } }
  },
  {
    method: "GET",
    path: "/3/tv/1396/season/2/episode/1",
    response: { body: { id: 62092, season_number: 2, episode_number: 1, name: "Seven Thirty-Seven", images: {
      stills: [{ file_path: "/s2e1.jpg", width: 1920, height: 1080 }]
    } } }
  },
  {
    method: "GET",
    path: "/3/person/6385",
    response: { body: { id: 6385, name: "Carrie-Anne Moss", combined_credits: {
      cast: [{ id: 603, media_type: "movie", title: "The Matrix", character: "Trinity", release_date: "1999-03-31" }],
      crew: [{ id: 1396, media_type: "tv", name: "Breaking Bad", department: "Directing", job: "Director", first_air_date: "2008-01-20" }]
    }, images: { profiles: [{ file_path: "/trinity.jpg", width: 400, height: 600 }] } } }
  }
]

describe("metadata operations over REST", () => {
  it.scopedLive("every metadata and image operation of the reference is in the OpenAPI document", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      expect(yield* missingOperations(url, REFERENCE)).toEqual([])
    }))

  it.scopedLive("lookups for admins and library managers only; TMDb answers mapped; cached; 401, 404, 5xx and an open circuit", () =>
    Effect.gen(function* () {
      const { server, env } = yield* fakeTmdb(withImagesAndCredits)
      const dir = yield* tempDir
      const { url } = yield* startServerWithDatabase({ ...env, DATA_DIR: dir, METADATA_CIRCUIT_FAILURES: "2", METADATA_CIRCUIT_COOLDOWN: "1 minute" })
      const admin = (yield* account(url, "admin")).auth
      const user = (yield* account(url, "bob")).auth
      const get = (path: string, auth = admin) => request(url, "GET", `/api/v1${path}`, { auth })

      // Who may: no credential 401, a plain user 403, a library manager and an admin 200.
      expect((yield* request(url, "GET", "/api/v1/metadata/providers")).status).toBe(401)
      expect((yield* get("/metadata/providers", user)).status).toBe(403)
      expect((yield* get("/metadata/search/movie?query=The%20Matrix", user)).status).toBe(403)
      expect((yield* request(url, "GET", `/api/v1/images/poster/w92/abc.jpg`)).status).toBe(401)
      const library = yield* Effect.flatMap(
        request(url, "POST", "/api/v1/libraries", { auth: admin, body: { name: "Movies", kind: "movie", paths: [dir] } }),
        read(Created)
      )
      const bobId = yield* Effect.flatMap(request(url, "GET", "/api/v1/users/me", { auth: user }), read(Created))
      yield* request(url, "POST", `/api/v1/libraries/${library.id}/permissions`, { auth: admin, body: { userId: bobId.id, canManage: true } })
      expect((yield* get("/metadata/search/movie?query=The%20Matrix", user)).status).toBe(200)

      const providers = yield* get("/metadata/providers")
      // TMDb first; the other providers listed (not enabled by METADATA_PROVIDERS, Letterboxd never usable).
      expect(providers.body).toMatchObject([
        { name: "tmdb", priority: 1, enabled: true, configured: true, healthy: true, circuit: "closed", lastError: null, keySet: true, configurationError: null },
        { name: "tvdb", enabled: false }, { name: "omdb", enabled: false }, { name: "tvmaze", enabled: false }, { name: "fanart", enabled: false },
        { name: "anilist", enabled: false }, { name: "anidb", enabled: false }, { name: "mal", enabled: false }, { name: "kitsu", enabled: false },
        { name: "trakt", enabled: false }, { name: "simkl", enabled: false }, { name: "letterboxd", enabled: false, healthy: false, unavailable: expect.stringContaining("no public API") }
      ])

      // Search, details and their sub-resources.
      const search = yield* get("/metadata/search/movie?query=The%20Matrix&year=1999")
      expect(search.body).toMatchObject({
        totalResults: 3,
        results: expect.arrayContaining([expect.objectContaining({ id: "603", title: "The Matrix", year: 1999, mediaType: "movie", genres: expect.arrayContaining(["Action"]) })])
      })
      const searched = (yield* server.requests).filter((r) => r.path === "/3/search/movie").at(-1)
      expect(searched?.query).toMatchObject({ query: "The Matrix", year: "1999", api_key: env.TMDB_API_KEY })
      expect((yield* get("/metadata/search/movie?query=zzz")).body).toMatchObject({ totalResults: 0, results: [] })
      const noQuery = yield* get("/metadata/search/movie")
      expect(noQuery.status).toBe(400)
      expect(JSON.stringify(noQuery.body)).toContain("query")
      const movie = yield* get("/metadata/movie/603")
      expect(movie.status).toBe(200)
      expect(movie.body).toMatchObject({
        provider: "tmdb", id: "603", title: "The Matrix", releaseDate: "1999-03-31", runtimeMinutes: 136,
        collection: { id: "2344", name: "The Matrix Collection" }, externalIds: { imdb: "tt0133093", wikidata: "Q83495" }
      })
      expect((yield* get("/metadata/movie/603/credits")).body).toEqual(expect.arrayContaining([
        expect.objectContaining({ personId: "6384", name: "Keanu Reeves", kind: "cast", character: "Thomas A. Anderson / Neo" })
      ]))
      expect((yield* get("/metadata/movie/603/images")).body).toEqual(expect.arrayContaining([
        expect.objectContaining({ kind: "poster", path: "/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg" })
      ]))
      expect((yield* get("/metadata/movie/603/external-ids")).body).toMatchObject({ tmdb: "603", imdb: "tt0133093" })
      expect((yield* get("/metadata/movie/603/similar")).body).toMatchObject({ results: [{ id: "604", title: "The Matrix Reloaded" }] })
      expect((yield* get("/metadata/movie/603/recommendations")).body).toMatchObject({ results: [{ id: "605" }] })
      expect((yield* get("/metadata/collection/2344")).body).toMatchObject({ name: "The Matrix Collection", parts: [{ id: "603" }] })
      // The details were asked once: the sub-resources came from the cache.
      const detailCalls = (yield* server.requests).filter((r) => r.path === "/3/movie/603")
      expect(detailCalls.length).toBe(1)
      expect(detailCalls[0]?.query["append_to_response"]).toContain("release_dates")

      expect((yield* get("/metadata/search/tv?query=Breaking%20Bad")).body).toMatchObject({
        results: expect.arrayContaining([expect.objectContaining({ id: "1396", mediaType: "tv", year: 2008 })])
      })
      expect((yield* get("/metadata/tv/1396")).body).toMatchObject({ title: "Breaking Bad", firstAirDate: "2008-01-20", networks: [{ name: "AMC" }] })
      expect((yield* get("/metadata/tv/1396/content-ratings")).body).toEqual(expect.arrayContaining([{ country: "US", rating: "TV-MA" }]))
      expect((yield* get("/metadata/tv/1396/external-ids")).body).toMatchObject({ imdb: "tt0903747", tvdb: "81189" })
      expect((yield* get("/metadata/tv/1396/credits")).body).toEqual([expect.objectContaining({ name: "Vince Gilligan", job: "Creator" })])
      expect((yield* get("/metadata/tv/1396/images")).body).toEqual([])
      const season = yield* get("/metadata/tv/1396/season/1")
      expect(season.body).toMatchObject({
        seasonNumber: 1, name: "Season 1", episodes: expect.arrayContaining([expect.objectContaining({ episodeNumber: 1, title: "Pilot" })])
      })
      // The fixtures carry no images or person credits: those sub-resources are read from the answers above.
      expect((yield* get("/metadata/tv/1396/season/1/images")).body).toEqual([])
      expect((yield* get("/metadata/tv/1396/season/2/images")).body).toEqual([
        { kind: "poster", path: "/season2.jpg", language: "en", width: 1000, height: 1500, voteAverage: 5.3 }
      ])
      expect((yield* get("/metadata/tv/1396/season/1/episode/1")).body).toMatchObject({ title: "Pilot", runtimeMinutes: 58 })
      expect((yield* get("/metadata/tv/1396/season/1/episode/1/images")).body).toEqual([])
      expect((yield* get("/metadata/tv/1396/season/2/episode/1/images")).body).toEqual([
        { kind: "still", path: "/s2e1.jpg", language: null, width: 1920, height: 1080, voteAverage: 0 }
      ])
      expect((yield* get("/metadata/search/person?query=Keanu%20Reeves")).body).toMatchObject({ results: [{ id: "6384", mediaType: "person" }] })
      expect((yield* get("/metadata/person/6384")).body).toMatchObject({ name: "Keanu Reeves", birthday: "1964-09-02", imdbId: "nm0000206" })
      expect((yield* get("/metadata/person/6384/credits")).body).toEqual([])
      expect((yield* get("/metadata/person/6384/images")).body).toEqual([])
      expect((yield* get("/metadata/person/6385/credits")).body).toEqual([
        expect.objectContaining({ mediaType: "movie", id: "603", title: "The Matrix", character: "Trinity", year: 1999 }),
        expect.objectContaining({ mediaType: "tv", id: "1396", title: "Breaking Bad", department: "Directing", job: "Director", year: 2008 })
      ])
      expect((yield* get("/metadata/person/6385/images")).body).toEqual([
        { kind: "profile", path: "/trinity.jpg", language: null, width: 400, height: 600, voteAverage: 0 }
      ])

      // Bad ids are 400 naming the field; ids TMDb does not know are 404.
      const badId = yield* get("/metadata/movie/abc")
      expect(badId.status).toBe(400)
      expect(JSON.stringify(badId.body)).toContain("id")
      expect((yield* get("/metadata/movie/999")).status).toBe(404)
      // Images: validated path and size; a path no refresh recorded is 404 (never fetched).
      expect((yield* get("/images/poster/w92/..%2F..%2Fetc%2Fpasswd")).status).toBe(400)
      expect((yield* get("/images/poster/w9999/abc.jpg")).status).toBe(400)
      expect((yield* get("/images/poster/w92/unknown.jpg")).status).toBe(404)
      expect((yield* server.requests).some((r) => r.path.includes("unknown.jpg"))).toBe(false)

      // TMDb refusing our key: 503 naming the reason.
      yield* server.setRoutes([{ method: "*", path: "*", response: { status: 401, body: fixture("tmdb/ERROR_401_invalid_api_key.json") } }])
      const refused = yield* get("/metadata/movie/604")
      expect(refused.status).toBe(503)
      expect(refused.body).toMatchObject({ code: "Unavailable", details: { reason: "unauthorized" } })
      // ...and it is called no more: the refusal is TMDb's configuration error until an admin changes its settings.
      expect((yield* get("/metadata/providers")).body).toMatchObject([
        { name: "tmdb", healthy: false, configurationError: expect.stringContaining("refused our credentials") }, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}
      ])
      const afterRefusal = (yield* server.requests).length
      expect((yield* get("/metadata/movie/604")).status).toBe(503)
      expect((yield* server.requests).length).toBe(afterRefusal)
      const resetKey = yield* request(url, "PATCH", "/api/v1/admin/metadata/providers/tmdb", { auth: admin, body: { apiKey: env.TMDB_API_KEY } })
      expect(resetKey.status).toBe(200)
      expect(resetKey.body).toMatchObject({ name: "tmdb", keySet: true, configurationError: null, healthy: true })
      // 5xx twice opens the circuit: the third call fails at once, without a request.
      yield* server.setRoutes([{ method: "*", path: "*", response: { status: 502, body: "bad gateway" } }])
      expect((yield* get("/metadata/movie/605")).status).toBe(503)
      expect((yield* get("/metadata/movie/606")).status).toBe(503)
      const before = (yield* server.requests).length
      const fast = yield* get("/metadata/movie/607")
      expect(fast.status).toBe(503)
      expect(JSON.stringify(fast.body)).toContain("circuit open")
      expect((yield* server.requests).length).toBe(before)
      expect((yield* get("/metadata/providers")).body).toMatchObject([{ name: "tmdb", healthy: false, circuit: "open" }, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}])
    }), { timeout: 60_000 })

  it.scopedLive("without TMDB_API_KEY the provider is listed as not configured and lookups are 503", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase({ DATA_DIR: yield* tempDir })
      const admin = (yield* account(url, "admin")).auth
      expect((yield* request(url, "GET", "/api/v1/metadata/providers", { auth: admin })).body).toMatchObject([
        { name: "tmdb", configured: false, keySet: false, healthy: false }, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}
      ])
      const lookup = yield* request(url, "GET", "/api/v1/metadata/movie/603", { auth: admin })
      expect(lookup.status).toBe(503)
      expect(lookup.body).toMatchObject({ code: "Unavailable", details: { reason: "not_configured" } })
    }), { timeout: 60_000 })
})
