/**
 * Metadata from several sources in one record: the sources are ordered by language (the one asked
 * for first, the item's original language last) and, within a language, by provider priority; each
 * merged field takes the first source that has it. The first provider must answer; the others add
 * what they know (their refusals are logged and skipped).
 */
import type { ProviderError } from "@mediaserver/domain"
import { Effect } from "effect"
import type { Lookup, MetadataProvider } from "./provider/Provider.js"

const present = (value: unknown): boolean =>
  value !== null && value !== undefined && value !== "" && !(Array.isArray(value) && value.length === 0)

/** `first` with each listed field taken from the first source that has it. */
export const mergeFields = <A extends object>(first: A, rest: ReadonlyArray<A>, fields: ReadonlyArray<keyof A>): A => {
  const merged = { ...first }
  for (const field of fields) {
    const found = [first, ...rest].find((source) => present(source[field]))
    if (found !== undefined) merged[field] = found[field]
  }
  return merged
}

export interface MergeSpec<A> {
  readonly language: string
  readonly fresh: boolean
  /** Fields that depend on the language (titles, overviews) or that a provider may lack. */
  readonly fields: ReadonlyArray<keyof A>
  readonly originalLanguage: (a: A) => string | null
}

const sameLanguage = (a: string, b: string) => a.slice(0, 2) === b.slice(0, 2)

export const fetchMerged = <A extends object>(
  providers: readonly [MetadataProvider, ...ReadonlyArray<MetadataProvider>],
  fetch: (provider: MetadataProvider, lookup: Lookup) => Effect.Effect<A, ProviderError>,
  spec: MergeSpec<A>
): Effect.Effect<A, ProviderError> =>
  Effect.gen(function* () {
    const [primary, ...others] = providers
    const lookup = { language: spec.language, fresh: spec.fresh }
    const first = yield* fetch(primary, lookup)
    const optional = (provider: MetadataProvider, l: Lookup) =>
      fetch(provider, l).pipe(
        Effect.map((a): ReadonlyArray<A> => [a]),
        Effect.catchAll((e) => Effect.as(Effect.logDebug(`metadata merge: ${provider.name} skipped: ${e.message}`), []))
      )
    const more = (yield* Effect.forEach(others, (p) => optional(p, lookup))).flat()
    const merged = mergeFields(first, more, spec.fields)
    const original = spec.originalLanguage(first)
    const missing = spec.fields.some((field) => !present(merged[field]))
    if (original === null || sameLanguage(original, spec.language) || !missing) return merged
    // Fall back to the original language for what the asked one lacks.
    const fallback = (yield* Effect.forEach(providers, (p) => optional(p, { language: original, fresh: spec.fresh }))).flat()
    return mergeFields(merged, fallback, spec.fields)
  })
