import { describe, expect, it } from "@effect/vitest"
import { ExternalIds, type ExternalIdKind, ProviderRejected, SeasonSummary } from "@mediaserver/domain"
import { Effect, Option } from "effect"
import { orderFromSeasons } from "../../src/metadata/AbsoluteNumbers.js"
import { fetchMerged } from "../../src/metadata/Merge.js"
import { type MetadataProvider, partialProvider } from "../../src/metadata/provider/Provider.js"
import type { ProviderChain } from "../../src/metadata/Providers.js"

const unsupported = Effect.fail(new ProviderRejected({ provider: "stub", reason: "invalid", message: "not in this stub" }))
const endpoint = {
  name: "stub", json: () => unsupported, send: () => unsupported, post: () => unsupported, bytes: () => unsupported,
  circuit: Effect.succeed({ state: "closed" as const, lastError: null }), stats: Effect.succeed({ requestsLastHour: 0, rateLimitRemaining: null })
}
interface Item {
  readonly from: ReadonlyArray<string>
  readonly ids: ExternalIds
}
const ids = (known: Partial<Record<ExternalIdKind, string>>) => new ExternalIds({ tmdb: null, imdb: null, tvdb: null, wikidata: null, ...known })
const answers: Record<string, Item> = {
  tmdb: { from: ["tmdb"], ids: ids({ tmdb: "1429", imdb: "tt2560140" }) },
  anilist: { from: ["anilist"], ids: ids({ anilist: "16498", mal: "16498" }) },
  kitsu: { from: ["kitsu"], ids: ids({ kitsu: "7442", anidb: "9541", mal: "999" }) },
  anidb: { from: ["anidb"], ids: ids({ anidb: "9541" }) },
  lonely: { from: ["lonely"], ids: ids({}) }
}
const asked: Array<string> = []
/** A provider that knows the item by one kind of id. */
const provider = (name: string, by: ExternalIdKind): MetadataProvider => ({
  ...partialProvider(name, endpoint),
  resolveId: (known) => Effect.succeed(Option.fromNullable(known[by]))
})
const season = (seasonNumber: number, episodeCount: number) =>
  new SeasonSummary({ id: String(seasonNumber), seasonNumber, name: null, overview: null, airDate: null, posterPath: null, episodeCount })
const all = { titles: 1, overview: 1, images: 1, ratings: 1, people: 1 }

describe("cross-linking in rounds", () => {
  it.effect("an id one provider gives leads the next to the item; ids known first are kept", () =>
    Effect.gen(function* () {
      const chain: ProviderChain = [
        { provider: provider("tmdb", "tmdb"), priorities: all, language: null },
        // Listed before the provider whose id leads to them: found in later rounds all the same.
        { provider: provider("anidb", "anidb"), priorities: all, language: null },
        { provider: provider("kitsu", "mal"), priorities: all, language: null },
        { provider: provider("anilist", "imdb"), priorities: all, language: null },
        { provider: provider("lonely", "trakt"), priorities: all, language: null }
      ]
      const merged = yield* fetchMerged(chain, "1429", (p, id) => {
        asked.push(`${p.name}:${id}`)
        const answer = answers[p.name]
        return answer === undefined ? unsupported : Effect.succeed(answer)
      }, {
        language: "en", fresh: false, fields: [], originalLanguage: () => null,
        crossLink: { kind: "tv", ids: (i) => i.ids, hint: () => ({ title: "x", year: null, originalLanguage: null }), withIds: (i, known) => ({ ...i, ids: known }) }
      })
      expect(asked).toEqual(["tmdb:1429", "anilist:tt2560140", "kitsu:16498", "anidb:9541"])
      expect(merged.value.ids).toMatchObject({ tmdb: "1429", imdb: "tt2560140", anilist: "16498", mal: "16498", kitsu: "7442", anidb: "9541", trakt: null })
      expect(merged.ordered("titles").map((i) => i.from[0])).toEqual(["tmdb", "anilist", "kitsu", "anidb"])
    }))

  it("absolute numbers through the seasons' episode counts, specials left out", () => {
    const order = orderFromSeasons([season(2, 12), season(0, 8), season(1, 25)])
    expect(order.get(1)).toEqual({ season: 1, episode: 1 })
    expect(order.get(25)).toEqual({ season: 1, episode: 25 })
    expect(order.get(27)).toEqual({ season: 2, episode: 2 })
    expect(order.size).toBe(37)
  })
})
