/**
 * Metadata from several sources in one record. The first provider (TMDb) must answer, by its id; the
 * others find the item through the ids of that answer (`resolveId`: IMDb, TVDb, TMDb ids) and add what
 * they know (their refusals are logged and skipped). Each merged field takes the first source that has
 * it, the sources ordered by their priority for the field's group (titles, overview, images, ratings,
 * people; the first provider wins ties); `ordered` gives the answers in a group's order, for lists that
 * gather every source's entries (images, scores). A provider with a language setting is asked in it. What the asked language lacks is then
 * looked for in the item's original language.
 */
import { addIds, type ExternalIds, type FieldGroup, knownIds, type ProviderError } from "@mediaserver/domain"
import { Effect, Option } from "effect"
import type { ItemHint, Lookup, MetadataProvider } from "./provider/Provider.js"
import type { ChainLink, ProviderChain } from "./Providers.js"

const present = (value: unknown): boolean =>
  value !== null && value !== undefined && value !== "" && !(Array.isArray(value) && value.length === 0)

/** An answer and the priorities of the provider that gave it. */
export interface Source<A> {
  readonly value: A
  readonly priorities: ChainLink["priorities"]
}

export interface MergedField<A> {
  readonly field: keyof A
  readonly group: FieldGroup
}

const inOrder = <A>(sources: ReadonlyArray<Source<A>>, group: FieldGroup): ReadonlyArray<A> =>
  // Stable: on equal priorities the first provider stays first.
  sources.map((s, i) => ({ s, i })).sort((a, b) => a.s.priorities[group] - b.s.priorities[group] || a.i - b.i).map((x) => x.s.value)

/** `first` with each listed field taken from the sources in the order of their priority for its group. */
export const mergeFields = <A extends object>(first: Source<A>, rest: ReadonlyArray<Source<A>>, fields: ReadonlyArray<MergedField<A>>): A => {
  const merged = { ...first.value }
  for (const { field, group } of fields) {
    const found = inOrder([first, ...rest], group).find((source) => present(source[field]))
    if (found !== undefined) merged[field] = found[field]
  }
  return merged
}

export interface MergeSpec<A> {
  readonly language: string
  readonly fresh: boolean
  /** Fields that depend on the language (titles, overviews) or that a provider may lack, with their group. */
  readonly fields: ReadonlyArray<MergedField<A>>
  readonly originalLanguage: (a: A) => string | null
  /** How the other providers find the item: its kind and ids in the first answer (absent: the first provider only). */
  readonly crossLink?: CrossLink<A>
}

export interface CrossLink<A> {
  readonly kind: "movie" | "tv"
  readonly ids: (a: A) => ExternalIds
  readonly hint: (a: A) => ItemHint
  /** The answer with every id the providers gave. */
  readonly withIds: (a: A, ids: ExternalIds) => A
}

/** Rounds of cross-linking at most: each round may bring ids that lead further providers to the item. */
const MAX_ROUNDS = 3

/**
 * Each other provider's id and answer, found in rounds: a provider that does not know the item by the
 * ids known so far is asked again once an answer brought a kind of id it had not seen (AniList's
 * MyAnimeList id leads to Kitsu, whose mappings lead to AniDB). Ids already known are never replaced.
 */
const crossLinked = <A>(
  others: ReadonlyArray<ChainLink>,
  crossLink: CrossLink<A>,
  first: A,
  ask: (link: ChainLink, theirId: string) => Effect.Effect<ReadonlyArray<Source<A>>>,
  skipped: (provider: MetadataProvider) => (e: ProviderError) => Effect.Effect<ReadonlyArray<never>>
) =>
  Effect.gen(function* () {
    let ids = crossLink.ids(first)
    let pending = others
    const linked: Array<readonly [ChainLink, string]> = []
    const more: Array<Source<A>> = []
    for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
      const known = knownIds(ids).length
      const found = (yield* Effect.forEach(pending, (link) =>
        link.provider.resolveId(ids, crossLink.kind, crossLink.hint(first)).pipe(
          Effect.map(Option.match({ onNone: (): ReadonlyArray<readonly [ChainLink, string]> => [], onSome: (theirs) => [[link, theirs] as const] })),
          Effect.catchAll(skipped(link.provider))
        ), { concurrency: 4 })).flat()
      const answers = (yield* Effect.forEach(found, ([link, theirId]) => ask(link, theirId), { concurrency: 4 })).flat()
      linked.push(...found)
      more.push(...answers)
      ids = answers.reduce((all, answer) => addIds(all, crossLink.ids(answer.value)), ids)
      pending = pending.filter((link) => !found.some(([l]) => l === link))
      if (knownIds(ids).length === known) break
    }
    return { linked, more, ids }
  })

/** The merged answer, and every provider's answer in a group's order (to gather lists such as images). */
export interface Merged<A> {
  readonly value: A
  readonly ordered: (group: FieldGroup) => ReadonlyArray<A>
}

const sameLanguage = (a: string, b: string) => a.slice(0, 2) === b.slice(0, 2)

export const fetchMerged = <A extends object>(
  chain: ProviderChain,
  id: string,
  fetch: (provider: MetadataProvider, id: string, lookup: Lookup) => Effect.Effect<A, ProviderError>,
  spec: MergeSpec<A>
): Effect.Effect<Merged<A>, ProviderError> =>
  Effect.gen(function* () {
    const [primary, ...others] = chain
    const lookupFor = (link: ChainLink, language: string): Lookup => ({ language: link.language ?? language, fresh: spec.fresh })
    const first: Source<A> = { value: yield* fetch(primary.provider, id, lookupFor(primary, spec.language)), priorities: primary.priorities }
    const skipped = (provider: MetadataProvider) => (e: ProviderError) =>
      Effect.as(Effect.logDebug(`metadata merge: ${provider.name} skipped: ${e.message}`), [])
    const crossLink = spec.crossLink
    const ask = (link: ChainLink, theirId: string, language: string) =>
      fetch(link.provider, theirId, lookupFor(link, language)).pipe(
        Effect.map((value): ReadonlyArray<Source<A>> => [{ value, priorities: link.priorities }]),
        Effect.catchAll(skipped(link.provider))
      )
    const { linked, more, ids } = crossLink === undefined
      ? { linked: [], more: [], ids: null }
      : yield* crossLinked(others, crossLink, first.value, (link, theirId) => ask(link, theirId, spec.language), skipped)
    const mergedFields = mergeFields(first, more, spec.fields)
    const merged = ids === null || crossLink === undefined ? mergedFields : crossLink.withIds(mergedFields, ids)
    const ordered = (group: FieldGroup) => inOrder([first, ...more], group)
    const original = spec.originalLanguage(first.value)
    const missing = spec.fields.some(({ field }) => !present(merged[field]))
    if (original === null || sameLanguage(original, spec.language) || !missing) return { value: merged, ordered }
    // Fall back to the original language for what the asked one lacks (providers with their own language, or
    // whose answers do not depend on it, are not asked again).
    const primaryLink: readonly [ChainLink, string] = [primary, id]
    const again = [primaryLink, ...linked].filter(([link]) => link.language === null && link.provider.translates)
    const fallback = (yield* Effect.forEach(again, ([link, theirId]) => ask(link, theirId, original))).flat()
    const missingOnly = spec.fields.filter(({ field }) => !present(merged[field]))
    return { value: mergeFields({ value: merged, priorities: primary.priorities }, fallback, missingOnly), ordered }
  })
