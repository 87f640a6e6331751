/**
 * Where a request comes from, the same way for both transports: an operation reads `RequestClient`;
 * a REST handler provides it from the HTTP request, an RPC handler from the headers of its call.
 */
import { Headers, type HttpApp, HttpServerRequest } from "@effect/platform"
import { randomBytes } from "node:crypto"
import { Context, Effect, Option } from "effect"

/** Where a login comes from: counted by the per-address limits, shown in the session list. */
export interface ClientInfo {
  readonly userAgent: string | null
  readonly ip: string | null
}

export class RequestClient extends Context.Tag("@mediaserver/auth/RequestClient")<RequestClient, ClientInfo>() {}

/**
 * The socket's address; X-Forwarded-For (its last entry: the one our proxy added) only when
 * AUTH_TRUST_PROXY says a proxy in front sets it, since a client can send any value.
 */
const addressOf = (request: HttpServerRequest.HttpServerRequest, trustProxy: boolean): string | null => {
  const forwarded = trustProxy ? request.headers["x-forwarded-for"]?.split(",").pop()?.trim() : undefined
  return forwarded !== undefined && forwarded !== "" ? forwarded : Option.getOrNull(request.remoteAddress)
}

/** The client of a REST call. */
export const httpClientInfo = (trustProxy: boolean): Effect.Effect<ClientInfo, never, HttpServerRequest.HttpServerRequest> =>
  Effect.map(HttpServerRequest.HttpServerRequest, (request) => ({
    userAgent: request.headers["user-agent"] ?? null,
    ip: addressOf(request, trustProxy)
  }))

/**
 * RPC handlers see headers only, and the RPC server lays the headers a client writes into its
 * messages over those of the HTTP request, so a fixed header name could be forged from inside a
 * message. The gateway records the address under a name drawn at start, which no client knows.
 */
const PEER_HEADER = `x-mediaserver-peer-${randomBytes(16).toString("hex")}`

/** The RPC endpoint's HTTP app with the caller's address recorded for its handlers. */
export const withPeerAddress = (trustProxy: boolean) => <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
    const ip = addressOf(request, trustProxy)
    if (ip === null) return app
    return Effect.provideService(app, HttpServerRequest.HttpServerRequest, request.modify({ headers: Headers.set(request.headers, PEER_HEADER, ip) }))
  })

/** The client of an RPC call (its address as `withPeerAddress` recorded it). */
export const rpcClientInfo = (headers: Headers.Headers): ClientInfo => ({
  userAgent: headers["user-agent"] ?? null,
  ip: headers[PEER_HEADER] ?? null
})

/** The REST side: runs an operation with the HTTP request's client. */
export const fromHttpClient = (trustProxy: boolean) => <A, E, R>(operation: Effect.Effect<A, E, R>) =>
  Effect.provideServiceEffect(operation, RequestClient, httpClientInfo(trustProxy))

/** The RPC side: runs an operation with the call's client. */
export const fromRpcClient = (headers: Headers.Headers) => <A, E, R>(operation: Effect.Effect<A, E, R>) =>
  Effect.provideService(operation, RequestClient, rpcClientInfo(headers))
