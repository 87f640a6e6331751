import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Option } from "effect"
import { readFixture } from "@mediaserver/testkit/FakeHttp"
import { episode, readAnswer, series } from "../../src/metadata/providers/Anidb.js"
import { parseAnidb } from "../../src/metadata/providers/AnidbXml.js"

const anime = Effect.flatMap(readFixture("anidb/anime_9541.xml"), (xml) => {
  const answer = parseAnidb(xml)
  return answer.kind === "anime" ? Effect.succeed(answer.anime) : Effect.dieMessage(`not an anime: ${answer.kind}`)
})

describe("AniDB answers", () => {
  it.effect("an anime: titles by language, plain description, rating, picture, linked ids, episodes by type", () =>
    Effect.gen(function* () {
      const a = yield* anime
      const en = series(a, "en", "https://cdn-eu.anidb.net")
      expect(en).toMatchObject({
        provider: "anidb", id: "9541", title: "Attack on Titan", originalTitle: "進撃の巨人", originalLanguage: "ja",
        firstAirDate: "2013-04-07", lastAirDate: "2013-09-29", rating: 8.32, voteCount: 25136, episodeRuntimeMinutes: 25,
        posterPath: "/anidb_images__main__91023.jpg", homepage: "http://shingeki.tv/"
      })
      expect(en.externalIds).toMatchObject({ anidb: "9541", mal: "16498", imdb: "tt2560140" })
      expect(en.overview).toMatch(/^\* Based on the manga by Isayama Hajime\.\nSeveral hundred years ago, humans were nearly exterminated by Titans\./)
      expect(en.ratings).toEqual([expect.objectContaining({ source: "anidb", value: 8.32, max: 10, votes: 25136 })])
      // No French title: the main (romanised) one.
      expect(series(a, "fr", "https://cdn-eu.anidb.net").title).toBe("Shingeki no Kyojin")
      expect(a.episodes.map((e) => [e.type, e.number])).toEqual([[1, 1], [1, 2], [2, 1], [3, 1]])
      const first = a.episodes[0]
      expect(first === undefined ? null : episode(first, "ja")).toMatchObject({ seasonNumber: 1, episodeNumber: 1, title: "二千年後の君へ", airDate: "2013-04-07", runtimeMinutes: 25 })
      const special = a.episodes[2]
      expect(special === undefined ? null : episode(special, "en")).toMatchObject({ seasonNumber: 0, episodeNumber: 1 })
    }))

  it.effect("errors come as <error> documents", () =>
    Effect.gen(function* () {
      expect(parseAnidb(yield* readFixture("anidb/ERROR_banned.xml"))).toEqual({ kind: "error", code: "500", message: "banned" })
      expect(parseAnidb(yield* readFixture("anidb/ERROR_anime_not_found.xml"))).toEqual({ kind: "error", code: null, message: "Anime not found" })
      expect(parseAnidb(yield* readFixture("anidb/ERROR_client_invalid.xml"))).toMatchObject({ kind: "error", code: "302" })
      expect(parseAnidb("<html>Service Unavailable</html>")).toEqual({ kind: "unreadable" })
      // Classified as HTTP errors are: a ban retryable after the pause, not found discarded, a refused client the key's refusal.
      const left = (file: string) => Effect.map(readFixture(`anidb/${file}`), (xml) => Either.getLeft(readAnswer("1", xml, 60_000)))
      expect(yield* left("ERROR_banned.xml")).toMatchObject(Option.some({ _tag: "ProviderUnavailable", retryAfterMs: 60_000 }))
      expect(yield* left("ERROR_anime_not_found.xml")).toMatchObject(Option.some({ _tag: "ProviderRejected", reason: "not_found" }))
      expect(yield* left("ERROR_client_invalid.xml")).toMatchObject(Option.some({ _tag: "ProviderRejected", reason: "unauthorized" }))
      expect(Either.getLeft(readAnswer("1", "<html>Bad Gateway</html>", 0))).toMatchObject(Option.some({ _tag: "ProviderRejected", reason: "invalid" }))
    }))
})
