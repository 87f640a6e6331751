import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Schema } from "effect"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import sharp from "sharp"
import { read, request } from "@mediaserver/testkit/Http"
import { fixture, readFixtureJson } from "@mediaserver/testkit/FakeHttp"
import { fakeTmdb } from "@mediaserver/testkit/FakeTmdb"
import { eventually } from "@mediaserver/testkit/Poll"
import { libraryNode, metadataIdle, scanNow, scannedLibraries, tree } from "@mediaserver/testkit/LibraryNode"

const dataDir = Effect.acquireRelease(
  Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "ms-metadata-"))),
  (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
)

const POSTER = "f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg"

/**
 * The Matrix as TMDb answers with `append_to_response=alternative_titles` (the shared fixture was
 * recorded without it): titles per country, one repeating the title, one listed twice.
 */
const withAlternativeTitles = (body: unknown) => ({
  ...(typeof body === "object" && body !== null ? body : {}),
  alternative_titles: {
    titles: [
      { iso_3166_1: "RU", title: "Матрица", type: "" },
      { iso_3166_1: "US", title: "The Matrix", type: "" },
      { iso_3166_1: "DE", title: "Matrix", type: "" },
      { iso_3166_1: "FR", title: "Matrix", type: "" }
    ]
  }
})

describe("metadata refresh pipeline", () => {
  it.scopedLive("a scan's movie, series, seasons, episodes, cast, people and images are filled from TMDb; 404 discards; 5xx retries; 429 waits; locks hold", () =>
    Effect.gen(function* () {
      // The first details request of The Matrix is rate limited: the client waits Retry-After, then retries.
      const movieCalls: Array<number> = []
      // Keanu's first lookup meets a 503: his refresh job fails its first attempt and is retried.
      let personCalls = 0
      const matrix = yield* Effect.orDie(readFixtureJson("tmdb/GET_3_movie_603.json"))
      const { server, env } = yield* fakeTmdb([
        {
          method: "GET",
          path: "/3/tv/1396/season/1/episode/3",
          response: { body: { id: 62087, season_number: 1, episode_number: 3, name: "...And the Bag's in the River", air_date: "2008-02-10", runtime: 48, still_path: "/tz3aFdUS0mQfJvIDbtATp0rnDbL.jpg" } }
        },
        {
          method: "GET",
          path: "/3/person/6384",
          response: () => (++personCalls === 1 ? { status: 503, body: "try later" } : { body: fixture("tmdb/GET_3_person_6384.json") })
        },
        {
          method: "GET",
          path: "/3/movie/603",
          response: () => {
            movieCalls.push(Date.now())
            return movieCalls.length === 1
              ? { status: 429, headers: { "retry-after": "1" }, body: { success: false, status_code: 25, status_message: "over the limit" } }
              : { body: withAlternativeTitles(matrix) }
          }
        }
      ])
      const { url, sql, admin } = yield* libraryNode("meta_flow", { ...env, DATA_DIR: yield* dataDir })
      const movies = yield* tree({ "The Matrix (1999)/The Matrix (1999).mkv": "" })
      const shows = yield* tree({
        "Breaking Bad/Season 01/Breaking Bad S01E01.mkv": "",
        "Breaking Bad/Season 01/Breaking Bad S01E02.mkv": ""
      })
      const { shows: showLibrary } = yield* scannedLibraries(url, admin, { movies, shows })

      const settled = { timeout: Duration.seconds(60), interval: Duration.millis(200) }
      const idle = metadataIdle(sql)
      yield* eventually(
        sql<{ n: number }>`SELECT count(*)::int AS n FROM job_runs WHERE kind = 'metadata.download_image' AND state = 'completed'`,
        (rows) => (rows[0]?.n ?? 0) > 0,
        { what: "an image downloaded", ...settled }
      )
      yield* idle

      // The movie, matched by title and year, with collection, genres, studios, cast and crew.
      const [movie] = yield* sql<{
        id: string; title: string; tmdb_id: string; imdb_id: string; tagline: string; release: string; runtime_minutes: number
        certification: string | null; metadata_state: string; collection: string | null; genres: number; studios: number
      }>`
        SELECT m.id, m.title, m.tmdb_id, m.imdb_id, m.tagline, to_char(m.release_date, 'YYYY-MM-DD') AS release, m.runtime_minutes,
          m.certification, m.metadata_state, c.name AS collection,
          (SELECT count(*)::int FROM movie_genres g WHERE g.movie_id = m.id) AS genres,
          (SELECT count(*)::int FROM movie_studios s WHERE s.movie_id = m.id) AS studios
        FROM movies m LEFT JOIN collections c ON c.id = m.collection_id`
      expect(movie).toMatchObject({
        title: "The Matrix", tmdb_id: "603", imdb_id: "tt0133093", tagline: "Believe the unbelievable.", release: "1999-03-31",
        runtime_minutes: 136, metadata_state: "ready", collection: "The Matrix Collection"
      })
      expect(movie?.genres).toBeGreaterThan(0)
      // Its other titles (asked for with the details) are stored once each, and search finds it by them.
      expect(yield* sql<{ alternative_titles: ReadonlyArray<string> }>`SELECT alternative_titles FROM movies`)
        .toEqual([{ alternative_titles: ["Матрица", "Matrix"] }])
      const found = yield* request(url, "GET", `/api/v1/search/movies?q=${encodeURIComponent("матрица")}`, { auth: admin })
      expect(JSON.stringify(found.body)).toContain("The Matrix")
      expect(movie?.studios).toBeGreaterThan(0)
      const cast = yield* sql<{ name: string; character: string | null; kind: string }>`
        SELECT p.name, c.character, c.kind FROM credits c JOIN people p ON p.id = c.person_id
        WHERE c.movie_id = ${movie?.id ?? ""} ORDER BY c.kind, c.position`
      expect(cast[0]).toEqual({ name: "Keanu Reeves", character: "Thomas A. Anderson / Neo", kind: "cast" })
      expect(cast.some((c) => c.kind === "crew")).toBe(true)

      // 429: one wait of Retry-After, then the same request again.
      expect(movieCalls.length).toBe(2)
      expect((movieCalls[1] ?? 0) - (movieCalls[0] ?? 0)).toBeGreaterThanOrEqual(950)

      // People: Keanu's row is real; a person TMDb does not know (404) is discarded after one attempt.
      const [keanu] = yield* sql<{ biography: string | null; birthday: string; place_of_birth: string; metadata_state: string; known_for_department: string }>`
        SELECT biography, to_char(birthday, 'YYYY-MM-DD') AS birthday, place_of_birth, metadata_state, known_for_department
        FROM people WHERE tmdb_id = '6384'`
      expect(keanu).toMatchObject({ birthday: "1964-09-02", place_of_birth: "Beirut, Lebanon", metadata_state: "ready", known_for_department: "Acting" })
      expect(keanu?.biography).toContain("Keanu")
      const keanuRun = yield* sql<{ state: string; attempt: number }>`
        SELECT r.state, r.attempt FROM job_runs r JOIN people p ON p.id::text = r.payload->>'personId'
        WHERE r.kind = 'metadata.refresh_person' AND p.tmdb_id = '6384'`
      expect(keanuRun).toEqual([{ state: "completed", attempt: 2 }])
      const unknown = yield* sql<{ state: string; attempt: number; metadata_state: string }>`
        SELECT r.state, r.attempt, p.metadata_state FROM job_runs r JOIN people p ON p.id::text = r.payload->>'personId'
        WHERE r.kind = 'metadata.refresh_person' AND p.tmdb_id = '9339'`
      expect(unknown).toEqual([{ state: "discarded", attempt: 1, metadata_state: "not_found" }])

      // The series, its season and episodes (with guest stars), matched by title alone.
      const [series] = yield* sql<{ id: string; title: string; tmdb_id: string; tvdb_id: string; certification: string; first: string; networks: number }>`
        SELECT s.id, s.title, s.tmdb_id, s.tvdb_id, s.certification, to_char(s.first_air_date, 'YYYY-MM-DD') AS first,
          (SELECT count(*)::int FROM series_networks n WHERE n.series_id = s.id) AS networks
        FROM series s`
      expect(series).toMatchObject({ title: "Breaking Bad", tmdb_id: "1396", tvdb_id: "81189", certification: "TV-MA", first: "2008-01-20", networks: 1 })
      const [season] = yield* sql<{ name: string; overview: string | null; poster_path: string | null }>`SELECT name, overview, poster_path FROM seasons`
      expect(season?.name).toBe("Season 1")
      expect(season?.poster_path).not.toBeNull()
      const episodes = yield* sql<{ episode_number: number; title: string; still_path: string | null; runtime_minutes: number | null; guests: number }>`
        SELECT e.episode_number, e.title, e.still_path, e.runtime_minutes,
          (SELECT count(*)::int FROM credits c WHERE c.episode_id = e.id AND c.kind = 'guest') AS guests
        FROM episodes e ORDER BY e.episode_number`
      expect(episodes.map((e) => e.title)).toEqual(["Pilot", "Cat's in the Bag..."])
      expect(episodes[0]?.guests).toBeGreaterThan(0)
      expect(episodes.every((e) => e.still_path !== null)).toBe(true)

      // Images: downloaded once, content-addressed, served resized in the format the client takes.
      const [poster] = yield* sql<{ content_hash: string | null; width: number }>`SELECT content_hash, width FROM images WHERE path = ${`/${POSTER}`}`
      expect(poster?.content_hash).toMatch(/^[0-9a-f]{64}$/)
      const served = yield* Effect.promise(() =>
        fetch(`${url}/api/v1/images/poster/w342/${POSTER}`, { headers: { authorization: `Bearer ${"token" in admin ? admin.token : ""}`, accept: "image/webp,*/*" } }))
      expect(served.status).toBe(200)
      expect(served.headers.get("content-type")).toBe("image/webp")
      expect(served.headers.get("cache-control")).toContain("immutable")
      const etag = served.headers.get("etag") ?? ""
      const bytes = new Uint8Array(yield* Effect.promise(() => served.arrayBuffer()))
      const meta = yield* Effect.promise(() => sharp(bytes).metadata())
      expect(meta).toMatchObject({ format: "webp", width: 342 })
      const again = yield* request(url, "GET", `/api/v1/images/poster/w342/${POSTER}`, { auth: admin, headers: { accept: "image/webp", "if-none-match": etag } })
      expect(again.status).toBe(304)
      expect((yield* request(url, "GET", `/api/v1/images/profile/w92/${POSTER}`, { auth: admin })).status).toBe(404)
      const imageRequests = (yield* server.requests).filter((r) => r.path === `/t/p/original/${POSTER}`)
      expect(imageRequests.length).toBe(1)

      // A locked title survives a refresh; the refresh itself ran (the overview came back).
      const movieId = movie?.id ?? ""
      const edited = yield* request(url, "PATCH", `/api/v1/movies/${movieId}/metadata`, { auth: admin, body: { title: "My Matrix", overview: "Mine." } })
      expect(edited.status).toBe(200)
      expect(edited.body).toMatchObject({ title: "My Matrix", lockedFields: ["overview", "title"] })
      const unlocked = yield* request(url, "PATCH", `/api/v1/movies/${movieId}/metadata`, { auth: admin, body: { unlock: ["overview"] } })
      expect(unlocked.body).toMatchObject({ lockedFields: ["title"] })
      const queued = yield* request(url, "POST", `/api/v1/movies/${movieId}/refresh`, { auth: admin })
      expect(queued.status).toBe(202)
      const { jobId } = yield* read(Schema.Struct({ jobId: Schema.String }))(queued)
      const twice = yield* request(url, "POST", `/api/v1/movies/${movieId}/refresh`, { auth: admin })
      expect(twice.body).toEqual({ jobId })
      yield* eventually(
        request(url, "GET", `/api/v1/admin/jobs/${jobId}`, { auth: admin }),
        (res) => Schema.is(Schema.Struct({ state: Schema.Literal("completed") }))(res.body),
        { what: "the manual refresh", ...settled }
      )
      const [after] = yield* sql<{ title: string; overview: string; sort_title: string }>`SELECT title, overview, sort_title FROM movies WHERE id = ${movieId}`
      expect(after?.title).toBe("My Matrix")
      expect(after?.overview).toContain("22nd century")

      // A later scan finds a new episode of the filled series: that episode alone is refreshed.
      yield* Effect.promise(() => Fs.writeFile(Path.join(shows, "Breaking Bad/Season 01/Breaking Bad S01E03.mkv"), ""))
      yield* scanNow(url, admin, showLibrary.id)
      const third = yield* eventually(
        sql<{ title: string | null; metadata_state: string }>`SELECT title, metadata_state FROM episodes WHERE episode_number = 3`,
        (rows) => rows[0]?.metadata_state === "ready",
        { what: "the new episode filled", ...settled }
      )
      expect(third[0]?.title).toBe("...And the Bag's in the River")
      yield* idle

      // A refresh that gives up says so once, with the library of its item (people are in none): here a
      // series matched to an id TMDb does not know.
      const seriesId = series?.id ?? ""
      yield* sql`UPDATE series SET tmdb_id = '999999999' WHERE id = ${seriesId}`
      expect((yield* request(url, "POST", `/api/v1/tvshows/${seriesId}/refresh`, { auth: admin })).status).toBe(202)
      const failures = yield* eventually(
        sql<{ payload: { readonly itemKind: string; readonly itemId: string; readonly libraryId: string | null } }>`
          SELECT payload FROM event_outbox WHERE type = 'metadata.refresh_failed' ORDER BY id`,
        (rows) => rows.some((r) => r.payload.itemKind === "series"),
        { what: "the series' refresh_failed event", ...settled }
      )
      expect(failures.filter((r) => r.payload.itemKind === "person").every((r) => r.payload.libraryId === null)).toBe(true)
      expect(failures.filter((r) => r.payload.itemKind === "series").map((r) => [r.payload.itemId, r.payload.libraryId])).toEqual([[seriesId, showLibrary.id]])
    }), { timeout: 120_000 })
})
