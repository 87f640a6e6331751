import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Schema } from "effect"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { account, read, request } from "@mediaserver/testkit/Http"
import { fixture } from "@mediaserver/testkit/FakeHttp"
import { fakeTmdb } from "@mediaserver/testkit/FakeTmdb"
import { eventually } from "@mediaserver/testkit/Poll"
import { createLibrary, libraryNode, scanNow, tree } from "@mediaserver/testkit/LibraryNode"

const State = Schema.Struct({
  id: Schema.String,
  title: Schema.String,
  metadataState: Schema.String,
  tmdbId: Schema.NullOr(Schema.String),
  matchCandidates: Schema.Array(Schema.Struct({ id: Schema.String, title: Schema.String, score: Schema.Number }))
})

describe("matching scanned titles", () => {
  it.scopedLive("a doubtful title stays unmatched with its candidates until a manager confirms one; managers only", () =>
    Effect.gen(function* () {
      // A typo in the folder name: TMDb still answers, but no candidate is confident.
      const { env } = yield* fakeTmdb([
        { method: "GET", path: "/3/search/movie", match: { query: { query: "The Matrx" } }, response: { body: fixture("tmdb/GET_3_search_movie_The_Matrix.json") } }
      ])
      const dataDir = yield* Effect.acquireRelease(
        Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "ms-match-"))),
        (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
      )
      const { url, sql, admin } = yield* libraryNode("meta_match", { ...env, DATA_DIR: dataDir })
      const root = yield* tree({ "The Matrx (1999)/The Matrx (1999).mkv": "" })
      const library = yield* createLibrary(url, admin, { name: "Movies", kind: "movie", paths: [root] })
      yield* scanNow(url, admin, library.id)
      const [movie] = yield* sql<{ id: string }>`SELECT id FROM movies`
      const movieId = movie?.id ?? ""
      const path = `/api/v1/movies/${movieId}/metadata`
      const waitFor = (state: string) =>
        eventually(Effect.flatMap(request(url, "GET", path, { auth: admin }), read(State)), (s) => s.metadataState === state, {
          what: `movie ${state}`, timeout: Duration.seconds(30), interval: Duration.millis(100)
        })

      const unmatched = yield* waitFor("unmatched")
      expect(unmatched).toMatchObject({ title: "The Matrx", tmdbId: null })
      expect(unmatched.matchCandidates.map((c) => c.id)).toEqual(["603", "684428", "14543"])

      // Only the library's managers: no credential 401, no grant 404 (the item stays private), view only 403.
      expect((yield* request(url, "POST", `/api/v1/movies/${movieId}/match`, { body: { tmdbId: "603" } })).status).toBe(401)
      const bob = yield* account(url, "bob")
      expect((yield* request(url, "GET", path, { auth: bob.auth })).status).toBe(404)
      yield* request(url, "POST", `/api/v1/libraries/${library.id}/permissions`, { auth: admin, body: { userId: bob.user.id } })
      expect((yield* request(url, "POST", `/api/v1/movies/${movieId}/match`, { auth: bob.auth, body: { tmdbId: "603" } })).status).toBe(403)
      expect((yield* request(url, "POST", `/api/v1/movies/${movieId}/refresh`, { auth: bob.auth })).status).toBe(403)
      expect((yield* request(url, "PATCH", path, { auth: bob.auth, body: { title: "Mine" } })).status).toBe(403)
      const badId = yield* request(url, "POST", `/api/v1/movies/${movieId}/match`, { auth: admin, body: { tmdbId: "abc" } })
      expect(badId.status).toBe(400)
      expect(JSON.stringify(badId.body)).toContain("tmdbId")
      const badField = yield* request(url, "PATCH", path, { auth: admin, body: { title: "" } })
      expect(badField.status).toBe(400)
      expect(JSON.stringify(badField.body)).toContain("title")
      expect((yield* request(url, "POST", "/api/v1/movies/00000000-0000-4000-8000-000000000001/refresh", { auth: admin })).status).toBe(404)

      // A manager confirms the right one: it is refreshed under its id.
      yield* request(url, "POST", `/api/v1/libraries/${library.id}/permissions`, { auth: admin, body: { userId: bob.user.id, canManage: true } })
      const confirmed = yield* request(url, "POST", `/api/v1/movies/${movieId}/match`, { auth: bob.auth, body: { tmdbId: "603" } })
      expect(confirmed.status).toBe(202)
      const ready = yield* waitFor("ready")
      expect(ready).toMatchObject({ title: "The Matrix", tmdbId: "603", matchCandidates: [] })
    }), { timeout: 120_000 })
})
