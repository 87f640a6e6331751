/**
 * The one place where failures become HTTP responses: every error body is `{ code, message, details? }`.
 * Also answers 413 for a declared body over the limit (a streamed one is cut by MaxBodySize, set on
 * the server), logs each request with its duration, and counts it.
 * Domain errors declared on endpoints are already encoded by the HttpApi; this handles what is left:
 * unknown routes, unreadable bodies, the HttpApi's own decode error (re-shaped to name the field),
 * tagged errors that reached here undeclared, and defects (500, details only in the log).
 */
import {
  HttpLayerRouter,
  HttpServerError,
  HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import { statusOfTag, type ErrorBody } from "@mediaserver/domain"
import { Cause, Effect, FiberRef, LogLevel, Metric, MetricLabel, Option, Predicate } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import { RequestPriority } from "../system/RequestPriority.js"
import { httpDuration, httpRequests } from "../observability/Metrics.js"

export const errorResponse = (status: number, body: ErrorBody) =>
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

const fromCause = (request: HttpServerRequest.HttpServerRequest, cause: Cause.Cause<unknown>) =>
  Effect.gen(function* () {
    // HttpApiBuilder reads the body with Effect.orDie: a RequestError (malformed body, maxBytes) is a defect.
    const failure = Option.orElse(Cause.failureOption(cause), () =>
      Option.filter(Cause.dieOption(cause), (defect) => defect instanceof HttpServerError.RequestError))
    if (Option.isSome(failure)) {
      const error = failure.value
      if (error instanceof HttpServerError.RouteNotFound) {
        return errorResponse(404, { code: "NotFound", message: `No route for ${request.method} ${request.url.split("?")[0]}` })
      }
      if (error instanceof HttpServerError.RequestError) {
        if (String(error.cause).includes("maxBytes exceeded")) {
          return errorResponse(413, { code: "PayloadTooLarge", message: "Request body is larger than the limit" })
        }
        return errorResponse(400, { code: "BadRequest", message: `Malformed request body: ${error.description ?? String(error.cause)}` })
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

const record = (request: HttpServerRequest.HttpServerRequest, status: number, seconds: number) =>
  Effect.withFiberRuntime<void>((fiber) => {
    const route = routeLabel(request.url, status)
    const { count, duration } = seriesFor(request.method, route, status)
    count.unsafeUpdate(1, [])
    duration.unsafeUpdate(seconds, [])
    const level = QUIET_PATHS.has(route) && status < 400 ? LogLevel.Debug : LogLevel.Info
    // Skip building annotations for a line the minimum level would drop anyway.
    if (LogLevel.lessThan(level, fiber.getFiberRef(FiberRef.currentMinimumLogLevel))) return Effect.void
    return Effect.logWithLevel(level, "http").pipe(
      Effect.annotateLogs({
        method: request.method,
        url: request.url,
        status,
        durationMs: Math.round(seconds * 1e4) / 10
      })
    )
  })

export const ErrorEnvelope = HttpLayerRouter.middleware(
  Effect.gen(function* () {
    const { maxBodyBytes } = yield* AppConfig
    const priority = yield* RequestPriority
    return (
      httpEffect: Effect.Effect<HttpServerResponse.HttpServerResponse, HttpLayerRouter.unhandled>
    ): Effect.Effect<HttpServerResponse.HttpServerResponse, HttpLayerRouter.unhandled, HttpServerRequest.HttpServerRequest> =>
      Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
        const started = performance.now()
        const declared = Number(request.headers["content-length"] ?? "0")
        const tooLarge = Effect.succeed(
          errorResponse(413, { code: "PayloadTooLarge", message: `Request body is over ${maxBodyBytes} bytes` }).pipe(
            HttpServerResponse.setHeader("connection", "close")
          )
        )
        const handle = (effect: typeof httpEffect) => effect.pipe(
          Effect.map(reshapeDecodeError),
          Effect.catchAllCause((cause) => fromCause(request, cause))
        )
        // A chunked body without Content-Length is cut by MaxBodySize once it passes the limit: the
        // platform destroys the stream, so that client sees the connection close instead of a 413.
        const response = declared > maxBodyBytes ? tooLarge : priority.serving(handle(httpEffect))
        return Effect.tap(response, (res) => record(request, res.status, (performance.now() - started) / 1000))
      })
  }),
  { global: true }
)
