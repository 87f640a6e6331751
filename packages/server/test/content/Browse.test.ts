import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { read, request } from "@mediaserver/testkit/Http"
import { partOf, seededServer } from "@mediaserver/testkit/Seeded"

const Movie = Schema.Struct({
  id: Schema.String,
  libraryId: Schema.String,
  title: Schema.String,
  year: Schema.NullOr(Schema.Number),
  rating: Schema.NullOr(Schema.Number),
  addedAt: Schema.String
})
const Page = Schema.Struct({ items: Schema.Array(Movie), total: Schema.Number, limit: Schema.Number, offset: Schema.Number, nextCursor: Schema.NullOr(Schema.String) })
const Person = Schema.Struct({ personId: Schema.String, name: Schema.String })
const Details = Schema.Struct({
  ...Movie.fields,
  genres: Schema.Array(Schema.Struct({ id: Schema.String, name: Schema.String })),
  studios: Schema.Array(Schema.Struct({ name: Schema.String })),
  cast: Schema.Array(Schema.Struct({ ...Person.fields, character: Schema.NullOr(Schema.String) })),
  crew: Schema.Array(Person),
  collection: Schema.NullOr(Schema.Struct({ id: Schema.String, name: Schema.String })),
  files: Schema.Array(Schema.Struct({ id: Schema.String, durationSeconds: Schema.NullOr(Schema.Number), container: Schema.NullOr(Schema.String) }))
})
const ErrorBody = Schema.Struct({ code: Schema.String, message: Schema.String })

