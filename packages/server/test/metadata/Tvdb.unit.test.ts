import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { readFixtureJson } from "@mediaserver/testkit/FakeHttp"
import * as Tvdb from "../../src/metadata/providers/Tvdb.js"

const envelope = <A, I>(data: Schema.Schema<A, I>) => Schema.Struct({ status: Schema.Literal("success"), data })
const fixture = <A, I>(file: string, data: Schema.Schema<A, I>) =>
  Effect.flatMap(Effect.orDie(readFixtureJson(`tvdb/${file}`)), (body) => Effect.map(Effect.orDie(Schema.decodeUnknown(envelope(data))(body)), (decoded) => decoded.data))

describe("TVDb mapping", () => {
  it.effect("an anime's absolute numbers map to seasons through the aired order (specials left out)", () =>
    Effect.gen(function* () {
      const { episodes } = yield* fixture("series_267440_episodes_default.json", Schema.Struct({ episodes: Schema.Array(Tvdb.Episode) }))
      const map = Tvdb.absoluteMap(episodes)
      expect(map.get(1)).toEqual({ season: 1, episode: 1 })
      expect(map.get(25)).toEqual({ season: 1, episode: 25 })
      expect(map.get(26)).toEqual({ season: 2, episode: 1 })
      expect(map.get(37)).toEqual({ season: 2, episode: 12 })
      expect(map.size).toBe(4)
    }))

  it.effect("a series: the translation's name and overview, artwork kinds, remote ids for cross-linking", () =>
    Effect.gen(function* () {
      const series = yield* fixture("series_81189_extended.json", Tvdb.Series)
      const translation = yield* fixture("series_81189_translations_eng.json", Schema.Struct({ name: Schema.String, overview: Schema.String, language: Schema.String }))
      const mapped = Tvdb.series(series, translation)
      expect(mapped).toMatchObject({
        provider: "tvdb", id: "81189", title: "Breaking Bad", firstAirDate: "2008-01-20", status: "Ended",
        posterPath: "/tvdb_banners__posters__81189-10.jpg",
        logoPath: "/tvdb_banners__v4__series__81189__clearlogo__611be60b9aa0a.png",
        externalIds: { imdb: "tt0903747", tmdb: "1396", tvdb: "81189" }
      })
      expect(mapped.overview).toMatch(/^When Walter White/)
      expect(mapped.images.map((i) => i.kind).sort()).toEqual(["backdrop", "banner", "clearart", "logo", "poster"])
      expect(mapped.images.find((i) => i.kind === "poster")?.language).toBe("en")
    }))

  it.effect("a login token's expiry from its payload; three-letter languages", () =>
    Effect.gen(function* () {
      const login = yield* fixture("POST_login.json", Schema.Struct({ token: Schema.String }))
      expect(Tvdb.tokenExpiry(login.token)).toBe(1799999999)
      expect(Tvdb.tokenExpiry("not-a-jwt")).toBeNull()
      expect(Tvdb.tvdbLanguage("de-DE")).toBe("deu")
      expect(Tvdb.tvdbLanguage("xx")).toBe("eng")
    }))
})
