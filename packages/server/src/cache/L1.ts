/**
 * The in-process level: an LRU (lru-cache) per namespace, bounded by entry count, with a TTL per
 * entry. Entries carry the generations they were read under, so a namespace or tag invalidation
 * only bumps a number (O(1)) and stale entries are dropped when next read. Time is the Effect Clock
 * (`now`), so TTLs follow TestClock in tests.
 */
import type { Effect, Option } from "effect"
import { LRUCache } from "lru-cache"
import type { TagGenerations } from "./CacheStore.js"

export interface L1Entry<A> {
  readonly value: { readonly found: true; readonly value: A } | { readonly found: false }
  /** The answers of a hit, built once at fill time so a hit allocates nothing. */
  readonly asOption: Effect.Effect<Option.Option<A>>
  /** Undefined for a cached "not found". */
  readonly asValue: Effect.Effect<A> | undefined
  readonly namespaceGeneration: number
  readonly tagGenerations: TagGenerations
  readonly epoch: number
}

export interface L1Store<A> {
  readonly get: (key: string) => L1Entry<A> | undefined
  readonly set: (key: string, entry: L1Entry<A>, ttlMs: number) => void
  readonly delete: (key: string) => void
  readonly clear: () => void
  readonly size: () => number
}

export const makeL1 = <A>(maxEntries: number, now: () => number): L1Store<A> => {
  // Made on the first write: lru-cache allocates its arrays for `max` entries up front (about 8 ms and
  // a megabyte for 50,000), and most of a node's namespaces are never written on a given node.
  let lru: LRUCache<string, L1Entry<A>> | undefined
  // ttlResolution 0: read the clock on every check (lru-cache otherwise keeps one reading for 1 ms
  // of real time, which a TestClock adjustment would not move).
  const made = () => (lru ??= new LRUCache<string, L1Entry<A>>({ max: maxEntries, perf: { now }, ttlResolution: 0 }))
  return {
    get: (key) => lru?.get(key),
    set: (key, entry, ttlMs) => void made().set(key, entry, { ttl: ttlMs }),
    delete: (key) => void lru?.delete(key),
    clear: () => lru?.clear(),
    size: () => lru?.size ?? 0
  }
}
