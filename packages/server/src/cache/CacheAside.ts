/**
 * The one cache-aside helper. A service declares a namespace once, then reads through it:
 *
 *   const movies = yield* CacheAside.make({
 *     namespace: "movie", schema: Movie, ttl: { l1: "30 seconds", l2: "10 minutes" },
 *     key: (id: MovieId) => id, tags: (id) => [`movie:${id}`]
 *   })
 *   movies.get(id, repo.findById(id))        // L1 -> L2 -> lookup, filling both
 *   movies.invalidate(id)                     // every node's L1 drops it within milliseconds
 *
 * Concurrent misses of one key run one lookup. L2 writes happen inside the read that caused them (with
 * a timeout in ms), never in a detached fiber. Values are encoded with the namespace's Schema; an L2
 * value that no longer decodes (a changed schema) counts as a miss.
 */
import { Deferred, Duration, Effect, Exit, Option, Schema, type Scope } from "effect"
import { CacheStore, type TagGenerations } from "./CacheStore.js"
import { type L1Entry, makeL1 } from "./L1.js"

/** Entry TTLs are capped below the life of generation keys (see RedisLevel). */
const MAX_TTL = Duration.days(1)
const DEFAULT_NOT_FOUND_TTL = Duration.seconds(10)

export interface CacheSpec<K, A, I> {
  readonly namespace: string
  readonly schema: Schema.Schema<A, I>
  readonly ttl: { readonly l1: Duration.DurationInput; readonly l2: Duration.DurationInput }
  /** TTL of a cached "not found" (getOption returning None), at both levels. */
  readonly notFoundTtl?: Duration.DurationInput
  /** Cache key of a lookup key; default `String(k)`. */
  readonly key?: (k: K) => string
  /** Tags to invalidate this entry by, known from the key alone (captured before the lookup). */
  readonly tags?: (k: K) => ReadonlyArray<string>
  /** L1 capacity of this namespace; default CACHE_L1_MAX_ENTRIES. */
  readonly maxEntries?: number
}

