import { describe, expect, it } from "@effect/vitest"
import { ProgressRequest } from "@mediaserver/domain"
import { Context, Effect, Exit, Layer } from "effect"
import { seededServer } from "@mediaserver/testkit/Seeded"
import { MediaClient } from "../src/index.js"

const client = (url: string, token: string) =>
  Layer.build(MediaClient.layer({ url: `${url}/rpc`, bearerToken: token })).pipe(Effect.map((context) => Context.get(context, MediaClient)))

describe("browsing over RPC (the SDK)", () => {
  it.scopedLive("lists, details, progress, continue watching and next episode; no access is NotFound", () =>
    Effect.gen(function* () {
      const s = yield* seededServer()
      const token = (auth: { readonly token: string } | { readonly apiKey: string }) => ("token" in auth ? auth.token : "")
      const viewer = yield* client(s.url, token(s.viewer))
      const page = yield* viewer.MoviesList({ limit: 5, sort: "rating", order: "desc" })
      expect(page.items).toHaveLength(5)
      expect(page.total).toBe(60)
      const movie = yield* viewer.MoviesGet({ movieId: page.items[0]!.id })
      expect(movie.cast.length).toBeGreaterThan(0)
      yield* viewer.MoviesSetProgress({ movieId: movie.id, progress: new ProgressRequest({ positionSeconds: 90 }) })
      const continuing = yield* viewer.MoviesContinueWatching({})
      expect(continuing.map((c) => c.movie.id)).toEqual([movie.id])

      const shows = yield* viewer.TvShowsList({ sort: "title" })
      const next = yield* viewer.TvShowsNextEpisode({ seriesId: shows.items[0]!.id })
      expect(next.episode).toMatchObject({ seasonNumber: 1, episodeNumber: 1 })
      expect((yield* viewer.GenresList({})).length).toBeGreaterThan(0)
      expect(yield* viewer.MoviesSetRating({ movieId: movie.id, rating: 7 })).toMatchObject({ rating: 7, favorite: false })
      yield* viewer.MoviesSetFavorite({ movieId: movie.id, favorite: true })
      expect((yield* viewer.MoviesFavorites({})).items.map((m) => m.id)).toEqual([movie.id])

      const outsider = yield* client(s.url, token(s.outsider))
      const refused = yield* Effect.exit(outsider.MoviesGet({ movieId: movie.id }))
      expect(Exit.isFailure(refused) && JSON.stringify(refused.cause).includes("NotFound")).toBe(true)
      const person = yield* viewer.PeopleGet({ personId: movie.cast[0]!.personId })
      expect(person.movies.map((m) => m.movie.id)).toContain(movie.id)
      const hidden = yield* Effect.exit(outsider.PeopleGet({ personId: movie.cast[0]!.personId }))
      expect(Exit.isFailure(hidden) && JSON.stringify(hidden.cause).includes("NotFound")).toBe(true)
      const badCursor = yield* Effect.exit(viewer.MoviesList({ cursor: "nope" }))
      expect(Exit.isFailure(badCursor) && JSON.stringify(badCursor.cause).includes("BadRequest")).toBe(true)
    }), { timeout: 60_000 })
})
