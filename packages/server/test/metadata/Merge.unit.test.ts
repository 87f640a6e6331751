import { describe, expect, it } from "@effect/vitest"
import { ExternalIds, type FieldPriorities, ProviderRejected } from "@mediaserver/domain"
import { Effect, Option } from "effect"
import { fetchMerged, mergeFields, type MergedField } from "../../src/metadata/Merge.js"
import { type Lookup, type MetadataProvider, partialProvider } from "../../src/metadata/provider/Provider.js"
import type { ChainLink, ProviderChain } from "../../src/metadata/Providers.js"

const unsupported = Effect.fail(new ProviderRejected({ provider: "stub", reason: "invalid", message: "not in this stub" }))
const endpoint = {
  name: "stub", json: () => unsupported, send: () => unsupported, post: () => unsupported, bytes: () => unsupported,
  circuit: Effect.succeed({ state: "closed" as const, lastError: null }), stats: Effect.succeed({ requestsLastHour: 0, rateLimitRemaining: null })
}
/** A provider whose id of the item is `their-<tmdb id>` (none for "stranger"). */
const stub = (name: string): MetadataProvider => ({
  ...partialProvider(name, endpoint),
  translates: true,
  resolveId: (ids) => Effect.succeed(name === "stranger" ? Option.none() : Option.fromNullable(ids.tmdb).pipe(Option.map((id) => `their-${id}`)))
})
const all = (n: number): FieldPriorities => ({ titles: n, overview: n, images: n, ratings: n, people: n })
const link = (name: string, priorities: FieldPriorities = all(1), language: string | null = null): ChainLink => ({ provider: stub(name), priorities, language })

interface Item {
  readonly title: string | null
  readonly overview: string | null
  readonly tagline: string | null
  readonly rating: number | null
  readonly originalLanguage: string | null
}
const FIELDS: ReadonlyArray<MergedField<Item>> = [
  { field: "title", group: "titles" }, { field: "tagline", group: "titles" }, { field: "overview", group: "overview" }, { field: "rating", group: "ratings" }
]
const ids = new ExternalIds({ tmdb: "603", imdb: null, tvdb: null, wikidata: null })

/** What each provider says, by language. */
const answers: Record<string, Record<string, Item>> = {
  first: {
    de: { title: "Der Titel", overview: null, tagline: null, rating: 7.1, originalLanguage: "fr" },
    fr: { title: "Le titre", overview: "Résumé", tagline: "Devise", rating: 7.1, originalLanguage: "fr" }
  },
  second: {
    de: { title: "Anderer Titel", overview: null, tagline: "Motto", rating: 8.7, originalLanguage: "fr" },
    ja: { title: "タイトル", overview: "概要", tagline: null, rating: 8.7, originalLanguage: "fr" }
  },
  stranger: { de: { title: "Fremd", overview: "Fremd", tagline: "Fremd", rating: 1, originalLanguage: "fr" } }
}

const asked: Array<string> = []
const fetch = (provider: MetadataProvider, id: string, lookup: Lookup) => {
  asked.push(`${provider.name}:${id}:${lookup.language}`)
  const answer = answers[provider.name]?.[lookup.language]
  return answer === undefined ? unsupported : Effect.succeed(answer)
}
const spec = (fields: ReadonlyArray<MergedField<Item>> = FIELDS) => ({
  language: "de", fresh: true, fields, originalLanguage: (i: Item) => i.originalLanguage,
  crossLink: { kind: "movie" as const, ids: () => ids, hint: (i: Item) => ({ title: i.title ?? "", year: null, originalLanguage: i.originalLanguage }), withIds: (i: Item) => i }
})

describe("metadata merge", () => {
  it("takes each field from the source of best priority for its group that has it", () => {
    const a = { value: { title: "A", overview: null, tagline: "", rating: 6, originalLanguage: "en" }, priorities: all(1) }
    const b = { value: { title: "B", overview: "b", tagline: "t", rating: 9, originalLanguage: "en" }, priorities: { ...all(2), ratings: 0 } }
    expect(mergeFields<Item>(a, [b], FIELDS)).toEqual({ title: "A", overview: "b", tagline: "t", rating: 9, originalLanguage: "en" })
  })

  it.effect("the others by their own id of the item; priorities per group; then the original language for what is missing", () =>
    Effect.gen(function* () {
      asked.length = 0
      const chain: ProviderChain = [link("first"), link("second", { ...all(2), ratings: 1 }), link("stranger", all(0))]
      const merged = yield* fetchMerged(chain, "603", fetch, spec())
      // Equal ratings priorities: the first provider wins the tie.
      expect(merged.value).toEqual({ title: "Der Titel", overview: "Résumé", tagline: "Motto", rating: 7.1, originalLanguage: "fr" })
      expect(asked).toEqual(expect.arrayContaining(["first:603:de", "second:their-603:de", "first:603:fr"]))
      expect(asked.some((a) => a.startsWith("stranger"))).toBe(false)
      const better = yield* fetchMerged([link("first"), link("second", { ...all(2), ratings: 0 })], "603", fetch, spec())
      expect(better.value.rating).toBe(8.7)
      expect(better.ordered("ratings").map((i) => i.rating)).toEqual([8.7, 7.1])
    }))

  it.effect("a provider with its own language is asked in it", () =>
    Effect.gen(function* () {
      asked.length = 0
      const merged = yield* fetchMerged([link("first"), link("second", all(0), "ja")], "603", fetch, spec())
      expect(merged.value.title).toBe("タイトル")
      expect(asked).toContain("second:their-603:ja")
    }))

  it.effect("the first provider must answer; the others are optional", () =>
    Effect.gen(function* () {
      const failed = yield* Effect.flip(fetchMerged([link("none"), link("first")], "603", fetch, spec([{ field: "title", group: "titles" }])))
      expect(failed._tag).toBe("ProviderRejected")
    }))
})
