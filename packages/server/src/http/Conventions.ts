/**
 * What every answer of a node carries, whichever route made it: security headers, CORS for the
 * operator's origins, the request id, caching of per-user answers. Applied by the one global middleware
 * (ErrorEnvelope.ts), so a route added anywhere inherits them without a line of its own.
 */
import { type HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { randomUUID } from "node:crypto"

export const REQUEST_ID_HEADER = "x-request-id"
const MAX_REQUEST_ID = 128

/** The caller's X-Request-ID when usable (bounded, only id characters kept), else a fresh one. */
export const requestIdOf = (incoming: string | undefined): string => {
  const clean = (incoming ?? "").replace(/[^\w.:@-]/g, "").slice(0, MAX_REQUEST_ID)
  return clean === "" ? randomUUID() : clean
}

const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  // Signed stream URLs hold their credential in the path: never send a URL of ours elsewhere.
  "referrer-policy": "no-referrer",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
  "x-frame-options": "DENY"
}

/** The web client loads only its own scripts; the JSON bootstrap block is data, not script. */
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // The fallback page has an inline <style>; the client sets element styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https:",
  "media-src 'self' blob:",
  // hls.js demuxes in a worker it makes from a blob: URL (else on the page's own thread).
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'"
].join("; ")

/** The API reference page (Scalar) is one inline script with inline styles and web fonts. */
const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline' https:",
  "img-src 'self' data: https:",
  "font-src 'self' data: https:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'"
].join("; ")

export const DOCS_PATH = "/api/docs"

/** The path of a request's URL (its query left out). */
export const pathOf = (url: string) => {
  const query = url.indexOf("?")
  return query === -1 ? url : url.slice(0, query)
}

/** Answers of the API and RPC are per caller unless the route said otherwise (images, avatars). */
const isPerCaller = (path: string) => path.startsWith("/api/") || path === "/rpc"

const isHtml = (response: HttpServerResponse.HttpServerResponse) =>
  (response.headers["content-type"] ?? response.body.contentType ?? "").startsWith("text/html")

export interface CorsPolicy {
  /** Exact origins allowed with credentials; "*" lets any other origin read without credentials. */
  readonly origins: ReadonlySet<string>
}

const EXPOSED = "x-request-id, retry-after, allow, content-range, accept-ranges, content-length, etag"
const ALLOWED_HEADERS = "authorization, content-type, x-api-key, x-csrf-token, x-request-id, range, if-none-match"

/** The CORS headers for an Origin, or none when the origin is not allowed (the browser then refuses). */
export const corsHeaders = (policy: CorsPolicy, origin: string | undefined): Record<string, string> => {
  if (origin === undefined) return {}
  if (policy.origins.has(origin)) {
    return { "access-control-allow-origin": origin, "access-control-allow-credentials": "true", "access-control-expose-headers": EXPOSED }
  }
  return policy.origins.has("*") ? { "access-control-allow-origin": "*", "access-control-expose-headers": EXPOSED } : {}
}

/** A CORS preflight (OPTIONS with Access-Control-Request-Method) or a plain OPTIONS: 204 naming what the path allows. */
export const optionsResponse = (policy: CorsPolicy, request: HttpServerRequest.HttpServerRequest, allow: ReadonlyArray<string>) => {
  const cors = corsHeaders(policy, request.headers["origin"])
  const preflight = Object.keys(cors).length > 0 && request.headers["access-control-request-method"] !== undefined
  return HttpServerResponse.empty({
    status: 204,
    headers: {
      allow: allow.join(", "),
      ...cors,
      ...(preflight
        ? { "access-control-allow-methods": allow.join(", "), "access-control-allow-headers": ALLOWED_HEADERS, "access-control-max-age": "600" }
        : {})
    }
  })
}

/** The headers every answer gets (what a route set itself wins, except the security ones). */
export const finish = (
  policy: CorsPolicy,
  request: HttpServerRequest.HttpServerRequest,
  path: string,
  requestId: string,
  response: HttpServerResponse.HttpServerResponse
): HttpServerResponse.HttpServerResponse => {
  // One object, filled in place: this runs for every answer of the node.
  const extra: Record<string, string> = { ...SECURITY_HEADERS, [REQUEST_ID_HEADER]: requestId }
  const origin = request.headers["origin"]
  if (origin !== undefined) Object.assign(extra, corsHeaders(policy, origin))
  if (policy.origins.size > 0) extra["vary"] = response.headers["vary"] === undefined ? "Origin" : `${response.headers["vary"]}, Origin`
  if (isHtml(response)) extra["content-security-policy"] = path === DOCS_PATH ? DOCS_CSP : PAGE_CSP
  if (isPerCaller(path) && response.headers["cache-control"] === undefined) extra["cache-control"] = "private, no-store"
  return HttpServerResponse.setHeaders(response, extra)
}

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"])

/** Whether a request carries a body (declared length, or chunked). */
export const hasBody = (request: HttpServerRequest.HttpServerRequest) =>
  BODY_METHODS.has(request.method) &&
  (Number(request.headers["content-length"] ?? "0") > 0 || request.headers["transfer-encoding"] !== undefined)

/** `application/json; charset=utf-8` -> `application/json` */
export const mediaTypeOf = (request: HttpServerRequest.HttpServerRequest) =>
  (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? ""
