/**
 * The one place where failures become HTTP responses: every error body is `{ code, message, details? }`.
 * Also answers 413 for a declared body over the limit (a streamed one is cut by MaxBodySize, set on
 * the server), logs each request with its duration, and counts it.
 * Domain errors declared on endpoints are already encoded by the HttpApi; this handles what is left:
 * unknown routes, unreadable bodies, the HttpApi's own decode error (re-shaped to name the field),
 * tagged errors that reached here undeclared, and defects (500, details only in the log).
 */
import {
  HttpBody,
  HttpLayerRouter,
  HttpServerError,
  HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import { type TooManyRequests, statusOfTag, type ErrorBody } from "@mediaserver/domain"
import { Cause, Context, Effect, FiberRef, HashMap, LogLevel, Metric, MetricLabel, Option, Predicate } from "effect"
import { clientAddress, proxyTrust } from "../auth/ClientInfo.js"
import { RequestLimits } from "../auth/RequestLimits.js"
import { AppConfig } from "../config/AppConfig.js"
import { RequestPriority } from "../system/RequestPriority.js"
import { httpDuration, httpRequests } from "../observability/Metrics.js"
import { currentRequestNote, type RequestNote } from "../observability/RequestNote.js"
import { finish, hasBody, mediaTypeOf, optionsResponse, pathOf, REQUEST_ID_HEADER, requestIdOf } from "./Conventions.js"
import { refusedBodyType, RouteIndex } from "./RouteIndex.js"

export const errorResponse = (status: number, body: ErrorBody & { readonly retryAfterMs?: number | undefined }) =>
  HttpServerResponse.unsafeJson(body, { status, headers: { "cache-control": "no-store" } })

const hasTag = (u: unknown): u is { readonly _tag: string; readonly message?: unknown; readonly details?: unknown } =>
  Predicate.hasProperty(u, "_tag") && typeof u._tag === "string"

const isKnownTag = (tag: string): tag is keyof typeof statusOfTag => Object.hasOwn(statusOfTag, tag)

interface DecodeIssue {
  readonly path: ReadonlyArray<PropertyKey>
  readonly message: string
}
const isIssue = (u: unknown): u is DecodeIssue =>
  Predicate.hasProperty(u, "path") && Array.isArray(u.path) && Predicate.hasProperty(u, "message") &&
  typeof u.message === "string"

const parseJson = Option.liftThrowable((text: string): unknown => JSON.parse(text))

/** HttpApi answers a bad payload/path/query with its own `HttpApiDecodeError` body; give it ours. */
const reshapeDecodeError = (response: HttpServerResponse.HttpServerResponse) => {
  if (response.status !== 400 || response.body._tag !== "Uint8Array") return response
  const parsed = Option.getOrUndefined(parseJson(new TextDecoder().decode(response.body.body)))
  if (!hasTag(parsed) || parsed._tag !== "HttpApiDecodeError") return response
  const issues = Predicate.hasProperty(parsed, "issues") && Array.isArray(parsed.issues) ? parsed.issues.filter(isIssue) : []
  const fields = issues.map((issue) => ({ field: issue.path.map(String).join("."), message: issue.message }))
  const first = fields[0]
  return errorResponse(400, {
    code: "BadRequest",
    message: first === undefined ? "Invalid request" : `Invalid request: ${first.field || "body"}: ${first.message}`,
    details: { fields }
  })
}

const fromCause = (routes: RouteIndex["Type"], request: HttpServerRequest.HttpServerRequest, cause: Cause.Cause<unknown>) =>
  Effect.gen(function* () {
    // HttpApiBuilder reads the body with Effect.orDie: a RequestError (malformed body, maxBytes) is a defect.
    const failure = Option.orElse(Cause.failureOption(cause), () =>
      Option.filter(Cause.dieOption(cause), (defect) => defect instanceof HttpServerError.RequestError))
    if (Option.isSome(failure)) {
      const error = failure.value
      if (error instanceof HttpServerError.RouteNotFound) {
        const allow = routes.allowed(request.url)
        if (allow.length > 0) {
          return errorResponse(405, { code: "MethodNotAllowed", message: `${request.method} is not allowed here; allowed: ${allow.join(", ")}` }).pipe(
            HttpServerResponse.setHeader("allow", allow.join(", ")))
        }
        return errorResponse(404, { code: "NotFound", message: `No route for ${request.method} ${request.url.split("?")[0]}` })
      }
      if (error instanceof HttpServerError.RequestError) {
        if (String(error.cause).includes("maxBytes exceeded")) {
          return errorResponse(413, { code: "PayloadTooLarge", message: "Request body is larger than the limit" })
        }
        // The parser's own words (positions, tokens of the body) are no business of the caller's.
        return errorResponse(400, { code: "BadRequest", message: "Malformed request body: expected valid JSON" })
      }
      if (hasTag(error) && isKnownTag(error._tag)) {
        const message = typeof error.message === "string" ? error.message : error._tag
        return errorResponse(statusOfTag[error._tag], { code: error._tag, message, details: error.details })
      }
    }
    if (Cause.isInterruptedOnly(cause)) {
      return errorResponse(503, { code: "Unavailable", message: "Request interrupted (server shutting down?)" })
    }
    yield* Effect.logError("unhandled failure in HTTP handler", cause)
    return errorResponse(500, { code: "InternalError", message: "Internal server error" })
  })

const QUIET_PATHS = new Set(["/healthz", "/readyz", "/startupz", "/metrics"])

/** Collapses ids in paths so metric labels stay bounded. */
const routeLabel = (url: string, status: number): string => {
  if (status === 404) return "unmatched"
  const path = url.split("?")[0] ?? "/"
  return path.replace(/\/[0-9a-f-]{8,}|\/\d+/gi, "/:id")
}

/** Tagged metrics are built once per label set: building a metric key hashes it (hot path). */
const MAX_SERIES = 2_000
const series = new Map<string, { readonly count: typeof httpRequests; readonly duration: typeof httpDuration }>()
const seriesFor = (method: string, route: string, status: number) => {
  const id = `${method} ${route} ${status}`
  let found = series.get(id)
  if (found === undefined) {
    const tags = [MetricLabel.make("method", method), MetricLabel.make("route", route)]
    found = {
      count: Metric.taggedWithLabels(httpRequests, [...tags, MetricLabel.make("status", String(status))]),
      duration: Metric.taggedWithLabels(httpDuration, tags)
    }
    if (series.size < MAX_SERIES) series.set(id, found)
  }
  return found
}

/** Counts the request; the log line (one per request) when its level is on. */
const record = (request: HttpServerRequest.HttpServerRequest, status: number, seconds: number, note: RequestNote, minimum: LogLevel.LogLevel) => {
  const route = routeLabel(request.url, status)
  const { count, duration } = seriesFor(request.method, route, status)
  count.unsafeUpdate(1, [])
  duration.unsafeUpdate(seconds, [])
  const level = QUIET_PATHS.has(route) && status < 400 ? LogLevel.Debug : LogLevel.Info
  // Skip building annotations for a line the minimum level would drop anyway.
  if (LogLevel.lessThan(level, minimum)) return Effect.void
  // The request id is already an annotation of every line of the request.
  return Effect.logWithLevel(level, "http").pipe(
    Effect.annotateLogs({
      method: request.method,
      route,
      status,
      durationMs: Math.round(seconds * 1e4) / 10,
      ...(note.userId === undefined ? {} : { userId: note.userId })
    })
  )
}

/**
 * A 503 without a time of its own (the database or the cluster is away): clients come back after this.
 * Short, since a node is ready again within seconds of its dependency answering.
 */
const UNAVAILABLE_RETRY_AFTER_S = 5

/** When a refused request may be tried again (seconds), from the body's `retryAfterMs`; only 429 and 503 say. */
const retryAfterSeconds = (status: number, retryAfterMs: unknown): number | undefined =>
  (status === 429 || status === 503) && typeof retryAfterMs === "number"
    ? Math.max(1, Math.ceil(retryAfterMs / 1000))
    : status === 503
    ? UNAVAILABLE_RETRY_AFTER_S
    : undefined

/** Error bodies name the request (`requestId`), and a 429 or 503 says when to come back (`Retry-After`). */
const stampError = (response: HttpServerResponse.HttpServerResponse, requestId: string) => {
  if (response.status < 400 || response.body._tag !== "Uint8Array" || !(response.body.contentType ?? "").includes("json")) return response
  const parsed = Option.getOrUndefined(parseJson(new TextDecoder().decode(response.body.body)))
  if (!Predicate.isRecord(parsed)) return response
  const stamped = HttpServerResponse.setBody(response, HttpBody.unsafeJson({ ...parsed, requestId }))
  const retryAfter = retryAfterSeconds(response.status, parsed["retryAfterMs"])
  return retryAfter !== undefined && response.headers["retry-after"] === undefined
    ? HttpServerResponse.setHeader(stamped, "retry-after", String(retryAfter))
    : stamped
}

const unsupported = (types: ReadonlyArray<string>) =>
  errorResponse(415, { code: "UnsupportedMediaType", message: `Send the body as ${types.join(" or ")}`, details: { accepted: types } })

/**
 * The one global middleware: every request gets its id (log annotation, header, error bodies), the
 * conventions of Conventions.ts, the general per-client limit (429), OPTIONS/405/415 answers, the error
 * envelope, one log line and metrics.
 */
export const ErrorEnvelope = HttpLayerRouter.middleware(
  Effect.gen(function* () {
    const config = yield* AppConfig
    const { maxBodyBytes, corsOrigins } = config
    const trust = proxyTrust(config)
    const limits = yield* RequestLimits
    const priority = yield* RequestPriority
    const routes = yield* RouteIndex
    const cors = { origins: new Set(corsOrigins) }
    const tooMany = (e: TooManyRequests) =>
      Effect.succeed(errorResponse(429, { code: "TooManyRequests", message: e.message, retryAfterMs: e.retryAfterMs }))
    return (
      httpEffect: Effect.Effect<HttpServerResponse.HttpServerResponse, HttpLayerRouter.unhandled>
    ): Effect.Effect<HttpServerResponse.HttpServerResponse, HttpLayerRouter.unhandled, HttpServerRequest.HttpServerRequest> => {
      // Every request pays for each step of this pipeline: the success path takes as few as it can.
      const handled = priority.serving(Effect.matchCauseEffect(httpEffect, {
        onFailure: (cause) => Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => fromCause(routes, request, cause)),
        onSuccess: (response) => Effect.succeed(reshapeDecodeError(response))
      }))
      return Effect.withFiberRuntime((fiber) => {
        const request = Context.unsafeGet(fiber.currentContext, HttpServerRequest.HttpServerRequest)
        const started = performance.now()
        const requestId = requestIdOf(request.headers[REQUEST_ID_HEADER])
        const note: RequestNote = { userId: undefined }
        const path = pathOf(request.url)
        const declared = Number(request.headers["content-length"] ?? "0")
        const refused = hasBody(request) ? refusedBodyType(request.method, request.url, mediaTypeOf(request)) : undefined
        const answer = request.method === "OPTIONS" && routes.allowed(request.url).length > 0
          ? Effect.succeed(optionsResponse(cors, request, [...routes.allowed(request.url), "OPTIONS"]))
          // A chunked body without Content-Length is cut by MaxBodySize once it passes the limit: the
          // platform destroys the stream, so that client sees the connection close instead of a 413.
          : declared > maxBodyBytes
          ? Effect.succeed(
            errorResponse(413, { code: "PayloadTooLarge", message: `Request body is over ${maxBodyBytes} bytes` }).pipe(
              HttpServerResponse.setHeader("connection", "close")
            )
          )
          : refused !== undefined
          ? Effect.succeed(unsupported(refused))
          : handled
        // Probes are the orchestrator's, not a client's: never limited.
        const admitted = limits.requestLimited && !QUIET_PATHS.has(path)
          ? Effect.matchEffect(limits.request(clientAddress(request, trust)), { onFailure: tooMany, onSuccess: () => answer })
          : answer
        const minimum = fiber.getFiberRef(FiberRef.currentMinimumLogLevel)
        // This fiber serves this one request and ends with it: its note and log annotation need no restoring.
        return FiberRef.set(currentRequestNote, note).pipe(
          Effect.zipRight(FiberRef.update(FiberRef.currentLogAnnotations, (annotations) => HashMap.set(annotations, "requestId", requestId))),
          Effect.zipRight(admitted),
          Effect.flatMap((res) => {
            const done = finish(cors, request, path, requestId, stampError(res, requestId))
            return Effect.as(record(request, done.status, (performance.now() - started) / 1000, note, minimum), done)
          })
        )
      })
    }
  }),
  { global: true }
)
