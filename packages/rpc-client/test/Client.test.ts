import { HttpClient, HttpClientError, type HttpClientRequest } from "@effect/platform"
import { RpcSerialization } from "@effect/rpc"
import { RpcClientError } from "@effect/rpc/RpcClientError"
import { describe, expect, it } from "@effect/vitest"
import { AllRpcs, AuthTokens, LibraryId, NotFound, PingResult, SystemInfo, Unauthorized } from "@mediaserver/domain"
import { Cause, Context, Effect, Exit, Layer, Option, Redacted } from "effect"
import { account, PASSWORD } from "@mediaserver/testkit/Http"
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

/** An unknown library: the real server answers NotFound for it, to an admin. */
const NO_LIBRARY = LibraryId.make("00000000-0000-4000-8000-000000000009")

/** The real server with its first account (the admin) signed in. */
const serverWithAdmin = Effect.gen(function* () {
  const { url } = yield* startServerWithDatabase()
  const admin = yield* account(url, "ada")
  return { url, rpcUrl: `${url}/rpc`, token: admin.accessToken }
})

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
      const { rpcUrl, token } = yield* serverWithAdmin
      const client = yield* effectClient({ url: rpcUrl, bearerToken: token })

      const notFound = failureOf(yield* Effect.exit(client.LibrariesGet({ libraryId: NO_LIBRARY })))
      expect(notFound).toBeInstanceOf(NotFound)
      expect(notFound).toMatchObject({ _tag: "NotFound" })
      const anonymous = yield* effectClient({ url: rpcUrl })
      expect(failureOf(yield* Effect.exit(anonymous.UsersMe()))).toBeInstanceOf(Unauthorized)

      const handled = yield* client.LibrariesGet({ libraryId: NO_LIBRARY }).pipe(
        Effect.as("found"),
        Effect.catchTags({
          NotFound: () => Effect.succeed("not found"),
          Forbidden: () => Effect.succeed("forbidden"),
          Unavailable: () => Effect.succeed("retry later"),
          RpcClientError: () => Effect.succeed("transport")
        })
      )
      expect(handled).toBe("not found")
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
  it("has one method per RPC of the group, named as the RPC", () => {
    const client = createMediaClient({ url: UNREACHABLE })
    const methods = Object.keys(client).filter((name) => name !== "close").sort()
    expect(methods).toEqual(Array.from(AllRpcs.requests.keys()).sort())
    expect(methods.length).toBeGreaterThan(100)
    return client.close()
  })

  it.scopedLive("calls several areas on the real server: log in, me, settings, libraries, movies, system", () =>
    Effect.gen(function* () {
      const { rpcUrl } = yield* serverWithAdmin
      const anonymous = yield* promiseClient({ url: rpcUrl })
      const tokens = yield* Effect.promise(() => anonymous.AuthLogin({ username: "ada", password: Redacted.make(PASSWORD) }))
      expect(tokens).toBeInstanceOf(AuthTokens)
      const token = tokens instanceof AuthTokens ? tokens.accessToken : Redacted.make("")
      const client = yield* promiseClient({ url: rpcUrl, bearerToken: token })

      const me = yield* Effect.promise(() => client.UsersMe())
      expect(me).toMatchObject({ username: "ada", role: "admin" })
      const settings = yield* Effect.promise(() => client.SettingsUserList({}))
      expect(Array.isArray(settings)).toBe(true)
      expect(yield* Effect.promise(() => client.LibrariesList())).toEqual([])
      expect(yield* Effect.promise(() => client.MoviesList({}))).toMatchObject({ total: 0 })
      const info = yield* Effect.promise(() => client.SystemInfo())
      expect(info).toBeInstanceOf(SystemInfo)
      const first = yield* Effect.promise(() => client.SystemPing({ id: "promise-a" }))
      expect(first).toBeInstanceOf(PingResult)
      expect((yield* Effect.promise(() => client.SystemPing({ id: "promise-a" }))).count).toBe(2)
    }))

  it.scopedLive("typed errors reject as the tagged error instances", () =>
    Effect.gen(function* () {
      const { rpcUrl, token } = yield* serverWithAdmin
      const client = yield* promiseClient({ url: rpcUrl, bearerToken: token })
      const notFound = yield* rejection(() => client.LibrariesGet({ libraryId: NO_LIBRARY }))
      expect(notFound).toBeInstanceOf(NotFound)
      expect(notFound).toMatchObject({ _tag: "NotFound" })
      const anonymous = yield* promiseClient({ url: rpcUrl })
      expect(yield* rejection(() => anonymous.UsersMe())).toBeInstanceOf(Unauthorized)
      const wrong = yield* rejection(() => anonymous.AuthLogin({ username: "ada", password: Redacted.make("wrong") }))
      expect(wrong).toMatchObject({ _tag: "Unauthorized", message: "Invalid username or password" })
    }))

  it.scopedLive("an unreachable server rejects with the RpcClientError instance itself", () =>
    Effect.gen(function* () {
      const client = yield* promiseClient({ url: UNREACHABLE })
      const error = yield* rejection(() => client.SystemPing({ id: "x" }))
      expect(error).toBeInstanceOf(RpcClientError)
      expect(error).toMatchObject({ _tag: "RpcClientError", reason: "Protocol" })
    }))
})
