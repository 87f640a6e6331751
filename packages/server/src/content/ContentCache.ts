/**
 * How content writes reach browsing caches. Details are tagged by their item (`movie:<id>`,
 * `series:<id>`, `collection:<id>`); listings, counts and genres depend on many items and live in
 * the namespaces below, dropped whole (one generation bump) when any content changes. Writers
 * (scans, metadata refreshes, collection changes) call `contentChanged` once per batch.
 */
import type { CollectionId, MovieId, SeriesId } from "@mediaserver/domain"
import { Effect } from "effect"
import { CacheStore } from "../cache/index.js"

export const movieTag = (id: MovieId | string) => `movie:${id}`
export const seriesTag = (id: SeriesId | string) => `series:${id}`
export const collectionTag = (id: CollectionId | string) => `collection:${id}`

/**
 * Namespaces whose answers span many items, or whose keys cannot name the item they depend on:
 * dropped whole on any content change (scans and refreshes are rare next to reads).
 */
export const LISTING_NAMESPACES = [
  "content-movie-lists", "content-series-lists", "content-movie-similar", "content-genres", "content-episodes-dated",
  "content-episode", "content-season-ref", "watch-continue-movies", "watch-continue-episodes", "watch-history",
  "watch-movie-stats", "watch-tv-stats", "watch-series-stats", "watch-next", "marks-favorite-movies",
  "marks-favorite-series"
] as const

/** Search answers (search/): they span many items, so any content change drops them too. */
export const SEARCH_NAMESPACES = ["search-movies", "search-series", "search-facets", "search-suggest", "search-multi"] as const

export interface ContentChange {
  readonly movies?: ReadonlyArray<MovieId | string>
  readonly series?: ReadonlyArray<SeriesId | string>
  readonly collections?: ReadonlyArray<CollectionId | string>
}

export const contentChanged = (change: ContentChange): Effect.Effect<void, never, CacheStore> =>
  Effect.flatMap(CacheStore, (store) =>
    Effect.all(
      [
        ...(change.movies ?? []).map((id) => store.invalidateTag(movieTag(id))),
        ...(change.series ?? []).map((id) => store.invalidateTag(seriesTag(id))),
        ...(change.collections ?? []).map((id) => store.invalidateTag(collectionTag(id))),
        ...[...LISTING_NAMESPACES, ...SEARCH_NAMESPACES].map((namespace) => store.invalidateNamespace(namespace))
      ],
      { concurrency: 8, discard: true }
    ))

/** Per-item namespaces, for writers that changed more items than they track (a scan, a probe run). */
const DETAIL_NAMESPACES = ["content-movie", "content-series", "content-series-episodes", "content-collection"] as const

/** Everything browsing caches: after a scan or probe run changed files or content of a library. */
export const allContentChanged: Effect.Effect<void, never, CacheStore> = Effect.flatMap(CacheStore, (store) =>
  Effect.forEach([...LISTING_NAMESPACES, ...SEARCH_NAMESPACES, ...DETAIL_NAMESPACES], (namespace) => store.invalidateNamespace(namespace), {
    concurrency: 8,
    discard: true
  }))