export interface CacheAside<K, A> {
  readonly namespace: string
  readonly get: <E, R>(k: K, lookup: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  readonly getOption: <E, R>(k: K, lookup: Effect.Effect<Option.Option<A>, E, R>) => Effect.Effect<Option.Option<A>, E, R>
  readonly invalidate: (k: K) => Effect.Effect<void>
  readonly invalidateAll: Effect.Effect<void>
  /**
   * Short-lived state that has no source to read through (login challenges, OIDC state): `put` fills
   * both levels, `take` reads and removes it once for the whole cluster (Redis GETDEL; L1 alone
   * without Redis). A value put while Redis was down lives in this node's L1 only.
   */
  readonly put: (k: K, value: A) => Effect.Effect<void>
  readonly take: (k: K) => Effect.Effect<Option.Option<A>>
  /** Reads a `put` value without removing it (this node's L1, else Redis); never runs a lookup. */
  readonly peek: (k: K) => Effect.Effect<Option.Option<A>>
}

type Found<A> = L1Entry<A>["value"]

interface Running<A> {
  readonly done: Deferred.Deferred<Option.Option<Found<A>>>
  readonly tags: ReadonlyArray<string>
  stale: boolean
}

const ttlMs = (input: Duration.DurationInput) => Duration.toMillis(Duration.min(Duration.decode(input), MAX_TTL))

export const make = <K, A, I>(spec: CacheSpec<K, A, I>): Effect.Effect<CacheAside<K, A>, never, CacheStore | Scope.Scope> =>
  Effect.gen(function* () {
    const store = yield* CacheStore
    const { namespace } = spec
    const counts = store.counters.forNamespace(namespace)
    const clock = yield* Effect.clock
    const l1 = makeL1<A>(spec.maxEntries ?? store.defaultMaxEntries, () => clock.unsafeCurrentTimeMillis())
    const running = new Map<string, Running<A>>()
    const keyOf = spec.key ?? String
    const tagsOf = spec.tags ?? (() => [])
    const l1Ttl = ttlMs(spec.ttl.l1)
    const l2Ttl = ttlMs(spec.ttl.l2)
    const notFoundTtl = ttlMs(spec.notFoundTtl ?? DEFAULT_NOT_FOUND_TTL)

    const Stored = Schema.parseJson(
      Schema.Struct({
        f: Schema.Boolean,
        v: Schema.optional(spec.schema),
        t: Schema.Array(Schema.Tuple(Schema.String, Schema.Number))
      })
    )
    const decodeStored = Schema.decodeUnknownOption(Stored)
    const encodeStored = Schema.encode(Stored)

    yield* store.register(namespace, {
      drop: (key) => {
        l1.delete(key)
        const inflight = running.get(key)
        if (inflight !== undefined) {
          inflight.stale = true
          running.delete(key)
        }
      },
      clear: () => {
        l1.clear()
        running.forEach((inflight) => (inflight.stale = true))
        running.clear()
      },
      forgetRunning: (tag) =>
        running.forEach((inflight, key) => {
          if (tag === undefined || inflight.tags.includes(tag)) running.delete(key)
        }),
      size: l1.size
    })

    const fresh = (entry: L1Entry<A>): boolean => {
      if (entry.namespaceGeneration !== store.mirror.namespace(namespace)) return false
      if (entry.tagGenerations.length === 0) return true
      if (entry.epoch !== store.mirror.epoch()) return false
      for (const [tag, generation] of entry.tagGenerations) {
        if (store.mirror.tag(tag) !== generation) return false
      }
      return true
    }

    const sameTags = (a: TagGenerations, b: TagGenerations) =>
      a.length === b.length && a.every(([tag, g], i) => b[i]?.[0] === tag && b[i]?.[1] === g)

    /** L2, then the lookup; fills both levels unless invalidated meanwhile. */
    const load = <E, R>(key: string, tags: ReadonlyArray<string>, lookup: Effect.Effect<Option.Option<A>, E, R>, self: Running<A>) =>
      Effect.gen(function* () {
        const epoch = store.mirror.epoch()
        const [nsGeneration, tagGenerations] = yield* Effect.all([
          store.namespaceGeneration(namespace),
          store.tagGenerations(tags)
        ])
        if (Option.isNone(nsGeneration) || Option.isNone(tagGenerations)) {
          // Redis is configured but not answering: generations are unknown, so bypass the cache.
          counts.lookups++
          return Option.match(yield* lookup, { onNone: (): Found<A> => ({ found: false }), onSome: (value): Found<A> => ({ found: true, value }) })
        }
        const l2Key = store.l2Key(namespace, nsGeneration.value, key)
        const remember = (value: Found<A>, ttl: { l1: number; l2: number }) =>
          Effect.gen(function* () {
            if (self.stale) return
            l1.set(key, {
              value,
              asOption: Effect.succeed(value.found ? Option.some(value.value) : Option.none()),
              asValue: value.found ? Effect.succeed(value.value) : undefined,
              namespaceGeneration: nsGeneration.value,
              tagGenerations: tagGenerations.value,
              epoch
            }, ttl.l1)
            return ttl
          })

        const cached = Option.flatMap(yield* store.redis.get(l2Key), decodeStored)
        if (Option.isSome(cached) && sameTags(cached.value.t, tagGenerations.value)) {
          const stored = cached.value
          const value: Found<A> = stored.f && stored.v !== undefined ? { found: true, value: stored.v } : { found: false }
          counts.l2Hit++
          yield* remember(value, { l1: value.found ? l1Ttl : notFoundTtl, l2: 0 })
          return value
        }
        counts.l2Miss++
        counts.lookups++
        const result = yield* lookup
        const value: Found<A> = Option.match(result, { onNone: () => ({ found: false }), onSome: (v) => ({ found: true, value: v }) })
        const ttl = value.found ? { l1: l1Ttl, l2: l2Ttl } : { l1: notFoundTtl, l2: notFoundTtl }
        if ((yield* remember(value, ttl)) !== undefined) {
          const encoded = yield* encodeStored({ f: value.found, v: value.found ? value.value : undefined, t: tagGenerations.value }).pipe(Effect.option)
          if (Option.isSome(encoded)) yield* store.redis.fill(l2Key, encoded.value, ttl.l2)
        }
        return value
      })

    /** The L1 entry if present and fresh; counts the hit or miss. Synchronous: the hot path. */
    const hit = (key: string): L1Entry<A> | undefined => {
      const entry = l1.get(key)
      if (entry !== undefined && fresh(entry)) {
        counts.l1Hit++
        return entry
      }
      counts.l1Miss++
      return undefined
    }

    /** After an L1 miss: join a running lookup, or lead one (L2, then the source). */
    const miss = <E, R>(k: K, key: string, lookup: Effect.Effect<Option.Option<A>, E, R>): Effect.Effect<Found<A>, E, R> =>
      Effect.suspend(() => {
        const inflight = running.get(key)
        if (inflight !== undefined) {
          counts.coalesced++
          // The leader failed or was interrupted: this caller looks up on its own.
          return Effect.flatMap(Deferred.await(inflight.done), Option.match({ onNone: () => load(key, inflight.tags, lookup, { done: inflight.done, tags: inflight.tags, stale: true }), onSome: Effect.succeed }))
        }
        return Effect.gen(function* () {
          const tags = tagsOf(k)
          const self: Running<A> = { done: yield* Deferred.make<Option.Option<Found<A>>>(), tags, stale: false }
          running.set(key, self)
          return yield* load(key, tags, lookup, self).pipe(
            Effect.onExit((exit) =>
              Effect.suspend(() => {
                if (running.get(key) === self) running.delete(key)
                return Deferred.succeed(self.done, Exit.isSuccess(exit) ? Option.some(exit.value) : Option.none())
              })
            )
          )
        })
      })

    const put = (k: K, value: A) =>
      Effect.gen(function* () {
        const key = keyOf(k)
        const epoch = store.mirror.epoch()
        const [nsGeneration, tagGenerations] = yield* Effect.all([store.namespaceGeneration(namespace), store.tagGenerations(tagsOf(k))])
        const found: Found<A> = { found: true, value }
        l1.set(key, {
          value: found,
          asOption: Effect.succeed(Option.some(value)),
          asValue: Effect.succeed(value),
          // Generations unknown (Redis failing): an entry that never counts as fresh, so take() alone reads it.
          namespaceGeneration: Option.getOrElse(nsGeneration, () => -1),
          tagGenerations: Option.getOrElse(tagGenerations, () => []),
          epoch
        }, l1Ttl)
        if (Option.isNone(nsGeneration) || Option.isNone(tagGenerations)) return
        const encoded = yield* encodeStored({ f: true, v: value, t: tagGenerations.value }).pipe(Effect.option)
        if (Option.isSome(encoded)) yield* store.redis.fill(store.l2Key(namespace, nsGeneration.value, key), encoded.value, l2Ttl)
      })

    const take = (k: K) =>
      Effect.gen(function* () {
        const key = keyOf(k)
        const local = Option.fromNullable(l1.get(key)).pipe(
          Option.flatMap((entry) => (entry.value.found ? Option.some(entry.value.value) : Option.none()))
        )
        l1.delete(key)
        const nsGeneration = yield* store.namespaceGeneration(namespace)
        const remote = Option.isSome(nsGeneration) ? yield* store.redis.take(store.l2Key(namespace, nsGeneration.value, key)) : Option.none()
        // Redis answered: it alone says whether the value is still there (another node may have taken it).
        if (Option.isSome(remote)) {
          yield* store.invalidateKey(namespace, key)
          return Option.flatMap(Option.flatMap(remote.value, decodeStored), (stored) => Option.fromNullable(stored.v))
        }
        return local
      })

    const peek = (k: K) =>
      Effect.gen(function* () {
        const key = keyOf(k)
        const local = l1.get(key)
        if (local !== undefined) return local.value.found ? Option.some(local.value.value) : Option.none()
        const nsGeneration = yield* store.namespaceGeneration(namespace)
        if (Option.isNone(nsGeneration)) return Option.none()
        const raw = yield* store.redis.get(store.l2Key(namespace, nsGeneration.value, key))
        return Option.flatMap(Option.flatMap(raw, decodeStored), (stored) => Option.fromNullable(stored.v))
      })

    const invalidate = (k: K) => store.invalidateKey(namespace, keyOf(k))
    const invalidateAll = store.invalidateNamespace(namespace)
    // CACHE_ENABLED=false: reads go to their lookup; put/take still hold single-use values (they are storage).
    if (!store.enabled) {
      return { namespace, put, take, peek, getOption: (_, lookup) => lookup, get: (_, lookup) => lookup, invalidate, invalidateAll }
    }
    return {
      namespace,
      put,
      take,
      peek,
      getOption: (k, lookup) =>
        Effect.suspend(() => {
          const key = keyOf(k)
          const entry = hit(key)
          if (entry !== undefined) return entry.asOption
          return Effect.map(miss(k, key, lookup), (found) => (found.found ? Option.some(found.value) : Option.none()))
        }),
      // A "not found" cached by getOption under the same key does not satisfy get: look it up again.
      get: (k, lookup) =>
        Effect.suspend(() => {
          const key = keyOf(k)
          const entry = hit(key)
          if (entry?.asValue !== undefined) return entry.asValue
          return Effect.flatMap(miss(k, key, Effect.map(lookup, Option.some)), (found) =>
            found.found ? Effect.succeed(found.value) : lookup
          )
        }),
      invalidate,
      invalidateAll
    }
  })

/** Invalidate every entry, in any namespace, that declared this tag. */
export const invalidateTag = (tag: string) => Effect.flatMap(CacheStore, (store) => store.invalidateTag(tag))
