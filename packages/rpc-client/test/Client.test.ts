import { HttpClient, HttpClientError, type HttpClientRequest, HttpServer } from "@effect/platform"
import { RpcSerialization, RpcServer } from "@effect/rpc"
import { RpcClientError } from "@effect/rpc/RpcClientError"
import { describe, expect, it } from "@effect/vitest"
import { InternalError, PingResult, SystemInfo, SystemRpcs, Unavailable } from "@mediaserver/domain"
import { Cause, Context, Effect, Exit, Layer, Option } from "effect"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"
import { createMediaClient, layerProtocol, MediaClient, type MediaClientOptions } from "../src/index.js"

/** A port nothing listens on: connecting fails at once. */
const UNREACHABLE = "http://127.0.0.1:1/rpc"

/** Builds the Effect client in the current scope (so a test can hold several). */
const effectClient = (options: MediaClientOptions) =>
  Layer.build(MediaClient.layer(options)).pipe(Effect.map((context) => Context.get(context, MediaClient)))

/** The Promise client, closed with the scope. */
const promiseClient = (options: MediaClientOptions) =>
  Effect.acquireRelease(Effect.sync(() => createMediaClient(options)), (client) => Effect.promise(() => client.close()))

/** The typed failure of an exit; fails the test if the exit succeeded or holds only a defect. */
const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  expect(Exit.isFailure(exit)).toBe(true)
  const failure = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
  expect(Exit.isFailure(exit) && Cause.isDie(exit.cause)).toBe(false)
  return Option.getOrThrow(failure)
}

type Settled<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly error: unknown }

const settle = <A>(promise: () => Promise<A>) =>
  Effect.promise(
    (): Promise<Settled<A>> => promise().then((value) => ({ ok: true, value }), (error: unknown) => ({ ok: false, error }))
  )

/** The reason a promise rejected; fails the test if it resolved. */
const rejection = <A>(promise: () => Promise<A>) =>
  settle(promise).pipe(
    Effect.map((result) => {
      expect(result.ok).toBe(false)
      return result.ok ? undefined : result.error
    })
  )

/**
 * The real RPC server stack (RpcServer + NDJSON) as an in-memory `fetch`, with handlers that fail on
 * demand: the server has no RPC that fails deterministically yet, and typed errors must be seen to cross
 * the wire as themselves. Only SystemRpcs is served (the calls used here).
 */
const failingServerFetch = Effect.acquireRelease(
  Effect.sync(() =>
    RpcServer.toWebHandler(SystemRpcs, {
      layer: Layer.mergeAll(
        SystemRpcs.toLayer({
          SystemInfo: () => Effect.die("not used"),
          SystemPing: ({ id }) =>
            id === "down"
              ? Effect.fail(new Unavailable({ message: "cluster unavailable", details: { id } }))
              : id === "boom"
              ? Effect.fail(new InternalError({ message: "internal error" }))
              : Effect.succeed(new PingResult({ entityId: id, handledBy: "memory", count: 1 }))
        }),
        RpcSerialization.layerNdjson,
        HttpServer.layerContext
      )
    })
  ),
  (web) => Effect.promise(() => web.dispose())
).pipe(
  Effect.map((web): typeof globalThis.fetch => (input, init) => web.handler(new Request(input, init)))
)

