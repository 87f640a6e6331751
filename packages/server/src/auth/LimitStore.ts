/**
 * Counters of the login limiter. With Redis every operation is one Lua script (one round trip, atomic),
 * so all nodes share the counts; without it (embedded mode) a bounded in-process LRU does the same.
 *
 * Keys: `ip` counts attempts per IP in a fixed window; `fail` counts an account's failures; when they
 * reach the maximum, `level` (kept a day) is bumped and `lock` is set for base * 2^(level-1), capped.
 * In-process time is the Effect Clock, so the lockout schedule can be tested with TestClock.
 */
import { Clock, Duration, Effect, Option, Schema } from "effect"
import type { Redis } from "ioredis"
import { LRUCache } from "lru-cache"
import { redisTry } from "../redis/Redis.js"

export interface AccountKeys {
  readonly fail: string
  readonly level: string
  readonly lock: string
}

export interface LockPolicy {
  readonly windowMs: number
  readonly maxFailures: number
  readonly baseMs: number
  readonly maxMs: number
  readonly levelTtlMs: number
}

export interface Admission {
  /** Attempts from this IP in the current window (0: IP unknown) and the window's remaining time. */
  readonly ipCount: number
  readonly ipRemainingMs: number
  /** Remaining lockout of the account (0: not locked). */
  readonly lockRemainingMs: number
}

export interface LimitStore {
  /** Counts an attempt from `ip` (when known) and reads the account's lockout. */
  readonly admit: (ip: string | null, lock: string, windowMs: number) => Effect.Effect<Admission, unknown>
  /** Counts a failure; returns the lockout it started (0: none). */
  readonly fail: (keys: AccountKeys, policy: LockPolicy) => Effect.Effect<number, unknown>
  readonly reset: (keys: AccountKeys) => Effect.Effect<void, unknown>
}

const lockoutMs = (level: number, policy: LockPolicy) =>
  Math.floor(Math.min(policy.baseMs * 2 ** (level - 1), policy.maxMs))

// ---------------------------------------------------------------------------------------------------------
// Redis

const ADMIT = `
local n, ttl = 0, 0
if ARGV[2] == "1" then
  n = redis.call('INCR', KEYS[1])
  if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
  ttl = redis.call('PTTL', KEYS[1])
end
return {n, ttl, redis.call('PTTL', KEYS[2])}
`

const FAIL = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if n < tonumber(ARGV[2]) then return 0 end
redis.call('DEL', KEYS[1])
local level = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
local ms = math.floor(math.min(tonumber(ARGV[3]) * 2 ^ (level - 1), tonumber(ARGV[4])))
redis.call('SET', KEYS[3], '1', 'PX', ms)
return ms
`

const decodeAdmit = Schema.decodeUnknown(Schema.Tuple(Schema.Number, Schema.Number, Schema.Number))
const decodeFail = Schema.decodeUnknown(Schema.Number)

export const redisLimitStore = (client: Redis): LimitStore => ({
  admit: (ip, lock, windowMs) =>
    redisTry("EVAL (limit admit)", () => client.eval(ADMIT, 2, ip ?? "-", lock, windowMs, ip === null ? "0" : "1")).pipe(
      Effect.flatMap(decodeAdmit),
      Effect.map(([ipCount, ipTtl, lockTtl]) => ({
        ipCount,
        ipRemainingMs: Math.max(0, ipTtl),
        lockRemainingMs: Math.max(0, lockTtl)
      }))
    ),
  fail: (keys, p) =>
    redisTry("EVAL (limit failure)", () =>
      client.eval(FAIL, 3, keys.fail, keys.level, keys.lock, p.windowMs, p.maxFailures, p.baseMs, p.maxMs, p.levelTtlMs)
    ).pipe(Effect.flatMap(decodeFail)),
  reset: (keys) => Effect.asVoid(redisTry("DEL", () => client.del(keys.fail, keys.level)))
})

// ---------------------------------------------------------------------------------------------------------
// In-process

interface Counter {
  readonly count: number
  readonly expiresAt: number
}

export const memoryLimitStore = (maxEntries: number): LimitStore => {
  const counters = new LRUCache<string, Counter>({ max: maxEntries })
  const live = (key: string, now: number) => {
    const counter = counters.get(key)
    return counter !== undefined && counter.expiresAt > now ? counter : undefined
  }
  const put = (key: string, counter: Counter, now: number) =>
    void counters.set(key, counter, { ttl: Math.max(1, counter.expiresAt - now) })
  const incr = (key: string, windowMs: number, now: number): Counter => {
    const current = live(key, now)
    const next = current === undefined ? { count: 1, expiresAt: now + windowMs } : { ...current, count: current.count + 1 }
    put(key, next, now)
    return next
  }
  return {
    admit: (ip, lock, windowMs) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const counted = ip === null ? undefined : incr(ip, windowMs, now)
        const locked = live(lock, now)
        return {
          ipCount: counted?.count ?? 0,
          ipRemainingMs: counted === undefined ? 0 : counted.expiresAt - now,
          lockRemainingMs: locked === undefined ? 0 : locked.expiresAt - now
        }
      }),
    fail: (keys, p) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        if (incr(keys.fail, p.windowMs, now).count < p.maxFailures) return 0
        counters.delete(keys.fail)
        const level = incr(keys.level, p.levelTtlMs, now).count
        put(keys.level, { count: level, expiresAt: now + p.levelTtlMs }, now)
        const ms = lockoutMs(level, p)
        put(keys.lock, { count: 1, expiresAt: now + ms }, now)
        return ms
      }),
    reset: (keys) =>
      Effect.sync(() => {
        counters.delete(keys.fail)
        counters.delete(keys.level)
      })
  }
}

// A slow Redis must not hold requests for long; past this, this node's own counters answer.
const REDIS_TIMEOUT = Duration.seconds(1)

/** Runs counter operations on Redis (shared by every node) when configured, on this node's counters when it fails. */
export const limitRunner = (maxEntries: number, redis: Option.Option<Redis>) => {
  const memory = memoryLimitStore(maxEntries)
  const store: LimitStore = Option.match(redis, { onNone: () => memory, onSome: redisLimitStore })
  return <A>(op: (s: LimitStore) => Effect.Effect<A, unknown>): Effect.Effect<A> =>
    store === memory
      ? Effect.orDie(op(memory))
      : op(store).pipe(
        Effect.timeoutFail({ duration: REDIS_TIMEOUT, onTimeout: () => "timeout" }),
        Effect.tapError((e) => Effect.logDebug(`request limits: using local counters (${e === "timeout" ? "Redis timed out" : e instanceof Error ? e.message : String(e)})`)),
        Effect.orElse(() => Effect.orDie(op(memory)))
      )
}