describe("browsing movies", () => {
  it.scopedLive("lists page stably (offset and cursor), sort, filter, and refuse bad parameters naming them", () =>
    Effect.gen(function* () {
      const s = yield* seededServer()
      const get = (path: string, auth = s.viewer) => request(s.url, "GET", path, { auth })
      const first = yield* read(Page)(yield* get("/api/v1/movies?limit=25&sort=title"))
      expect(first.total).toBe(60)
      expect(first.items).toHaveLength(25)
      const titles = first.items.map((m) => m.title.toLowerCase())
      expect([...titles].sort()).toEqual(titles)

      // Walk the whole listing by cursor: every movie once, in order.
      const seen: Array<string> = [...first.items.map((m) => m.id)]
      let cursor = first.nextCursor
      while (cursor !== null) {
        const page = yield* read(Page)(yield* get(`/api/v1/movies?limit=25&sort=title&cursor=${cursor}`))
        seen.push(...page.items.map((m) => m.id))
        cursor = page.nextCursor
      }
      expect(seen).toHaveLength(60)
      expect(new Set(seen).size).toBe(60)
      // Offset pages agree with cursor pages.
      const second = yield* read(Page)(yield* get("/api/v1/movies?limit=25&offset=25&sort=title"))
      expect(second.items.map((m) => m.id)).toEqual(seen.slice(25, 50))

      const rated = yield* read(Page)(yield* get("/api/v1/movies?sort=rating&limit=100"))
      const ratings = rated.items.map((m) => m.rating ?? -1)
      expect([...ratings].sort((a, b) => b - a)).toEqual(ratings)
      const decade = yield* read(Page)(yield* get("/api/v1/movies?yearFrom=1990&yearTo=1999&limit=100"))
      expect(decade.items.length).toBeGreaterThan(0)
      expect(decade.items.every((m) => m.year !== null && m.year >= 1990 && m.year <= 1999)).toBe(true)
      const drama = yield* read(Page)(yield* get("/api/v1/movies?genre=drama&limit=100"))
      expect(drama.total).toBeGreaterThan(0)
      expect(drama.total).toBeLessThan(60)
      for (const m of drama.items.slice(0, 3)) {
        const details = yield* read(Details)(yield* get(`/api/v1/movies/${m.id}`))
        expect(details.genres.map((g) => g.name)).toContain("Drama")
      }
      const recent = yield* read(Page)(yield* get("/api/v1/movies/recently-added?limit=5"))
      const added = recent.items.map((m) => m.addedAt)
      expect([...added].sort().reverse()).toEqual(added)
      const top = yield* read(Page)(yield* get("/api/v1/movies/top-rated?limit=5"))
      expect(top.items[0]?.rating).toBe(Math.max(...rated.items.map((m) => m.rating ?? 0)))
      const found = yield* read(Page)(yield* get(`/api/v1/movies/search?q=${encodeURIComponent(first.items[0]?.title ?? "")}`))
      expect(found.items[0]?.id).toBe(first.items[0]?.id)

      for (const [query, field] of [
        ["limit=0", "limit"], ["limit=101", "limit"], ["offset=-1", "offset"], ["sort=colour", "sort"],
        ["order=up", "order"], ["minRating=11", "minRating"], ["watched=perhaps", "watched"]
      ] as const) {
        const bad = yield* get(`/api/v1/movies?${query}`)
        expect(bad.status, query).toBe(400)
        expect((yield* read(ErrorBody)(bad)).message).toContain(field)
      }
      const badCursor = yield* get("/api/v1/movies?cursor=bm9wZQ")
      expect(badCursor.status).toBe(400)
      const wrongSort = yield* get(`/api/v1/movies?sort=year&cursor=${first.nextCursor}`)
      expect(wrongSort.status).toBe(400)
    }))

  it.scopedLive("details carry cast, crew, genres, studios, collection and files; access hides content (404)", () =>
    Effect.gen(function* () {
      const s = yield* seededServer()
      const page = yield* read(Page)(yield* request(s.url, "GET", "/api/v1/movies?limit=100", { auth: s.viewer }))
      const inCollection = yield* Effect.forEach(page.items, (m) =>
        Effect.flatMap(request(s.url, "GET", `/api/v1/movies/${m.id}`, { auth: s.viewer }), read(Details)))
      const withCollection = inCollection.find((m) => m.collection !== null)
      expect(withCollection).toBeDefined()
      const movie = withCollection!
      expect(movie.cast.length).toBeGreaterThan(0)
      expect(movie.crew.length).toBeGreaterThan(0)
      expect(movie.studios.length).toBe(1)
      expect(movie.files[0]?.container).toBe("mkv")
      expect(movie.files[0]?.durationSeconds).toBeGreaterThan(0)
      // Each sub-resource is the same list the details carry, in the same order, and not empty.
      const whole = yield* request(s.url, "GET", `/api/v1/movies/${movie.id}`, { auth: s.viewer })
      for (const part of ["cast", "crew", "genres", "files"] as const) {
        const res = yield* request(s.url, "GET", `/api/v1/movies/${movie.id}/${part}`, { auth: s.viewer })
        expect(res.status, part).toBe(200)
        expect(res.body, part).toEqual(partOf(whole.body, part))
        expect(res.body, part).not.toEqual([])
      }
      const collection = yield* request(s.url, "GET", `/api/v1/movies/${movie.id}/collection`, { auth: s.viewer })
      expect(collection.status).toBe(200)
      const collectionMovies = yield* read(Page)(yield* request(s.url, "GET", `/api/v1/collections/${movie.collection!.id}/movies`, { auth: s.viewer }))
      expect(collectionMovies.items.map((m) => m.id)).toContain(movie.id)
      const similar = yield* request(s.url, "GET", `/api/v1/movies/${movie.id}/similar?limit=5`, { auth: s.viewer })
      expect(similar.status).toBe(200)
      expect((yield* read(Schema.Array(Movie))(similar)).every((m) => m.id !== movie.id)).toBe(true)

      // A person of the cast: their page lists this movie with the character played.
      const actor = movie.cast[0]!
      const person = yield* read(Schema.Struct({
        name: Schema.String,
        movies: Schema.Array(Schema.Struct({ movie: Schema.Struct({ id: Schema.String }), role: Schema.NullOr(Schema.String) }))
      }))(yield* request(s.url, "GET", `/api/v1/people/${actor.personId}`, { auth: s.viewer }))
      expect(person.name).toBe(actor.name)
      expect(person.movies.find((m) => m.movie.id === movie.id)?.role).toContain(actor.character ?? "")

      // The outsider has no grant: the same ids are 404, lists are empty.
      for (const path of [`/api/v1/movies/${movie.id}`, `/api/v1/movies/${movie.id}/cast`, `/api/v1/movies/${movie.id}/progress`,
        `/api/v1/collections/${movie.collection!.id}`, `/api/v1/people/${actor.personId}`]) {
        expect((yield* request(s.url, "GET", path, { auth: s.outsider })).status, path).toBe(404)
      }
      expect((yield* request(s.url, "POST", `/api/v1/movies/${movie.id}/progress`, { auth: s.outsider, body: { positionSeconds: 10 } })).status).toBe(404)
      expect((yield* read(Page)(yield* request(s.url, "GET", "/api/v1/movies", { auth: s.outsider }))).total).toBe(0)
      expect((yield* request(s.url, "GET", "/api/v1/movies/00000000-0000-4000-8000-000000000000", { auth: s.viewer })).status).toBe(404)
      expect((yield* request(s.url, "GET", "/api/v1/movies/not-a-uuid", { auth: s.viewer })).status).toBe(400)
      expect((yield* request(s.url, "GET", "/api/v1/movies")).status).toBe(401)

      const genres = yield* read(Schema.Array(Schema.Struct({ name: Schema.String, movies: Schema.Number, series: Schema.Number })))(
        yield* request(s.url, "GET", "/api/v1/genres", { auth: s.viewer })
      )
      expect(genres.reduce((n, g) => n + g.movies, 0)).toBeGreaterThanOrEqual(60)
      expect(yield* request(s.url, "GET", "/api/v1/genres", { auth: s.outsider })).toMatchObject({ status: 200, body: [] })
    }))
})
