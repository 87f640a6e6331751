/**
 * The typed Effect client of the media server's RPC API (`POST /rpc`, NDJSON over HTTP).
 *
 *   const program = Effect.gen(function* () {
 *     const client = yield* MediaClient
 *     return yield* client.SystemPing({ id: "abc" })
 *   }).pipe(Effect.provide(MediaClient.layer({ url: "http://127.0.0.1:8080/rpc" })))
 */
import { FetchHttpClient, Headers, HttpClient, HttpClientRequest } from "@effect/platform"
import { RpcClient, RpcSerialization } from "@effect/rpc"
import type { RpcClientError } from "@effect/rpc/RpcClientError"
import { AllRpcs } from "@mediaserver/domain"
import { Context, Effect, Layer, Redacted, type Scope } from "effect"

/** The group the client calls: every RPC the server serves (defined once in domain, beside MediaApi). */
export { AllRpcs } from "@mediaserver/domain"

/** The client value: one method per RPC (`client.SystemInfo()`, `client.SystemPing({ id })`). */
export type MediaRpcClient = RpcClient.FromGroup<AllRpcs, RpcClientError>

export interface MediaClientOptions {
  /** The RPC endpoint, including its path: `http://host:port/rpc`. */
  readonly url: string
  /** Extra HTTP headers sent with every request (an API key, for instance). */
  readonly headers?: Headers.Input | undefined
  /** Sent as `Authorization: Bearer <token>` with every request. */
  readonly bearerToken?: string | Redacted.Redacted<string> | undefined
  /** The `fetch` to send requests with (an undici agent, an in-memory handler in tests); default global `fetch`. */
  readonly fetch?: typeof globalThis.fetch | undefined
}

/** The HTTP headers the options ask for, applied to every request of the underlying HTTP client. */
const requestHeaders = (options: MediaClientOptions): Headers.Headers => {
  const base = Headers.fromInput(options.headers ?? {})
  if (options.bearerToken === undefined) return base
  const token = Redacted.isRedacted(options.bearerToken) ? Redacted.value(options.bearerToken) : options.bearerToken
  return Headers.set(base, "authorization", `Bearer ${token}`)
}

/**
 * The RPC protocol over HTTP (needs an `HttpClient` and an `RpcSerialization`), headers applied.
 *
 * Built from `RpcClient.makeProtocolHttp` rather than `RpcClient.layerProtocolHttp` so that a non-2xx
 * response (401 from auth, 404 from a wrong path, 413, 5xx from a proxy) fails the call with an
 * `RpcClientError` (reason "Protocol", cause the `ResponseError` holding the status): with the stock
 * layer such a body is not NDJSON responses, so the call never completes.
 */
export const layerProtocol = (
  options: MediaClientOptions
): Layer.Layer<RpcClient.Protocol, never, RpcSerialization.RpcSerialization | HttpClient.HttpClient> => {
  const headers = requestHeaders(options)
  return Layer.scoped(
    RpcClient.Protocol,
    Effect.flatMap(HttpClient.HttpClient, (client) =>
      RpcClient.makeProtocolHttp(
        client.pipe(
          HttpClient.mapRequest((request) =>
            request.pipe(HttpClientRequest.prependUrl(options.url), HttpClientRequest.setHeaders(headers))
          ),
          HttpClient.filterStatusOk
        )
      ))
  )
}

/** `FetchHttpClient.layer`, over the `fetch` given in the options if any. */
const fetchLayer = (options: MediaClientOptions): Layer.Layer<HttpClient.HttpClient> =>
  options.fetch === undefined
    ? FetchHttpClient.layer
    : FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, options.fetch)))

/** The protocol over HTTP with `fetch` and NDJSON, the same serialization the server uses. */
export const clientLayer = (options: MediaClientOptions): Layer.Layer<RpcClient.Protocol> =>
  layerProtocol(options).pipe(Layer.provide([fetchLayer(options), RpcSerialization.layerNdjson]))

/** Builds the client over whatever `RpcClient.Protocol` is provided; it lives as long as the scope. */
export const make: Effect.Effect<MediaRpcClient, never, RpcClient.Protocol | Scope.Scope> = RpcClient.make(AllRpcs)

export class MediaClient extends Context.Tag("@mediaserver/rpc-client/MediaClient")<MediaClient, MediaRpcClient>() {
  /** The client over a protocol provided by the caller (another transport, a test protocol). */
  static readonly layerWithoutProtocol: Layer.Layer<MediaClient, never, RpcClient.Protocol> = Layer.scoped(
    MediaClient,
    make
  )

  /** The client over HTTP with `fetch` and NDJSON, the same serialization the server uses. */
  static readonly layer = (options: MediaClientOptions): Layer.Layer<MediaClient> =>
    MediaClient.layerWithoutProtocol.pipe(Layer.provide(clientLayer(options)))
}
