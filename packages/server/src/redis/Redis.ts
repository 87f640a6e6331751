/**
 * The shared Redis connection (L2 cache, pub/sub), present only when REDIS_URL is set. Commands fail
 * fast while disconnected (no offline queue) and ioredis reconnects in the background, so a Redis
 * outage degrades the node instead of stalling it.
 */
import { Unavailable } from "@mediaserver/domain"
import { Context, Duration, Effect, Layer, Option, Redacted } from "effect"
import { Redis } from "ioredis"
import { AppConfig } from "../config/AppConfig.js"

/** What a failed command says: ioredis's own message (connection closed, timeout, a Redis error reply). */
export const redisErrorText = (cause: unknown): string =>
  cause instanceof Error ? `${cause.name === "Error" ? "" : `${cause.name}: `}${cause.message}` : String(cause)

/**
 * One Redis command as an Effect whose failure names the command and the reason ("Redis MGET failed:
 * Connection is closed."), never Effect's bare "UnknownException: An unknown error occurred".
 */
export const redisTry = <A>(op: string, command: () => Promise<A>): Effect.Effect<A, Unavailable> =>
  Effect.tryPromise({
    try: command,
    catch: (cause) => new Unavailable({ message: `Redis ${op} failed: ${redisErrorText(cause)}` })
  })

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
        redisTry("PING", () => client.ping()).pipe(
          Effect.timeout(timeout),
          Effect.as<RedisStatus>("ok"),
          Effect.orElseSucceed((): RedisStatus => "degraded")
        )
    })
  )
