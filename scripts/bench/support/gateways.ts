/**
 * The A/B setup of the cache benchmarks: two gateways on one fresh database and one Redis prefix, the
 * second with `offFlag` set to "false" (CACHE_ENABLED, AUTH_CACHE_ENABLED), so the same requests
 * compare cached and uncached answers.
 */
import { Effect, Redacted } from "effect"
import { cleanupPrefix } from "@mediaserver/testkit/CacheNodes"
import { freshDatabase, redisPrefix, redisUrl } from "@mediaserver/testkit/TestDatabase"
import { startServer } from "@mediaserver/testkit/TestServer"

export const cachedAndUncached = (label: string, offFlag: string) =>
  Effect.gen(function* () {
    const db = yield* freshDatabase(label)
    const redis = yield* redisUrl
    const prefix = redisPrefix(label)
    yield* cleanupPrefix(redis, prefix)
    const env = { DATABASE_URL: Redacted.value(db.url), REDIS_URL: redis, CACHE_KEY_PREFIX: prefix, LOG_LEVEL: "warn" }
    const cached = yield* startServer(env)
    const uncached = yield* startServer({ ...env, [offFlag]: "false" })
    return { db, cached, uncached }
  })
