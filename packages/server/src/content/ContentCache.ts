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

/** Namespaces whose answers span many items. */
export const LISTING_NAMESPACES = ["content-lists", "content-counts", "content-genres", "content-episodes-dated"] as const

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
        ...LISTING_NAMESPACES.map((namespace) => store.invalidateNamespace(namespace))
      ],
      { concurrency: 8, discard: true }
    ))
