/**
 * The shared Redis connection (L2 cache, pub/sub), present only when REDIS_URL is set. Commands fail
 * fast while disconnected (no offline queue) and ioredis reconnects in the background, so a Redis
 * outage degrades the node instead of stalling it.
 */
import { Context, Duration, Effect, Layer, Option, Redacted } from "effect"
import { Redis } from "ioredis"
import { AppConfig } from "../config/AppConfig.js"

export class RedisConnection extends Context.Tag("@mediaserver/redis/RedisConnection")<
  RedisConnection,
  Option.Option<Redis>
>() {
  static readonly layer = Layer.scoped(
    RedisConnection,
    Effect.gen(function* () {
      const config = yield* AppConfig
      if (Option.isNone(config.redisUrl)) return Option.none()
      const url = Redacted.value(config.redisUrl.value)
      const client = yield* Effect.acquireRelease(
        Effect.sync(
          () =>
            new Redis(url, {
              enableOfflineQueue: false,
              maxRetriesPerRequest: 1,
              connectTimeout: 2_000,
              retryStrategy: (times) => Math.min(times * 200, 2_000)
            })
        ),
        (client) => Effect.promise(() => client.quit().catch(() => client.disconnect()))
      )
      // ioredis reports connection errors as events; readiness reads the state instead.
      client.on("error", () => {})
      return Option.some(client)
    })
  )
}

/** Redis is optional, so losing it degrades the node rather than failing readiness. */
export type RedisStatus = "ok" | "degraded" | "absent"

export const redisStatus = (timeout: Duration.DurationInput): Effect.Effect<RedisStatus, never, RedisConnection> =>
  Effect.flatMap(RedisConnection, (redis) =>
    Option.match(redis, {
      onNone: () => Effect.succeed<RedisStatus>("absent"),
      onSome: (client) =>
        Effect.tryPromise(() => client.ping()).pipe(
          Effect.timeout(timeout),
          Effect.as<RedisStatus>("ok"),
          Effect.orElseSucceed((): RedisStatus => "degraded")
        )
    })
  )
