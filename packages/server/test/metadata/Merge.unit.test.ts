import { describe, expect, it } from "@effect/vitest"
import { ProviderRejected } from "@mediaserver/domain"
import { Effect } from "effect"
import { fetchMerged, mergeFields } from "../../src/metadata/Merge.js"
import type { Lookup, MetadataProvider } from "../../src/metadata/provider/Provider.js"

const unsupported = Effect.fail(new ProviderRejected({ provider: "stub", reason: "invalid", message: "not in this stub" }))
const stub = (name: string): MetadataProvider => ({
  name, enabled: true, configured: true, circuit: Effect.succeed({ state: "closed", lastError: null }),
  searchMovie: () => unsupported, searchTv: () => unsupported, searchPerson: () => unsupported, movie: () => unsupported,
  movieSimilar: () => unsupported, movieRecommendations: () => unsupported, collection: () => unsupported, tv: () => unsupported,
  season: () => unsupported, episode: () => unsupported, person: () => unsupported, personCredits: () => unsupported,
  findByImdb: () => unsupported, image: () => unsupported
})

interface Item {
  readonly title: string | null
  readonly overview: string | null
  readonly tagline: string | null
  readonly originalLanguage: string | null
}

/** What each provider says, by language. */
const answers: Record<string, Record<string, Item>> = {
  first: {
    de: { title: "Der Titel", overview: null, tagline: null, originalLanguage: "fr" },
    fr: { title: "Le titre", overview: "Résumé", tagline: "Devise", originalLanguage: "fr" }
  },
  second: {
    de: { title: "Anderer Titel", overview: null, tagline: "Motto", originalLanguage: "fr" }
  }
}

const fetch = (provider: MetadataProvider, lookup: Lookup) => {
  const answer = answers[provider.name]?.[lookup.language]
  return answer === undefined ? unsupported : Effect.succeed(answer)
}

describe("metadata merge", () => {
  it("takes each field from the first source that has it", () => {
    const merged = mergeFields<Item>(
      { title: "A", overview: null, tagline: "", originalLanguage: "en" },
      [{ title: "B", overview: "b", tagline: "t", originalLanguage: "en" }],
      ["title", "overview", "tagline"]
    )
    expect(merged).toEqual({ title: "A", overview: "b", tagline: "t", originalLanguage: "en" })
  })

  it.effect("asked language by provider priority first, then the original language for what is still missing", () =>
    Effect.gen(function* () {
      const merged = yield* fetchMerged([stub("first"), stub("second")], fetch, {
        language: "de", fresh: true, fields: ["title", "overview", "tagline"], originalLanguage: (i) => i.originalLanguage
      })
      expect(merged).toEqual({ title: "Der Titel", overview: "Résumé", tagline: "Motto", originalLanguage: "fr" })
    }))

  it.effect("the first provider must answer; the others are optional", () =>
    Effect.gen(function* () {
      const failed = yield* Effect.flip(fetchMerged([stub("none"), stub("first")], fetch, {
        language: "de", fresh: true, fields: ["title"], originalLanguage: () => null
      }))
      expect(failed._tag).toBe("ProviderRejected")
    }))
})
