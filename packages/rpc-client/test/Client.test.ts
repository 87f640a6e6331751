import { RpcClientError } from "@effect/rpc/RpcClientError"
import { describe, expect, it } from "@effect/vitest"
import { PingResult, SystemInfo } from "@mediaserver/domain"
import { Cause, Effect, Exit, Layer, Option } from "effect"
import { startServerWithDatabase } from "../../server/test/support/TestServer.js"
import { createMediaClient, MediaClient } from "../src/index.js"

/** A port nothing listens on: connecting fails at once. */
const UNREACHABLE = "http://127.0.0.1:1/rpc"

/** Builds the Effect client in the current scope (so a test can hold several). */
const effectClient = (url: string, headers?: Record<string, string>) =>
  Layer.build(MediaClient.layer({ url, headers })).pipe(Effect.map((context) => Effect.provide(MediaClient, context)), Effect.flatten)

describe("MediaClient (Effect)", () => {
  it.scopedLive("calls SystemInfo and SystemPing on the real server", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const client = yield* effectClient(`${url}/rpc`, { "x-api-key": "test" })

      const info = yield* client.SystemInfo()
      expect(info).toBeInstanceOf(SystemInfo)
      expect(info).toMatchObject({ name: "mediaserver", role: "all", embedded: false })

      const first = yield* client.SystemPing({ id: "effect-a" })
      expect(first).toBeInstanceOf(PingResult)
      expect(first).toMatchObject({ entityId: "effect-a", count: 1 })
      expect((yield* client.SystemPing({ id: "effect-a" })).count).toBe(2)
      expect((yield* client.SystemPing({ id: "effect-b" })).count).toBe(1)
    }))

  it.scopedLive("an unreachable server fails with RpcClientError, not a defect", () =>
    Effect.gen(function* () {
      const client = yield* effectClient(UNREACHABLE)
      const exit = yield* Effect.exit(client.SystemPing({ id: "x" }))
      expect(Exit.isFailure(exit) && Cause.isFailType(exit.cause) === false && Cause.isDie(exit.cause)).toBe(false)
      const failure = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
      expect(Option.isSome(failure)).toBe(true)
      const error = Option.getOrThrow(failure)
      expect(error).toBeInstanceOf(RpcClientError)
      expect(error._tag).toBe("RpcClientError")

      // The error channel is typed: catchTag sees it as RpcClientError.
      const caught = yield* client.SystemInfo().pipe(Effect.catchTag("RpcClientError", (e) => Effect.succeed(e.reason)))
      expect(caught).toBe("Protocol")
    }))
})

describe("createMediaClient (Promise)", () => {
  it.scopedLive("calls SystemInfo and SystemPing on the real server", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const client = yield* Effect.acquireRelease(
        Effect.sync(() => createMediaClient({ url: `${url}/rpc`, bearerToken: "token" })),
        (c) => Effect.promise(() => c.close())
      )

      const info = yield* Effect.promise(() => client.system.info())
      expect(info).toBeInstanceOf(SystemInfo)
      expect(info.embedded).toBe(false)

      const first = yield* Effect.promise(() => client.system.ping("promise-a"))
      expect(first).toMatchObject({ entityId: "promise-a", count: 1 })
      expect((yield* Effect.promise(() => client.system.ping("promise-a"))).count).toBe(2)
      expect((yield* Effect.promise(() => client.system.ping("promise-b"))).count).toBe(1)
    }))

  it.scopedLive("an unreachable server rejects with the RpcClientError instance", () =>
    Effect.gen(function* () {
      const client = yield* Effect.acquireRelease(
        Effect.sync(() => createMediaClient({ url: UNREACHABLE })),
        (c) => Effect.promise(() => c.close())
      )
      const rejected = yield* Effect.promise(() => client.system.ping("x").then(() => undefined, (err: unknown) => err))
      expect(rejected).toBeInstanceOf(RpcClientError)
      expect(rejected).toMatchObject({ _tag: "RpcClientError", reason: "Protocol" })
    }))
})
