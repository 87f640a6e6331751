import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { account, read, request } from "@mediaserver/testkit/Http"
import { seededServer } from "@mediaserver/testkit/Seeded"
import { queryRows } from "@mediaserver/testkit/TestDatabase"

const Page = Schema.Struct({ items: Schema.Array(Schema.Struct({ id: Schema.String, title: Schema.String })), total: Schema.Number })
const Row = Schema.Struct({ id: Schema.String })

/** L1 hits of one cache namespace so far, from the node's metrics. */
const hits = (url: string, namespace: string) =>
  Effect.map(
    Effect.promise(() => fetch(`${url}/metrics`).then((r) => r.text())),
    (text) => Number(text.match(new RegExp(`cache_requests_total\\{namespace="${namespace}",level="l1",result="hit"\\} (\\d+)`))?.[1] ?? "0")
  )

describe("search caching", () => {
  it.scopedLive("a change drops the cached answers covering its library, and only those", () =>
    Effect.gen(function* () {
      const s = yield* seededServer()
      // A user who sees the movie library only; the seeded viewer sees both.
      const moviesOnly = yield* account(s.url, "moviegoer")
      const granted = yield* request(s.url, "POST", `/api/v1/libraries/${s.seeded.movieLibrary}/permissions`, {
        auth: s.admin,
        body: { userId: moviesOnly.user.id }
      })
      expect(granted.status).toBe(200)
      const search = (path: string, auth: { readonly token: string }) => Effect.flatMap(request(s.url, "GET", path, { auth }), read(Page))

      const series = Schema.decodeUnknownSync(Schema.Array(Row))(yield* queryRows(s.db.url, "SELECT id FROM series ORDER BY id LIMIT 1"))[0]!
      const renamedQuery = "/api/v1/search/tvshows?q=zanzibar"
      expect((yield* search(renamedQuery, s.viewer)).total).toBe(0)
      yield* search("/api/v1/search/movies?q=lost", moviesOnly.auth)
      const before = yield* hits(s.url, "search-movies")
      yield* search("/api/v1/search/movies?q=lost", moviesOnly.auth)
      expect(yield* hits(s.url, "search-movies")).toBe(before + 1)

      // An edit in the series library: the viewer's cached "nothing found" goes at once.
      const edited = yield* request(s.url, "PATCH", `/api/v1/tvshows/${series.id}/metadata`, { auth: s.admin, body: { title: "Zanzibar Nights" } })
      expect(edited.status, JSON.stringify(yield* read(Schema.Unknown)(edited))).toBe(200)
      expect((yield* search(renamedQuery, s.viewer)).items.map((i) => i.title)).toEqual(["Zanzibar Nights"])
      // The movies-only user's answers cover another library: still served from the cache.
      yield* search("/api/v1/search/movies?q=lost", moviesOnly.auth)
      expect(yield* hits(s.url, "search-movies")).toBe(before + 2)

      // An edit in the movie library drops them.
      const movie = Schema.decodeUnknownSync(Schema.Array(Row))(
        yield* queryRows(s.db.url, `SELECT id FROM movies WHERE library_id = '${s.seeded.movieLibrary}' ORDER BY id LIMIT 1`)
      )[0]!
      expect((yield* request(s.url, "PATCH", `/api/v1/movies/${movie.id}/metadata`, { auth: s.admin, body: { title: "Lost Harbour" } })).status).toBe(200)
      const after = yield* search("/api/v1/search/movies?q=lost", moviesOnly.auth)
      expect(yield* hits(s.url, "search-movies")).toBe(before + 2)
      expect(after.items.map((i) => i.title)).toContain("Lost Harbour")
    }), 120_000)
})