describe("MediaClient (Effect)", () => {
  it.scopedLive("calls SystemInfo and SystemPing on the real server", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const client = yield* effectClient({ url: `${url}/rpc`, headers: { "x-api-key": "test" } })

      const info = yield* client.SystemInfo()
      expect(info).toBeInstanceOf(SystemInfo)
      expect(info).toMatchObject({ name: "mediaserver", role: "all", embedded: false })

      const first = yield* client.SystemPing({ id: "effect-a" })
      expect(first).toBeInstanceOf(PingResult)
      expect(first).toMatchObject({ entityId: "effect-a", count: 1 })
      expect((yield* client.SystemPing({ id: "effect-a" })).count).toBe(2)
      expect((yield* client.SystemPing({ id: "effect-b" })).count).toBe(1)

      // A wrong path answers 404: a typed RpcClientError carrying the status, not a call that never ends.
      const wrongPath = yield* effectClient({ url: `${url}/nope` })
      const error = failureOf(yield* Effect.exit(wrongPath.SystemInfo()))
      expect(error).toBeInstanceOf(RpcClientError)
      expect(error.cause).toBeInstanceOf(HttpClientError.ResponseError)
      expect(error.cause).toMatchObject({ reason: "StatusCode", response: { status: 404 } })
    }))

  it.scopedLive("an unreachable server fails with RpcClientError, not a defect", () =>
    Effect.gen(function* () {
      const client = yield* effectClient({ url: UNREACHABLE })
      const error = failureOf(yield* Effect.exit(client.SystemPing({ id: "x" })))
      expect(error).toBeInstanceOf(RpcClientError)
      expect(error).toMatchObject({ _tag: "RpcClientError", reason: "Protocol" })

      // The error channel is typed: catchTag narrows to RpcClientError.
      const reason = yield* client.SystemInfo().pipe(Effect.catchTag("RpcClientError", (e) => Effect.succeed(e.reason)))
      expect(reason).toBe("Protocol")
    }))

  it.scopedLive("typed errors of an RPC arrive as themselves", () =>
    Effect.gen(function* () {
      const client = yield* effectClient({ url: "http://in-memory/rpc", fetch: yield* failingServerFetch })

      const unavailable = failureOf(yield* Effect.exit(client.SystemPing({ id: "down" })))
      expect(unavailable).toBeInstanceOf(Unavailable)
      expect(unavailable).toMatchObject({ _tag: "Unavailable", message: "cluster unavailable", details: { id: "down" } })
      expect(failureOf(yield* Effect.exit(client.SystemPing({ id: "boom" })))).toBeInstanceOf(InternalError)

      const handled = yield* client.SystemPing({ id: "down" }).pipe(
        Effect.catchTags({
          Unavailable: () => Effect.succeed("retry later"),
          InternalError: () => Effect.succeed("bug"),
          RpcClientError: () => Effect.succeed("transport")
        })
      )
      expect(handled).toBe("retry later")
      expect((yield* client.SystemPing({ id: "fine" })).count).toBe(1)
    }))

  it.scopedLive("sends the configured headers and bearer token with every request", () =>
    Effect.gen(function* () {
      const seen: Array<HttpClientRequest.HttpClientRequest> = []
      const recording = HttpClient.make((request) => {
        seen.push(request)
        return Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", description: "recorded" }))
      })
      const context = yield* Layer.build(
        MediaClient.layerWithoutProtocol.pipe(
          Layer.provide(layerProtocol({ url: "http://example.test/rpc", headers: { "x-api-key": "k1" }, bearerToken: "t1" })),
          Layer.provide([Layer.succeed(HttpClient.HttpClient, recording), RpcSerialization.layerNdjson])
        )
      )
      const client = Context.get(context, MediaClient)
      expect(failureOf(yield* Effect.exit(client.SystemPing({ id: "h" })))).toBeInstanceOf(RpcClientError)
      expect(seen).toHaveLength(1)
      expect(seen[0]?.url).toBe("http://example.test/rpc")
      expect(seen[0]?.method).toBe("POST")
      expect(seen[0]?.headers).toMatchObject({ "x-api-key": "k1", authorization: "Bearer t1" })
    }))
})

describe("createMediaClient (Promise)", () => {
  it.scopedLive("calls SystemInfo and SystemPing on the real server", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      const client = yield* promiseClient({ url: `${url}/rpc`, bearerToken: "token" })

      const info = yield* Effect.promise(() => client.system.info())
      expect(info).toBeInstanceOf(SystemInfo)
      expect(info).toMatchObject({ name: "mediaserver", embedded: false })

      const first = yield* Effect.promise(() => client.system.ping("promise-a"))
      expect(first).toBeInstanceOf(PingResult)
      expect(first).toMatchObject({ entityId: "promise-a", count: 1 })
      expect((yield* Effect.promise(() => client.system.ping("promise-a"))).count).toBe(2)
      expect((yield* Effect.promise(() => client.system.ping("promise-b"))).count).toBe(1)
    }))

  it.scopedLive("typed errors reject as the tagged error instances", () =>
    Effect.gen(function* () {
      const client = yield* promiseClient({ url: "http://in-memory/rpc", fetch: yield* failingServerFetch })

      const unavailable = yield* rejection(() => client.system.ping("down"))
      expect(unavailable).toBeInstanceOf(Unavailable)
      expect(unavailable).toMatchObject({ _tag: "Unavailable", message: "cluster unavailable" })
      const internal = yield* rejection(() => client.system.ping("boom"))
      expect(internal).toBeInstanceOf(InternalError)
      expect(internal).toMatchObject({ _tag: "InternalError" })
      expect(yield* Effect.promise(() => client.system.ping("fine"))).toMatchObject({ count: 1 })
    }))

  it.scopedLive("an unreachable server rejects with the RpcClientError instance itself", () =>
    Effect.gen(function* () {
      const client = yield* promiseClient({ url: UNREACHABLE })
      const error = yield* rejection(() => client.system.ping("x"))
      expect(error).toBeInstanceOf(RpcClientError)
      expect(error).toMatchObject({ _tag: "RpcClientError", reason: "Protocol" })
    }))
})
