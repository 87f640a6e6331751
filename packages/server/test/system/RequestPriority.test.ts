import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Deferred, Duration, Effect, Fiber, Layer, TestClock } from "effect"
import { AppConfig } from "../../src/config/AppConfig.js"
import { makeRequestsFirst, RequestPriority } from "../../src/system/RequestPriority.js"

const priorityWith = (env: Record<string, string>) =>
  RequestPriority.pipe(
    Effect.provide(RequestPriority.layer.pipe(Layer.provide(AppConfig.layer))),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
  )

describe("RequestPriority", () => {
  it.effect("background waits while a request is in flight and goes on when it ends", () =>
    Effect.gen(function* () {
      const priority = yield* makeRequestsFirst(Duration.seconds(5))
      // Nothing in flight: no wait.
      yield* priority.yieldToRequests
      const release = yield* Deferred.make<void>()
      const request = yield* Effect.fork(priority.serving(Deferred.await(release)))
      yield* Effect.yieldNow()
      const background = yield* Effect.fork(priority.yieldToRequests)
      yield* TestClock.adjust(Duration.seconds(1))
      expect(background.unsafePoll()).toBeNull()
      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(request)
      yield* Fiber.join(background)
    }))

  it.effect("under constant traffic background still advances after the longest wait", () =>
    Effect.gen(function* () {
      const priority = yield* makeRequestsFirst(Duration.millis(200))
      const never = yield* Effect.fork(priority.serving(Effect.never))
      yield* Effect.yieldNow()
      const background = yield* Effect.fork(priority.yieldToRequests)
      yield* TestClock.adjust(Duration.millis(199))
      expect(background.unsafePoll()).toBeNull()
      yield* TestClock.adjust(Duration.millis(1))
      yield* Fiber.join(background)
      yield* Fiber.interrupt(never)
    }))

  it.live("a request that fails or is interrupted still leaves the in-flight count", () =>
    Effect.gen(function* () {
      // Left counted, the wait below would last the whole minute.
      const priority = yield* makeRequestsFirst(Duration.minutes(1))
      yield* priority.serving(Effect.fail("boom")).pipe(Effect.ignore)
      const cut = yield* Effect.fork(priority.serving(Effect.never))
      yield* Effect.sleep(Duration.millis(10))
      yield* Fiber.interrupt(cut)
      const waited = yield* priority.yieldToRequests.pipe(Effect.timeoutOption(Duration.seconds(10)))
      expect(waited._tag).toBe("Some")
    }))

  it.effect("embedded: requests first with small steps; Postgres: independent, steps as given", () =>
    Effect.gen(function* () {
      const embedded = yield* priorityWith({})
      expect(embedded.batchSize(1000)).toBe(50)
      expect(embedded.batchSize(20)).toBe(20)
      const postgres = yield* priorityWith({ DATABASE_URL: "postgres://x@127.0.0.1/db" })
      expect(postgres.batchSize(1000)).toBe(1000)
      const never = yield* Effect.fork(postgres.serving(Effect.never))
      yield* Effect.yieldNow()
      yield* postgres.yieldToRequests
      yield* Fiber.interrupt(never)
    }))
})
