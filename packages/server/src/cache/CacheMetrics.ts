/**
 * Cache counters. The hit path must cost nanoseconds, so counts are plain numbers per namespace,
 * copied into Effect gauges when /metrics is scraped (see `sampleCacheMetrics`).
 */
import { Effect, Metric, MetricLabel } from "effect"

export interface NamespaceCounts {
  l1Hit: number
  l1Miss: number
  l2Hit: number
  l2Miss: number
  lookups: number
  coalesced: number
  invalidations: number
}

export interface CacheCounters {
  readonly forNamespace: (namespace: string) => NamespaceCounts
  readonly all: ReadonlyMap<string, NamespaceCounts>
  redisErrors: number
  l2Skipped: number
  pubsubReceived: number
}

export const makeCounters = (): CacheCounters => {
  const byNamespace = new Map<string, NamespaceCounts>()
  return {
    all: byNamespace,
    redisErrors: 0,
    l2Skipped: 0,
    pubsubReceived: 0,
    forNamespace: (namespace) => {
      let counts = byNamespace.get(namespace)
      if (counts === undefined) {
        counts = { l1Hit: 0, l1Miss: 0, l2Hit: 0, l2Miss: 0, lookups: 0, coalesced: 0, invalidations: 0 }
        byNamespace.set(namespace, counts)
      }
      return counts
    }
  }
}

const requests = Metric.gauge("cache_requests_total", { description: "Cache reads by namespace, level and result" })
const lookups = Metric.gauge("cache_lookups_total", { description: "Reads that went to the source" })
const coalesced = Metric.gauge("cache_coalesced_total", { description: "Reads that joined a lookup already running" })
const invalidations = Metric.gauge("cache_invalidations_total", { description: "Invalidations by namespace" })
const redisErrors = Metric.gauge("cache_redis_errors_total", { description: "Failed or timed-out Redis operations" })
const l2Skipped = Metric.gauge("cache_l2_skipped_total", { description: "Reads that skipped L2 because Redis was down" })
const l1Entries = Metric.gauge("cache_l1_entries", { description: "Entries held in the in-process cache" })

const tagged = (metric: Metric.Metric.Gauge<number>, labels: Record<string, string>) =>
  Metric.taggedWithLabels(metric, Object.entries(labels).map(([k, v]) => MetricLabel.make(k, v)))

export const sampleCacheMetrics = (counters: CacheCounters, l1Size: number) =>
  Effect.gen(function* () {
    for (const [namespace, c] of counters.all) {
      const set = (level: string, result: string, value: number) =>
        Metric.set(tagged(requests, { namespace, level, result }), value)
      yield* set("l1", "hit", c.l1Hit)
      yield* set("l1", "miss", c.l1Miss)
      yield* set("l2", "hit", c.l2Hit)
      yield* set("l2", "miss", c.l2Miss)
      yield* Metric.set(tagged(lookups, { namespace }), c.lookups)
      yield* Metric.set(tagged(coalesced, { namespace }), c.coalesced)
      yield* Metric.set(tagged(invalidations, { namespace }), c.invalidations)
    }
    yield* Metric.set(redisErrors, counters.redisErrors)
    yield* Metric.set(l2Skipped, counters.l2Skipped)
    yield* Metric.set(l1Entries, l1Size)
  })
