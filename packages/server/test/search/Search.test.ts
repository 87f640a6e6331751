import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { read, request } from "@mediaserver/testkit/Http"
import { seededServer } from "@mediaserver/testkit/Seeded"
import { queryRows } from "@mediaserver/testkit/TestDatabase"

const Item = Schema.Struct({ id: Schema.String, title: Schema.String, year: Schema.NullOr(Schema.Number), libraryId: Schema.String })
const Page = Schema.Struct({ items: Schema.Array(Item), total: Schema.Number, limit: Schema.Number, offset: Schema.Number })
const Suggestion = Schema.Struct({ kind: Schema.String, id: Schema.String, title: Schema.String })
const Bucket = Schema.Struct({ value: Schema.String, label: Schema.String, count: Schema.Number })
const Facets = Schema.Struct({
  total: Schema.Number,
  genres: Schema.Array(Bucket),
  years: Schema.Array(Bucket),
  decades: Schema.Array(Bucket),
  ratings: Schema.Array(Bucket),
  status: Schema.Array(Bucket),
  companies: Schema.Array(Bucket),
  libraries: Schema.Array(Bucket)
})
const Multi = Schema.Struct({
  movies: Schema.Array(Item),
  series: Schema.Array(Item),
  episodes: Schema.Array(Schema.Struct({ id: Schema.String, title: Schema.NullOr(Schema.String), seriesTitle: Schema.String })),
  people: Schema.Array(Schema.Struct({ id: Schema.String, name: Schema.String }))
})
const ErrorBody = Schema.Struct({ code: Schema.String, message: Schema.String })
const sum = (buckets: ReadonlyArray<{ readonly count: number }>) => buckets.reduce((n, b) => n + b.count, 0)

/** Well-known titles over seeded rows, written the way an admin edit or a refresh writes them (plain UPDATEs). */
const famous = `
  UPDATE movies SET title = 'The Matrix', original_title = 'The Matrix', year = 1999 WHERE match_key = 'seed-1';
  UPDATE movies SET title = 'Spirited Away', original_title = '千と千尋の神隠し', year = 2001,
    alternative_titles = '{"Sen to Chihiro no Kamikakushi"}' WHERE match_key = 'seed-2';
  UPDATE movies SET title = 'Amélie', year = 2001 WHERE match_key = 'seed-3';
  UPDATE series SET title = 'Breaking Bad' WHERE match_key = 'seed-1';
  UPDATE series SET title = 'Bread Island' WHERE match_key = 'seed-2';
  UPDATE people SET name = 'Keanu Reeves' WHERE id = (
    SELECT c.person_id FROM credits c JOIN movies m ON m.id = c.movie_id WHERE m.match_key = 'seed-1' AND c.kind = 'cast' ORDER BY c.position LIMIT 1);
`

