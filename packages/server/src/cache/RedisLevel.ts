/**
 * The Redis level (L2) and the invalidation bus, as seen by the cache: every operation has a
 * timeout in milliseconds and never fails its caller. Failures are counted and logged (at most one
 * log line per interval) so an outage is visible without flooding the log. While Redis is not
 * connected, L2 is skipped at once; ioredis reconnects in the background.
 */
import { Duration, Effect, Option } from "effect"
import type { Redis } from "ioredis"
import { redisErrorText } from "../redis/Redis.js"
import type { CacheCounters } from "./CacheMetrics.js"

/** What `invalidate(key)` leaves in L2 for a moment, so a lookup that started earlier cannot refill it. */
export const TOMBSTONE = "\u0000tombstone"
export const TOMBSTONE_TTL_MS = 5_000

// SET unless the key holds a tombstone (atomic, one round trip).
const SET_UNLESS_TOMBSTONE = `
if redis.call('GET', KEYS[1]) == ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`

/**
 * Generations only move forward, even after their key expires: a bump takes at least the current
 * time in ms. Their keys expire (7 days), far beyond any entry TTL, so tag keys cannot pile up.
 */
const BUMP = `
local floor = tonumber(ARGV[1])
local g = tonumber(redis.call('GET', KEYS[1]) or '0')
if g < floor then g = floor else g = g + 1 end
redis.call('SET', KEYS[1], g, 'PX', ARGV[2])
return g`
export const GENERATION_TTL_MS = 7 * 24 * 3600 * 1000

export interface RedisLevel {
  readonly available: () => boolean
  readonly get: (key: string) => Effect.Effect<Option.Option<string>>
  readonly mget: (keys: ReadonlyArray<string>) => Effect.Effect<Option.Option<ReadonlyArray<string | null>>>
  readonly fill: (key: string, value: string, ttlMs: number) => Effect.Effect<void>
  readonly tombstone: (key: string) => Effect.Effect<void>
  /** GETDEL: the value, removed at once for every node (None: Redis did not answer). */
  readonly take: (key: string) => Effect.Effect<Option.Option<Option.Option<string>>>
  readonly bump: (key: string, floor: number) => Effect.Effect<Option.Option<number>>
  readonly publish: (channel: string, message: string) => Effect.Effect<void>
}

const LOG_INTERVAL_MS = 5_000

export const makeRedisLevel = (
  client: Option.Option<Redis>,
  timeout: Duration.Duration,
  counters: CacheCounters
): RedisLevel => {
  let lastLog = 0
  let unlogged = 0
  const failed = (op: string) => (cause: unknown) =>
    Effect.suspend(() => {
      counters.redisErrors++
      unlogged++
      const now = Date.now()
      if (now - lastLog < LOG_INTERVAL_MS) return Effect.void
      lastLog = now
      const count = unlogged
      unlogged = 0
      return Effect.logWarning(`cache: Redis ${op} failed (${count} failures since last report): ${redisErrorText(cause)}`)
    })

  // A plain timer race, not Effect.timeout: this runs on every L2 read and a fiber per call shows.
  const timeoutMs = Duration.toMillis(timeout)
  const withTimeout = <A>(promise: Promise<A>): Promise<A> =>
    new Promise<A>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)
      promise.then(
        (value) => {
          clearTimeout(timer)
          resolve(value)
        },
        (error: unknown) => {
          clearTimeout(timer)
          reject(error)
        }
      )
    })

  const run = <A>(op: string, f: (redis: Redis) => Promise<A>): Effect.Effect<Option.Option<A>> =>
    Option.match(client, {
      onNone: () => Effect.succeedNone,
      onSome: (redis) =>
        redis.status !== "ready"
          ? Effect.sync(() => {
            counters.l2Skipped++
            return Option.none<A>()
          })
          : Effect.tryPromise({ try: () => withTimeout(f(redis)), catch: (cause) => cause }).pipe(
            Effect.map(Option.some),
            Effect.catchAll((cause) => Effect.as(failed(op)(cause), Option.none<A>()))
          )
    })

  return {
    available: () => Option.isSome(client) && client.value.status === "ready",
    get: (key) => Effect.map(run("GET", (r) => r.get(key)), Option.flatMap(Option.fromNullable)),
    mget: (keys) => run("MGET", (r) => r.mget(...keys)),
    fill: (key, value, ttlMs) =>
      Effect.asVoid(run("SET", (r) => r.eval(SET_UNLESS_TOMBSTONE, 1, key, value, String(ttlMs), TOMBSTONE))),
    take: (key) =>
      Effect.map(run("GETDEL", (r) => r.getdel(key)), Option.map((value) => Option.filter(Option.fromNullable(value), (v) => v !== TOMBSTONE))),
    tombstone: (key) => Effect.asVoid(run("SET", (r) => r.set(key, TOMBSTONE, "PX", TOMBSTONE_TTL_MS))),
    bump: (key, floor) =>
      Effect.map(
        run("BUMP", (r) => r.eval(BUMP, 1, key, String(floor), String(GENERATION_TTL_MS))),
        Option.flatMap((reply) => (typeof reply === "number" ? Option.some(reply) : Option.none()))
      ),
    publish: (channel, message) => Effect.asVoid(run("PUBLISH", (r) => r.publish(channel, message)))
  }
}
