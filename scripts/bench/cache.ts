/**
 * `npm run bench -- cache`: the two-level cache through its public helper (CacheAside).
 * - L1 hit: ops/s of `get` on warm keys (baseline: a bare Map lookup in the same loop).
 * - L2 hit: latency of `get` with L1 cold (a 1-entry L1, keys cycled), on real Redis over loopback.
 * - miss: latency of `get` whose lookup is a Postgres primary-key read (baseline: the read alone).
 * - invalidation: from `invalidate(key)` here to the drop in another process's L1 (p50/p99).
 */
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Context, Duration, Effect, Layer, Option, Schema } from "effect"
import { Redis } from "ioredis"
import { CacheAside } from "@mediaserver/server/cache"
import { CacheStore, makeCacheStore } from "@mediaserver/server/cache"
import { freshDatabase, redisUrl } from "@mediaserver/testkit/TestDatabase"
import { emit, progress, round } from "./report.js"
import { forkScript } from "./support/fork.js"

const BENCH = "cache"
const L1_OPS = 2_000_000
const SAMPLES = 5_000
const INVALIDATIONS = 500

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN

const timed = <A, E, R>(n: number, op: (i: number) => Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const samples: Array<number> = []
    for (let i = 0; i < n; i++) {
      const started = performance.now()
      yield* op(i)
      samples.push(performance.now() - started)
    }
    return samples.sort((a, b) => a - b)
  })

const Row = Schema.Struct({ id: Schema.Number, title: Schema.String })

const connect = (url: string) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true })
      await redis.connect()
      return redis
    }),
    (redis) => Effect.promise(() => redis.quit())
  )

