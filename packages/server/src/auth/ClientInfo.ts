/**
 * Where a request comes from, the same way for both transports: an operation reads `RequestClient`;
 * a REST handler provides it from the HTTP request, an RPC handler from the headers of its call.
 */
import { Headers, type HttpApp, HttpServerRequest } from "@effect/platform"
import { randomBytes } from "node:crypto"
import { BlockList, isIP } from "node:net"
import { Context, Effect, Option } from "effect"
import type { AppConfigShape } from "../config/AppConfig.js"

/** Where a login comes from: counted by the per-address limits, shown in the session list. */
export interface ClientInfo {
  readonly userAgent: string | null
  readonly ip: string | null
}

export class RequestClient extends Context.Tag("@mediaserver/auth/RequestClient")<RequestClient, ClientInfo>() {}

/** Which peers are our own proxies (AUTH_TRUSTED_PROXIES; AUTH_TRUST_PROXY: whatever the socket peer is). */
export interface ProxyTrust {
  readonly peerTrusted: (address: string) => boolean
  readonly trusted: (address: string) => boolean
}

// "::ffff:10.0.0.1" is how a dual-stack socket names an IPv4 peer.
const plain = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "")

export const proxyTrust = (config: Pick<AppConfigShape, "authTrustProxy" | "authTrustedProxies">): ProxyTrust => {
  const list = new BlockList()
  for (const range of config.authTrustedProxies) {
    const [ip = "", bits] = range.split("/")
    const family = isIP(ip) === 6 ? "ipv6" : "ipv4"
    if (isIP(ip) === 0) continue
    if (bits === undefined) list.addAddress(ip, family)
    else list.addSubnet(ip, Number(bits), family)
  }
  const trusted = (address: string) => {
    const ip = plain(address)
    const family = isIP(ip)
    return family !== 0 && list.check(ip, family === 6 ? "ipv6" : "ipv4")
  }
  return { trusted, peerTrusted: (address) => config.authTrustProxy || trusted(address) }
}

/**
 * The client: the socket's address, unless that is one of our proxies; then the right-most address of
 * X-Forwarded-For (or X-Real-IP) that is not one of ours, since everything left of it was written by
 * whoever sent the request and can be any value.
 */
export const clientAddress = (request: HttpServerRequest.HttpServerRequest, trust: ProxyTrust): string | null => {
  const peer = Option.getOrNull(request.remoteAddress)
  if (peer === null || !trust.peerTrusted(peer)) return peer
  const forwarded = request.headers["x-forwarded-for"] ?? request.headers["x-real-ip"] ?? ""
  const chain = forwarded.split(",").map((entry) => plain(entry.trim())).filter((entry) => isIP(entry) !== 0)
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = chain[i]
    if (hop !== undefined && (i === 0 || !trust.trusted(hop))) return hop
  }
  return plain(peer)
}

/** The client of a REST call. */
export const httpClientInfo = (trust: ProxyTrust): Effect.Effect<ClientInfo, never, HttpServerRequest.HttpServerRequest> =>
  Effect.map(HttpServerRequest.HttpServerRequest, (request) => ({
    userAgent: request.headers["user-agent"] ?? null,
    ip: clientAddress(request, trust)
  }))

/**
 * RPC handlers see headers only, and the RPC server lays the headers a client writes into its
 * messages over those of the HTTP request, so a fixed header name could be forged from inside a
 * message. The gateway records the address under a name drawn at start, which no client knows.
 */
const PEER_HEADER = `x-mediaserver-peer-${randomBytes(16).toString("hex")}`

/** The RPC endpoint's HTTP app with the caller's address recorded for its handlers. */
export const withPeerAddress = (trust: ProxyTrust) => <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
    const ip = clientAddress(request, trust)
    if (ip === null) return app
    return Effect.provideService(app, HttpServerRequest.HttpServerRequest, request.modify({ headers: Headers.set(request.headers, PEER_HEADER, ip) }))
  })

/** The client of an RPC call (its address as `withPeerAddress` recorded it). */
export const rpcClientInfo = (headers: Headers.Headers): ClientInfo => ({
  userAgent: headers["user-agent"] ?? null,
  ip: headers[PEER_HEADER] ?? null
})

/** The REST side: runs an operation with the HTTP request's client. */
export const fromHttpClient = (trust: ProxyTrust) => <A, E, R>(operation: Effect.Effect<A, E, R>) =>
  Effect.provideServiceEffect(operation, RequestClient, httpClientInfo(trust))

/** The RPC side: runs an operation with the call's client. */
export const fromRpcClient = (headers: Headers.Headers) => <A, E, R>(operation: Effect.Effect<A, E, R>) =>
  Effect.provideService(operation, RequestClient, rpcClientInfo(headers))
