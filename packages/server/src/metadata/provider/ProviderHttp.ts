/**
 * The one HTTP client of every metadata provider: one undici Agent per node; per provider a base URL
 * and credentials, a timeout, a rate limiter, a circuit breaker and one classification of failures:
 * timeouts, connection errors, 5xx and 429 are ProviderUnavailable (retryable; a 429 pauses the
 * provider for its Retry-After and, when short enough, is retried in place), 401/404/410/other 4xx are
 * ProviderRejected (discard; 401 and 403 as "unauthorized"). Provider modules only build paths and map bodies.
 * Each endpoint counts its calls of the last hour and keeps the provider's last rate-limit headroom.
 */
import { type ProviderError, ProviderRejected, ProviderUnavailable } from "@mediaserver/domain"
import { Context, Duration, Effect, Layer, Option, RateLimiter, Ref, Schema, type Scope } from "effect"
import { Agent, request } from "undici"
import { AppConfig } from "../../config/AppConfig.js"
import { type CircuitBreaker, type CircuitSnapshot, makeCircuitBreaker } from "./CircuitBreaker.js"

export interface ProviderProfile {
  readonly name: string
  readonly baseUrl: string
  readonly timeout: Duration.Duration
  readonly ratePerSecond: number
  /** Query parameters and headers carrying the credentials (never logged: errors name the path only). */
  readonly query?: Readonly<Record<string, string>>
  readonly headers?: Readonly<Record<string, string>>
  /** False: a short 429 is not waited out and retried here (a provider whose every request must take its own slot). */
  readonly retryInPlace?: boolean
}

/** Calls made in the last hour and the headroom the provider's last rate-limit headers gave. */
export interface EndpointStats {
  readonly requestsLastHour: number
  readonly rateLimitRemaining: number | null
}

/** Per-call headers (credentials read at call time, e.g. a key an admin may change). */
export type CallHeaders = Readonly<Record<string, string>>

export interface ProviderEndpoint {
  readonly name: string
  /** GET `path` under the base URL; the JSON body. */
  readonly json: (path: string, query?: Readonly<Record<string, string | undefined>>, headers?: CallHeaders) => Effect.Effect<unknown, ProviderError>
  /** Another method with a JSON body (the *arr apps' commands and adds); the JSON answer. */
  readonly send: (method: "POST" | "PUT" | "DELETE", path: string, body: unknown, headers?: CallHeaders) => Effect.Effect<unknown, ProviderError>
  /**
   * POST `body` to an absolute URL with these extra headers (a notification agent's target); any 2xx
   * is success and the answer's body is not read as JSON.
   */
  readonly post: (url: string, body: string, headers: Readonly<Record<string, string>>) => Effect.Effect<void, ProviderError>
  /** GET an absolute URL (an image host of the provider); at most `maxBytes`. */
  readonly bytes: (url: string, maxBytes: number) => Effect.Effect<{ readonly bytes: Uint8Array; readonly contentType: string }, ProviderError>
  readonly circuit: Effect.Effect<CircuitSnapshot>
  readonly stats: Effect.Effect<EndpointStats>
}

/** A request's method and JSON body (none for a plain GET) and its per-call headers. */
interface Outgoing {
  readonly method: string
  readonly body?: string
  readonly headers?: CallHeaders
}

const HOUR_MS = 3_600_000
const REDIRECTS = [301, 302, 303, 307, 308]
const MAX_REDIRECTS = 3
const REMAINING_HEADERS = ["x-ratelimit-remaining", "ratelimit-remaining", "x-rate-limit-remaining"]

interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  readonly body: Uint8Array
}

/** 429s retried in place before the caller (a job) gets ProviderUnavailable with the delay. */
const MAX_IN_PLACE_429 = 2
const DEFAULT_RETRY_AFTER_MS = 1_000

const header = (answer: Answer, name: string): string | undefined => {
  const value = answer.headers[name]
  return typeof value === "string" ? value : value?.[0]
}

