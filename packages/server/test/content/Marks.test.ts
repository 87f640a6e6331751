import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { read, request } from "@mediaserver/testkit/Http"
import { seededServer } from "@mediaserver/testkit/Seeded"

const Mark = Schema.Struct({ rating: Schema.NullOr(Schema.Number), favorite: Schema.Boolean })
const Page = Schema.Struct({ items: Schema.Array(Schema.Struct({ id: Schema.String })), total: Schema.Number })

describe("ratings and favourites", () => {
  it.scopedLive("a user rates and favourites movies and series; favourites list newest first; each user's own; access applies", () =>
    Effect.gen(function* () {
      const s = yield* seededServer()
      const call = (method: string, path: string, body?: unknown, auth = s.viewer) => request(s.url, method, path, { auth, body })
      const movies = yield* read(Page)(yield* call("GET", "/api/v1/movies?limit=3"))
      const [a, b] = movies.items
      const shows = yield* read(Page)(yield* call("GET", "/api/v1/tvshows?limit=1"))
      const show = shows.items[0]!

      expect(yield* read(Mark)(yield* call("GET", `/api/v1/movies/${a!.id}/mark`))).toEqual({ rating: null, favorite: false })
      expect(yield* read(Mark)(yield* call("PUT", `/api/v1/movies/${a!.id}/rating`, { rating: 8 }))).toEqual({ rating: 8, favorite: false })
      expect(yield* read(Mark)(yield* call("PUT", `/api/v1/movies/${a!.id}/favorite`, { favorite: true }))).toEqual({ rating: 8, favorite: true })
      yield* call("PUT", `/api/v1/movies/${b!.id}/favorite`, { favorite: true })
      const favourites = yield* read(Page)(yield* call("GET", "/api/v1/movies/favorites"))
      expect(favourites.items.map((m) => m.id)).toEqual([b!.id, a!.id])
      expect((yield* call("DELETE", `/api/v1/movies/${a!.id}/rating`)).status).toBe(204)
      expect(yield* read(Mark)(yield* call("GET", `/api/v1/movies/${a!.id}/mark`))).toEqual({ rating: null, favorite: true })
      yield* call("PUT", `/api/v1/movies/${b!.id}/favorite`, { favorite: false })
      expect((yield* read(Page)(yield* call("GET", "/api/v1/movies/favorites"))).items.map((m) => m.id)).toEqual([a!.id])

      expect(yield* read(Mark)(yield* call("PUT", `/api/v1/tvshows/${show.id}/rating`, { rating: 10 }))).toEqual({ rating: 10, favorite: false })
      yield* call("PUT", `/api/v1/tvshows/${show.id}/favorite`, { favorite: true })
      expect((yield* read(Page)(yield* call("GET", "/api/v1/tvshows/favorites"))).items.map((x) => x.id)).toEqual([show.id])

      // Another user's marks are their own; no access is 404; bad ratings are 400 and change nothing.
      expect((yield* read(Page)(yield* call("GET", "/api/v1/movies/favorites", undefined, s.admin))).total).toBe(0)
      expect((yield* call("PUT", `/api/v1/movies/${a!.id}/favorite`, { favorite: true }, s.outsider)).status).toBe(404)
      expect((yield* call("PUT", `/api/v1/movies/${a!.id}/rating`, { rating: 11 })).status).toBe(400)
      expect((yield* call("PUT", `/api/v1/movies/${a!.id}/rating`, { rating: 0 })).status).toBe(400)
      expect(yield* read(Mark)(yield* call("GET", `/api/v1/movies/${a!.id}/mark`))).toEqual({ rating: null, favorite: true })
    }))
})
