/** A failed Redis command says which command failed and why, not "An unknown error occurred". */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { Redis } from "ioredis"
import { redisTry } from "../src/redis/Redis.js"

describe("Redis errors", () => {
  it.effect("name the command and ioredis's reason", () =>
    Effect.gen(function* () {
      // Never connected, no offline queue: the command fails at once, as during an outage.
      const client = new Redis("redis://127.0.0.1:1", { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 })
      const result = yield* Effect.either(redisTry("MGET", () => client.mget("a", "b")))
      client.disconnect()
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left._tag).toBe("Unavailable")
        expect(result.left.message).toMatch(/^Redis MGET failed: .+/)
        expect(result.left.message).not.toContain("unknown error")
      }
    }))
})
