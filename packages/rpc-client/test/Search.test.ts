import { describe, expect, it } from "@effect/vitest"
import { Forbidden } from "@mediaserver/domain"
import { Effect, Schema } from "effect"
import { read, request } from "@mediaserver/testkit/Http"
import { seededServer } from "@mediaserver/testkit/Seeded"
import { createMediaClient } from "../src/index.js"

const Page = Schema.Struct({ items: Schema.Array(Schema.Struct({ id: Schema.String })), total: Schema.Number })

describe("search over RPC (SDK)", () => {
  it.scopedLive("answers as REST does, filtered by the caller's access; reindex is refused to non-admins", () =>
    Effect.gen(function* () {
      const s = yield* seededServer({ CACHE_ENABLED: "false" })
      const token = (auth: typeof s.viewer) => ("token" in auth ? auth.token : "")
      const viewer = yield* Effect.acquireRelease(
        Effect.sync(() => createMediaClient({ url: `${s.url}/rpc`, bearerToken: token(s.viewer) })),
        (client) => Effect.promise(() => client.close())
      )
      const outsider = yield* Effect.acquireRelease(
        Effect.sync(() => createMediaClient({ url: `${s.url}/rpc`, bearerToken: token(s.outsider) })),
        (client) => Effect.promise(() => client.close())
      )
      const rpc = yield* Effect.promise(() => viewer.SearchMovies({ q: "lost", limit: 10 }))
      const rest = yield* Effect.flatMap(request(s.url, "GET", "/api/v1/search/movies?q=lost&limit=10", { auth: s.viewer }), read(Page))
      expect(rpc.total).toBeGreaterThan(0)
      expect(rpc.items.map((m) => m.id)).toEqual(rest.items.map((m) => m.id))
      const facets = yield* Effect.promise(() => viewer.SearchMoviesFacets({ q: "lost", facets: ["decades"] }))
      expect(facets.total).toBe(rpc.total)
      expect(facets.genres).toEqual([])
      // Two seeded series start with "h" (Horizon Citadel, Hidden Lantern); none with "a".
      const suggested = yield* Effect.promise(() => viewer.SearchTvShowsAutocomplete({ q: "h" }))
      const suggestedRest = yield* Effect.flatMap(
        request(s.url, "GET", "/api/v1/search/tvshows/autocomplete?q=h", { auth: s.viewer }),
        read(Schema.Array(Schema.Struct({ id: Schema.String })))
      )
      expect(suggested.length).toBe(2)
      expect(suggested.map((x) => x.id)).toEqual(suggestedRest.map((x) => x.id))
      const multi = yield* Effect.promise(() => viewer.SearchMulti({ q: "chapter" }))
      expect(multi.episodes.length).toBeGreaterThan(0)
      expect((yield* Effect.promise(() => outsider.SearchMulti({ q: "chapter" }))).episodes).toEqual([])
      const refused = yield* Effect.promise(() => viewer.SearchReindex({ scope: "all" }).then(() => null, (e: unknown) => e))
      expect(refused).toBeInstanceOf(Forbidden)
    }), 240_000)
})
