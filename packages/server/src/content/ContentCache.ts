/**
 * How content writes reach browsing caches. Details are tagged by their item (`movie:<id>`,
 * `series:<id>`, `collection:<id>`); listings, counts and genres depend on many items and live in
 * the namespaces below, dropped whole (one generation bump) when any content changes; search answers
 * by the libraries they cover. Writers (scans, metadata refreshes, collection changes) call
 * `contentChanged` once per batch.
 */
import type { CollectionId, LibraryId, MovieId, SeriesId } from "@mediaserver/domain"
import { Effect } from "effect"
import { CacheStore } from "../cache/index.js"
import type { Accessible } from "../library/LibraryAccess.js"

export const movieTag = (id: MovieId | string) => `movie:${id}`
export const seriesTag = (id: SeriesId | string) => `series:${id}`
export const collectionTag = (id: CollectionId | string) => `collection:${id}`

/** Items by external id for the *arr webhooks (integrations/ArrLibrary): a scan or refresh may give an item its ids. */
export const ARR_ITEM_IDS_NAMESPACE = "arr-item-ids"

/**
 * Namespaces whose answers span many items, or whose keys cannot name the item they depend on:
 * dropped whole on any content change (scans and refreshes are rare next to reads).
 */
export const LISTING_NAMESPACES = [
  "content-movie-lists", "content-series-lists", "content-movie-similar", "content-genres", "content-episodes-dated",
  "content-episode", "content-season-ref", "watch-continue-movies", "watch-continue-episodes", "watch-history",
  "watch-movie-stats", "watch-tv-stats", "watch-series-stats", "watch-next", "marks-favorite-movies",
  "marks-favorite-series", ARR_ITEM_IDS_NAMESPACE
] as const

/** Search answers (search/): tagged by the libraries they cover, dropped whole when that is not known. */
export const SEARCH_NAMESPACES = ["search-movies", "search-series", "search-facets", "search-suggest", "search-multi"] as const

/**
 * A search answer depends on every library its caller may see, and on nothing else: it is tagged
 * with each (an admin's, which covers every library, with one tag any library's change drops).
 */
const searchTag = (library: LibraryId | string) => `search:${library}`
const SEARCH_EVERY_LIBRARY = "search:*"
export const searchTags = (accessible: Accessible): ReadonlyArray<string> =>
  accessible === "all" ? [SEARCH_EVERY_LIBRARY] : accessible.map(searchTag)

export interface ContentChange {
  readonly movies?: ReadonlyArray<MovieId | string>
  readonly series?: ReadonlyArray<SeriesId | string>
  readonly collections?: ReadonlyArray<CollectionId | string>
  /**
   * The libraries whose search documents the change touched. Absent: possibly any (a renamed person
   * is in documents of every library crediting them), so every search answer is dropped.
   */
  readonly libraries?: ReadonlyArray<LibraryId | string>
}

/** Drops the search answers a change of these libraries' documents affects (absent: every answer). */
export const searchChanged = (libraries?: ReadonlyArray<LibraryId | string>): Effect.Effect<void, never, CacheStore> =>
  Effect.flatMap(CacheStore, (store) =>
    libraries === undefined
      ? Effect.forEach(SEARCH_NAMESPACES, (namespace) => store.invalidateNamespace(namespace), { concurrency: 8, discard: true })
      : Effect.forEach([...libraries.map(searchTag), SEARCH_EVERY_LIBRARY], (tag) => store.invalidateTag(tag), { concurrency: 8, discard: true }))

export const contentChanged = (change: ContentChange): Effect.Effect<void, never, CacheStore> =>
  Effect.flatMap(CacheStore, (store) =>
    Effect.all(
      [
        ...(change.movies ?? []).map((id) => store.invalidateTag(movieTag(id))),
        ...(change.series ?? []).map((id) => store.invalidateTag(seriesTag(id))),
        ...(change.collections ?? []).map((id) => store.invalidateTag(collectionTag(id))),
        ...LISTING_NAMESPACES.map((namespace) => store.invalidateNamespace(namespace)),
        searchChanged(change.libraries)
      ],
      { concurrency: 8, discard: true }
    ))

/** Per-item namespaces, for writers that changed more items than they track (a scan, a probe run). */
const DETAIL_NAMESPACES = ["content-movie", "content-series", "content-series-episodes", "content-collection"] as const

/**
 * Everything browsing caches, and the search answers covering `library` (absent: every answer):
 * after a scan or probe run changed files or content of a library.
 */
export const allContentChanged = (library?: LibraryId | string): Effect.Effect<void, never, CacheStore> =>
  Effect.flatMap(CacheStore, (store) =>
    Effect.all([
      Effect.forEach([...LISTING_NAMESPACES, ...DETAIL_NAMESPACES], (namespace) => store.invalidateNamespace(namespace), {
        concurrency: 8,
        discard: true
      }),
      searchChanged(library === undefined ? undefined : [library])
    ], { discard: true }))