/** Retry-After in seconds or as an HTTP date. */
export const retryAfterMs = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** The start of a refusal's body, without line breaks (`: {"status_message":"Invalid API key..."}`), or nothing. */
const refusal = (body: Uint8Array): string => {
  const text = new TextDecoder().decode(body.subarray(0, 300)).replace(/\s+/g, " ").trim()
  return text === "" ? "" : `: ${text.slice(0, 200)}`
}

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}${"code" in error ? ` (${String(error.code)})` : ""}` : String(error)

/** Trakt's rate limit is one JSON header: `X-Ratelimit: {"name":...,"limit":1000,"remaining":999,...}`. */
const RateLimitJson = Schema.parseJson(Schema.Struct({ remaining: Schema.Number }))
const jsonRemaining = (value: string | undefined): string | undefined =>
  value === undefined ? undefined : Option.getOrUndefined(Option.map(Schema.decodeUnknownOption(RateLimitJson)(value), (v) => String(v.remaining)))

const JsonBody = Schema.parseJson()
const decodeJson = Schema.decodeUnknown(JsonBody)

export class ProviderHttp extends Context.Tag("@mediaserver/metadata/ProviderHttp")<
  ProviderHttp,
  { readonly endpoint: (profile: ProviderProfile) => Effect.Effect<ProviderEndpoint, never, Scope.Scope> }
>() {
  static readonly layer = Layer.scoped(
    ProviderHttp,
    Effect.gen(function* () {
      const config = yield* AppConfig
      const agent = yield* Effect.acquireRelease(
        Effect.sync(() => new Agent({ connections: 32, keepAliveTimeout: 10_000 })),
        (a) => Effect.promise(() => a.close())
      )
      const maxRetryAfterMs = Duration.toMillis(config.metadataMaxRetryAfter)

      const endpoint = (profile: ProviderProfile) =>
        Effect.gen(function* () {
          const provider = profile.name
          const limit = yield* RateLimiter.make({ limit: profile.ratePerSecond, interval: "1 second", algorithm: "token-bucket" })
          const breaker: CircuitBreaker = yield* makeCircuitBreaker(provider, config.metadataCircuitFailures, config.metadataCircuitCooldown)
          // A 429 pauses every call of this provider until its Retry-After has passed.
          const notBefore = yield* Ref.make(0)
          // Calls per minute of the last hour: [minute, calls], oldest first.
          const perMinute = yield* Ref.make<ReadonlyArray<readonly [number, number]>>([])
          const remaining = yield* Ref.make<number | null>(null)
          const recent = (minutes: ReadonlyArray<readonly [number, number]>, now: number) =>
            minutes.filter(([minute]) => minute > Math.floor((now - HOUR_MS) / 60_000))
          const count = Effect.suspend(() => {
            const minute = Math.floor(Date.now() / 60_000)
            return Ref.update(perMinute, (minutes) => {
              const last = minutes.at(-1)
              return last !== undefined && last[0] === minute
                ? [...minutes.slice(0, -1), [minute, last[1] + 1] as const]
                : [...recent(minutes, Date.now()), [minute, 1] as const]
            })
          })
          const noteHeadroom = (answer: Answer) => {
            const raw = REMAINING_HEADERS.map((name) => header(answer, name)).find((v) => v !== undefined) ?? jsonRemaining(header(answer, "x-ratelimit"))
            const value = raw === undefined ? NaN : Number(raw)
            return Number.isInteger(value) ? Ref.set(remaining, value) : Effect.void
          }
          const timeoutMs = Duration.toMillis(profile.timeout)
          const unavailable = (message: string, extra: { status?: number; retryAfterMs?: number } = {}) =>
            new ProviderUnavailable({ provider, message, ...extra })

          const send = (url: URL, what: string, out?: Outgoing): Effect.Effect<Answer, ProviderUnavailable> =>
            Effect.tryPromise({
              try: async (signal) => {
                const response = await request(url, {
                  dispatcher: agent,
                  method: out?.method ?? "GET",
                  ...(out?.body === undefined ? {} : { body: out.body }),
                  headers: {
                    accept: "application/json, image/*",
                    ...(out?.body === undefined ? {} : { "content-type": "application/json" }),
                    ...profile.headers,
                    ...out?.headers
                  },
                  signal,
                  headersTimeout: timeoutMs,
                  bodyTimeout: timeoutMs
                })
                return { status: response.statusCode, headers: response.headers, body: new Uint8Array(await response.body.arrayBuffer()) }
              },
              catch: (error) => unavailable(`${what}: ${describe(error)}`)
            }).pipe(
              Effect.timeoutFail({ duration: profile.timeout, onTimeout: () => unavailable(`${what}: no answer within ${Duration.format(profile.timeout)}`) })
            )

          const waitPause = Effect.flatMap(Ref.get(notBefore), (at) => {
            const wait = at - Date.now()
            return wait > 0 ? Effect.sleep(Duration.millis(wait)) : Effect.void
          })

          const call = (url: URL, what: string, attempt = 0, out?: Outgoing, redirects = 0): Effect.Effect<Answer, ProviderError> =>
            Effect.gen(function* () {
              yield* waitPause
              yield* breaker.guard
              const answer = yield* limit(Effect.zipRight(count, send(url, what, out))).pipe(Effect.tapError((e) => breaker.failure(e.message)))
              yield* noteHeadroom(answer)
              const status = answer.status
              if (status === 429) {
                const wait = retryAfterMs(header(answer, "retry-after"), Date.now()) ?? DEFAULT_RETRY_AFTER_MS
                yield* Ref.update(notBefore, (at) => Math.max(at, Date.now() + wait))
                if (wait <= maxRetryAfterMs && attempt < MAX_IN_PLACE_429 && profile.retryInPlace !== false) {
                  yield* Effect.logInfo(`${provider}: 429 on ${what}, waiting ${wait} ms as asked`)
                  return yield* call(url, what, attempt + 1, out, redirects)
                }
                return yield* unavailable(`${what}: rate limited (429)`, { status, retryAfterMs: wait })
              }
              const location = header(answer, "location")
              if (REDIRECTS.includes(status) && location !== undefined && redirects < MAX_REDIRECTS) {
                // TVMaze's lookups answer with a redirect to the item.
                const next = yield* parseUrl(new URL(location, url).toString())
                return yield* call(next, `GET ${next.pathname}`, attempt, out, redirects + 1)
              }
              if (status >= 500) {
                yield* breaker.failure(`${what}: ${status}`)
                return yield* unavailable(`${what}: ${provider} answered ${status}`, { status })
              }
              yield* breaker.success
              if (status >= 200 && status < 300) return answer
              const reason = status === 401 || status === 403 ? "unauthorized" : status === 404 || status === 410 ? "not_found" : "invalid"
              // A refusal of our credentials says why (shown in the provider's state); other bodies stay out of messages.
              const why = reason === "unauthorized" ? refusal(answer.body) : ""
              return yield* new ProviderRejected({ provider, reason, status, message: `${what}: ${provider} answered ${status}${why}` })
            })

          // A URL that does not parse (a bad base URL or a stored image path) is the provider's refusal, not a crash.
          const parseUrl = (raw: string) =>
            Effect.try({
              try: () => new URL(raw),
              catch: () => new ProviderRejected({ provider, reason: "invalid", message: `not a URL: ${raw}` })
            })

          const exchange = (method: string, path: string, query: Readonly<Record<string, string | undefined>>, body?: string, headers?: CallHeaders) =>
            Effect.gen(function* () {
              const url = yield* parseUrl(`${profile.baseUrl}${path}`)
              for (const [key, value] of Object.entries({ ...query, ...profile.query })) {
                if (value !== undefined) url.searchParams.set(key, value)
              }
              const answer = yield* call(url, `${method} ${path}`, 0, { method, ...(body === undefined ? {} : { body }), ...(headers === undefined ? {} : { headers }) })
              return yield* decodeJson(new TextDecoder().decode(answer.body)).pipe(
                Effect.mapError(() => new ProviderRejected({ provider, reason: "invalid", message: `${method} ${path}: the body is not JSON` }))
              )
            })
          const json = (path: string, query: Readonly<Record<string, string | undefined>> = {}, headers?: CallHeaders) =>
            exchange("GET", path, query, undefined, headers)
          const sendJson = (method: "POST" | "PUT" | "DELETE", path: string, body: unknown, headers?: CallHeaders) =>
            exchange(method, path, {}, JSON.stringify(body) ?? "null", headers)

          const bytes = (raw: string, maxBytes: number) =>
            Effect.gen(function* () {
              const url = yield* parseUrl(raw)
              const answer = yield* call(url, `GET ${url.pathname}`)
              if (answer.body.byteLength > maxBytes) {
                return yield* new ProviderRejected({ provider, reason: "invalid", message: `${url.pathname}: over ${maxBytes} bytes` })
              }
              return { bytes: answer.body, contentType: Option.getOrElse(Option.fromNullable(header(answer, "content-type")), () => "application/octet-stream") }
            })

          const post = (raw: string, body: string, headers: Readonly<Record<string, string>>) =>
            Effect.flatMap(parseUrl(raw), (url) => Effect.asVoid(call(url, `POST ${url.host}`, 0, { method: "POST", body, headers })))

          const stats = Effect.zipWith(Ref.get(perMinute), Ref.get(remaining), (minutes, rateLimitRemaining): EndpointStats => ({
            requestsLastHour: recent(minutes, Date.now()).reduce((sum, [, calls]) => sum + calls, 0),
            rateLimitRemaining
          }))
          return { name: provider, json, send: sendJson, post, bytes, circuit: breaker.snapshot, stats } satisfies ProviderEndpoint
        })

      return { endpoint }
    })
  )
}