const measure = Effect.gen(function* () {
  const url = yield* redisUrl
  const prefix = `bench:${process.pid}:`
  const store = yield* makeCacheStore({ prefix, maxEntries: 10_000, redisTimeout: "100 millis", redis: Option.some(yield* connect(url)) })
  const withStore = Effect.provideService(CacheStore, store)

  // L1 hits, against a Map lookup doing the same key walk.
  const hot = yield* CacheAside.make({ namespace: "bench-hot", schema: Row, ttl: { l1: "10 minutes", l2: "10 minutes" } }).pipe(withStore)
  const keys = Array.from({ length: 1000 }, (_, i) => i)
  for (const k of keys) yield* hot.get(k, Effect.succeed({ id: k, title: `movie ${k}` }))
  const never = Effect.die("L1 benchmark must not look up")
  let started = performance.now()
  yield* Effect.gen(function* () {
    for (let i = 0; i < L1_OPS; i++) yield* hot.get(keys[i % 1000] ?? 0, never)
  })
  const l1OpsPerS = L1_OPS / ((performance.now() - started) / 1000)
  const map = new Map(keys.map((k) => [String(k), { id: k }]))
  started = performance.now()
  yield* Effect.gen(function* () {
    for (let i = 0; i < L1_OPS; i++) yield* Effect.succeed(map.get(String(i % 1000)))
  })
  const mapOpsPerS = L1_OPS / ((performance.now() - started) / 1000)
  progress(`L1 hits: ${Math.round(l1OpsPerS)} ops/s (Map in an Effect loop: ${Math.round(mapOpsPerS)})`)

  // L2 hits: a 1-entry L1 and 1000 keys cycled, so every get misses L1 and finds L2.
  const cold = yield* CacheAside.make({ namespace: "bench-hot", schema: Row, ttl: { l1: "10 minutes", l2: "10 minutes" }, maxEntries: 1 }).pipe(withStore)
  yield* timed(1000, (i) => cold.get(i, never)) // warm-up
  const l2 = yield* timed(SAMPLES, (i) => cold.get(i % 1000, never))
  // Baseline: the Redis round trip alone (ioredis GET of a value of the same size).
  const raw = yield* connect(url)
  const sample = JSON.stringify({ f: true, v: { id: 1, title: "movie 1" }, t: [] })
  yield* Effect.promise(() => raw.set(`${prefix}raw`, sample))
  const rawGet = yield* timed(SAMPLES, () => Effect.promise(() => raw.get(`${prefix}raw`)))
  progress(`L2 hits: p50 ${percentile(l2, 50).toFixed(3)} ms, p99 ${percentile(l2, 99).toFixed(3)} ms (raw GET p50 ${percentile(rawGet, 50).toFixed(3)}, p99 ${percentile(rawGet, 99).toFixed(3)} ms)`)

  // Misses whose lookup is a Postgres primary-key read.
  const db = yield* freshDatabase("benchcache")
  const sql = Context.get(yield* Layer.build(PgClient.layer({ url: db.url, maxConnections: 4 })), SqlClient.SqlClient)
  yield* sql`CREATE TABLE movie (id int PRIMARY KEY, title text NOT NULL)`
  yield* sql`INSERT INTO movie SELECT g, 'movie ' || g FROM generate_series(1, ${SAMPLES * 2}) g`
  const byId = (id: number) =>
    Effect.map(sql<{ id: number; title: string }>`SELECT id, title FROM movie WHERE id = ${id}`, (rows) => Option.fromNullable(rows[0]))
  const rows = yield* CacheAside.make({ namespace: "bench-movie", schema: Row, ttl: { l1: "1 minute", l2: "1 minute" } }).pipe(withStore)
  const baseline = yield* timed(SAMPLES, (i) => byId(SAMPLES + 1 + (i % SAMPLES)))
  const miss = yield* timed(SAMPLES, (i) => rows.getOption(i + 1, byId(i + 1)))
  progress(`misses: p99 ${percentile(miss, 99).toFixed(3)} ms (primary-key read alone: p99 ${percentile(baseline, 99).toFixed(3)} ms)`)

  // Invalidation visibility in another process.
  const node = yield* forkScript("cache-node", [url, prefix])
  yield* Effect.async<void>((resume) => {
    node.once("message", () => resume(Effect.void))
  })
  const arrivals = new Map<string, number>()
  node.on("message", (message: unknown) => {
    if (typeof message === "object" && message !== null && "key" in message && "at" in message &&
      typeof message.key === "string" && typeof message.at === "number") arrivals.set(message.key, message.at)
  })
  const bench = yield* CacheAside.make({ namespace: "bench", schema: Row, ttl: { l1: "1 minute", l2: "1 minute" } }).pipe(withStore)
  const sent = new Map<string, number>()
  for (let i = 0; i < INVALIDATIONS; i++) {
    sent.set(String(i), performance.timeOrigin + performance.now())
    yield* bench.invalidate(i)
    yield* Effect.sleep(Duration.millis(2))
  }
  const deadline = Date.now() + 5_000
  while (arrivals.size < INVALIDATIONS && Date.now() < deadline) yield* Effect.sleep(Duration.millis(10))
  const latencies = [...sent].flatMap(([key, at]) => {
    const arrived = arrivals.get(key)
    return arrived === undefined ? [] : [arrived - at]
  }).sort((a, b) => a - b)
  progress(`invalidations: ${latencies.length}/${INVALIDATIONS} seen by the other process`)

  emit(BENCH, "l1_hit_ops_per_s", Math.round(l1OpsPerS), "ops/s")
  emit(BENCH, "l1_baseline_map_ops_per_s", Math.round(mapOpsPerS), "ops/s")
  emit(BENCH, "l2_hit_p50_ms", round(percentile(l2, 50), 3), "ms")
  emit(BENCH, "l2_hit_p99_ms", round(percentile(l2, 99), 3), "ms")
  emit(BENCH, "l2_baseline_redis_get_p99_ms", round(percentile(rawGet, 99), 3), "ms")
  emit(BENCH, "miss_p50_ms", round(percentile(miss, 50), 3), "ms")
  emit(BENCH, "miss_p99_ms", round(percentile(miss, 99), 3), "ms")
  emit(BENCH, "miss_baseline_pk_read_p99_ms", round(percentile(baseline, 99), 3), "ms")
  emit(BENCH, "invalidation_p50_ms", round(percentile(latencies, 50), 3), "ms")
  emit(BENCH, "invalidation_p99_ms", round(percentile(latencies, 99), 3), "ms")
  emit(BENCH, "invalidations_seen_ratio", round(latencies.length / INVALIDATIONS, 3), "ratio")
})

export const run = Effect.scoped(measure)
