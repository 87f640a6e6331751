/**
 * Local mirror of invalidation generations. Invalidating a namespace or a tag bumps its generation
 * (one INCR in Redis, one number here); every entry remembers the generations it was read under and
 * counts as stale once they differ. Tag generations live in a bounded LRU; when one is evicted the
 * `epoch` moves, so entries that depended on a forgotten tag re-validate instead of trusting a default.
 */
import { LRUCache } from "lru-cache"

export interface GenerationMirror {
  readonly namespace: (name: string) => number | undefined
  readonly setNamespace: (name: string, generation: number) => void
  readonly tag: (name: string) => number | undefined
  readonly setTag: (name: string, generation: number) => void
  readonly epoch: () => number
  /** Forget everything (after a Redis reconnect: invalidations may have been missed). */
  readonly reset: () => void
}

export const makeGenerationMirror = (maxTags: number): GenerationMirror => {
  const namespaces = new Map<string, number>()
  let epoch = 0
  const tags = new LRUCache<string, number>({
    max: maxTags,
    dispose: (_value, _key, reason) => {
      if (reason === "evict") epoch++
    }
  })
  // Generations only move forward: a late or duplicated message never rolls one back.
  const forward = (current: number | undefined, next: number) => (current === undefined || next > current ? next : current)
  return {
    namespace: (name) => namespaces.get(name),
    setNamespace: (name, generation) => void namespaces.set(name, forward(namespaces.get(name), generation)),
    tag: (name) => tags.get(name),
    setTag: (name, generation) => void tags.set(name, forward(tags.get(name), generation)),
    epoch: () => epoch,
    reset: () => {
      namespaces.clear()
      tags.clear()
      epoch++
    }
  }
}
