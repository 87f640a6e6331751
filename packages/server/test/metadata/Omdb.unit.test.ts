import { describe, expect, it } from "@effect/vitest"
import { ProviderRejected } from "@mediaserver/domain"
import { Effect, Schema } from "effect"
import { readFixtureJson } from "@mediaserver/testkit/FakeHttp"
import * as Omdb from "../../src/metadata/providers/Omdb.js"

const title = (file: string) =>
  Effect.flatMap(Effect.orDie(readFixtureJson(`omdb/${file}`)), (body) => Effect.orDie(Schema.decodeUnknown(Omdb.OmdbTitle)(body)))

describe("OMDb mapping", () => {
  it.effect("a movie: IMDb rating and votes, Rotten Tomatoes and Metacritic on their scales, awards, date, runtime", () =>
    Effect.gen(function* () {
      const movie = Omdb.movie(yield* title("title_tt0133093.json"))
      expect(movie).toMatchObject({
        provider: "omdb", id: "tt0133093", rating: 8.7, voteCount: 2165432, releaseDate: "1999-03-31", runtimeMinutes: 136,
        awards: "Won 4 Oscars. 42 wins & 51 nominations total", homepage: null, certifications: [{ country: "US", rating: "R" }]
      })
      expect(movie.ratings.map((r) => [r.source, r.value, r.max])).toEqual([["imdb", 8.7, 10], ["rottentomatoes", 83, 100], ["metacritic", 73, 100]])
    }))

  it.effect("a series; N/A is unknown", () =>
    Effect.gen(function* () {
      const series = Omdb.series(yield* title("title_tt0903747.json"))
      expect(series).toMatchObject({ title: "Breaking Bad", rating: 9.5, firstAirDate: "2008-01-20", ratings: [{ source: "imdb", value: 9.5 }] })
    }))

  it("the daily limit (a 401 too) is retryable after midnight UTC; a refused key stays a refusal", () => {
    const now = Date.UTC(2026, 11, 7, 18, 0, 0)
    const limit = new ProviderRejected({ provider: "omdb", reason: "unauthorized", status: 401, message: `GET /: omdb answered 401: {"Response":"False","Error":"Request limit reached!"}` })
    expect(Omdb.dailyLimit(limit, now)).toMatchObject({ _tag: "ProviderUnavailable", retryAfterMs: 6 * 3_600_000 })
    const refused = new ProviderRejected({ provider: "omdb", reason: "unauthorized", status: 401, message: `GET /: omdb answered 401: {"Response":"False","Error":"Invalid API key!"}` })
    expect(Omdb.dailyLimit(refused, now)).toBe(refused)
  })
})