describe("search", () => {
  it.scopedLive("ranks typos, accents, prefixes, original and alternative titles and people; filters by access; facets count the matches", () =>
    Effect.gen(function* () {
      const s = yield* seededServer({ CACHE_ENABLED: "false" })
      yield* queryRows(s.db.url, famous)
      const get = (path: string, auth = s.viewer) => request(s.url, "GET", path, { auth })
      const page = (path: string, auth = s.viewer) => Effect.flatMap(get(path, auth), read(Page))
      const firstTitle = (path: string) => Effect.map(page(path), (p) => p.items[0]?.title)

      expect(yield* firstTitle("/api/v1/search/movies?q=matrx")).toBe("The Matrix")
      expect(yield* firstTitle("/api/v1/search/movies?q=the%20matrix")).toBe("The Matrix")
      expect(yield* firstTitle("/api/v1/search/movies?q=amelie")).toBe("Amélie")
      expect(yield* firstTitle("/api/v1/search/movies?q=AMÉLIE")).toBe("Amélie")
      expect(yield* firstTitle("/api/v1/search/movies?q=Sen%20to%20Chihiro")).toBe("Spirited Away")
      expect(yield* firstTitle(`/api/v1/search/movies?q=${encodeURIComponent("千と千尋")}`)).toBe("Spirited Away")
      expect(yield* firstTitle("/api/v1/search/tvshows?q=breakng%20bad")).toBe("Breaking Bad")
      // A person's name finds their films.
      expect((yield* page("/api/v1/search/movies?q=keanu%20reeves")).items.map((m) => m.title)).toContain("The Matrix")

      const suggest = (path: string) => Effect.flatMap(get(path), read(Schema.Array(Suggestion)))
      const brea = yield* suggest("/api/v1/search/tvshows/autocomplete?q=brea")
      expect(brea[0]?.title).toBe("Breaking Bad")
      expect(brea.map((x) => x.title)).toContain("Bread Island")
      expect((yield* suggest("/api/v1/search/movies/autocomplete?q=spir&limit=3"))[0]?.title).toBe("Spirited Away")

      const multi = yield* Effect.flatMap(get("/api/v1/search/multi?q=keanu%20reeves"), read(Multi))
      expect(multi.people.map((p) => p.name)).toContain("Keanu Reeves")
      expect(multi.movies.map((m) => m.title)).toContain("The Matrix")
      const chapters = yield* Effect.flatMap(get("/api/v1/search/multi?q=chapter%203"), read(Multi))
      expect(chapters.episodes.length).toBeGreaterThan(0)
      expect(chapters.episodes[0]?.title).toBe("Chapter 3")

      // Filters and sorts of browsing, paging by offset.
      const all = yield* page("/api/v1/search/movies?q=lost&limit=100")
      expect(all.total).toBeGreaterThan(2)
      const ninetiesPath = "/api/v1/search/movies?q=lost&yearFrom=1950&yearTo=1989&limit=100&sort=year&order=asc"
      const nineties = yield* page(ninetiesPath)
      const years = nineties.items.map((m) => m.year ?? 0)
      expect(years.every((y) => y >= 1950 && y <= 1989)).toBe(true)
      expect([...years].sort((a, b) => a - b)).toEqual(years)
      const second = yield* page("/api/v1/search/movies?q=lost&limit=2&offset=2")
      expect(second.items.map((m) => m.id)).toEqual(all.items.slice(2, 4).map((m) => m.id))

      // Facets count every match (not one page), and nothing else.
      const facets = yield* Effect.flatMap(get("/api/v1/search/movies/facets?q=lost"), read(Facets))
      expect(facets.total).toBe(all.total)
      expect(sum(facets.decades)).toBe(all.total)
      expect(sum(facets.libraries)).toBe(all.total)
      expect(sum(facets.ratings)).toBeLessThanOrEqual(all.total)
      expect(facets.genres.length).toBeGreaterThan(0)
      const genre = facets.genres[0]!
      expect((yield* page(`/api/v1/search/movies?q=lost&genre=${encodeURIComponent(genre.label)}&limit=100`)).total).toBe(genre.count)
      const onlyGenres = yield* Effect.flatMap(get("/api/v1/search/tvshows/facets?q=bad&facets=genres,status"), read(Facets))
      expect(onlyGenres.years).toEqual([])
      expect(onlyGenres.status.length).toBeGreaterThan(0)

      // The outsider sees nothing: no items, no counts, no people (their credits are all hidden).
      const outsider = (path: string) => get(path, s.outsider)
      expect((yield* Effect.flatMap(outsider("/api/v1/search/movies?q=matrix"), read(Page))).total).toBe(0)
      expect((yield* Effect.flatMap(outsider("/api/v1/search/movies/facets?q=lost"), read(Facets))).genres).toEqual([])
      expect(yield* Effect.flatMap(outsider("/api/v1/search/tvshows/autocomplete?q=brea"), read(Schema.Array(Suggestion)))).toEqual([])
      const hidden = yield* Effect.flatMap(outsider("/api/v1/search/multi?q=keanu"), read(Multi))
      expect([hidden.movies, hidden.series, hidden.episodes, hidden.people]).toEqual([[], [], [], []])
      // The admin sees everything.
      expect((yield* page("/api/v1/search/movies?q=matrx", s.admin)).items[0]?.title).toBe("The Matrix")

      // Ranked over few candidates, titles starting with the query come first even when the word is
      // in more names than a multi ranks; typo matches only when nothing is spelled as typed.
      yield* queryRows(s.db.url, `
        INSERT INTO people (id, name) SELECT gen_random_uuid(), 'Nora Lighthouse ' || g FROM generate_series(1, 300) g;
        INSERT INTO people (id, name) VALUES (gen_random_uuid(), 'Lighthouse Keeper'), (gen_random_uuid(), 'Keanu Reaves');
      `)
      const people = (q: string) =>
        Effect.map(Effect.flatMap(get(`/api/v1/search/multi?q=${encodeURIComponent(q)}`, s.admin), read(Multi)), (m) => m.people.map((p) => p.name))
      expect((yield* people("lighthouse"))[0]).toBe("Lighthouse Keeper")
      expect(yield* people("keanu reeves")).not.toContain("Keanu Reaves")
      expect((yield* people("keanu reaves"))[0]).toBe("Keanu Reaves")
      expect(yield* people("keenu reeves")).toContain("Keanu Reeves")
    }), 240_000)

  it.scopedLive("bad input is a 400 naming the field, or results; never a 500; reindex is the admin's", () =>
    Effect.gen(function* () {
      const s = yield* seededServer({ CACHE_ENABLED: "false" })
      const get = (path: string) => request(s.url, "GET", path, { auth: s.viewer })
      for (const [query, field] of [
        ["", "q"], ["q=", "q"], ["q=%20%20", "q"], [`q=${"a".repeat(201)}`, "q"], ["q=a%01b", "q"], ["q=x&limit=0", "limit"],
        ["q=x&limit=101", "limit"], ["q=x&offset=-1", "offset"], ["q=x&sort=colour", "sort"], ["q=x&order=up", "order"],
        ["q=x&minRating=11", "minRating"]
      ] as const) {
        const bad = yield* get(`/api/v1/search/movies?${query}`)
        expect(bad.status, query).toBe(400)
        expect((yield* read(ErrorBody)(bad)).message, query).toContain(field)
      }
      const badFacet = yield* get("/api/v1/search/movies/facets?q=x&facets=genres,colour")
      expect(badFacet.status).toBe(400)
      expect((yield* read(ErrorBody)(badFacet)).message).toContain("facets")
      expect((yield* get("/api/v1/search/movies/autocomplete?q=x&limit=21")).status).toBe(400)
      for (const q of ["'; DROP TABLE movies; --", ".*(a+)+$", "%_\\", "a & b | !c:*", "Matrix マトリックス Матрица", "((((", "🙂", "\"", "x".repeat(200)]) {
        for (const path of ["/api/v1/search/movies", "/api/v1/search/tvshows/facets", "/api/v1/search/multi", "/api/v1/search/movies/autocomplete"]) {
          const res = yield* get(`${path}?q=${encodeURIComponent(q)}`)
          expect(res.status, `${path} ${q}`).toBe(200)
        }
      }
      expect((yield* read(Schema.Struct({ total: Schema.Number }))(yield* get("/api/v1/search/movies?q=%25"))).total).toBe(0)

      // Reindex is the admin's (the run itself: workers' Search.reindex test).
      expect((yield* request(s.url, "POST", "/api/v1/search/reindex", { auth: s.viewer })).status).toBe(403)
      expect((yield* request(s.url, "POST", "/api/v1/search/tvshows/reindex", { auth: s.viewer })).status).toBe(403)
    }), 240_000)
})
