/** Small HTTP helpers for the identity tests: JSON requests, accounts and sign-in. */
import { migratedDatabase } from "./MigratedDatabase.js"
import { Effect, Redacted, Schema } from "effect"
import { cleanupPrefix, connectedRedis, subscribed } from "./CacheNodes.js"
import { redisPrefix, redisUrl } from "./TestDatabase.js"
import { startServer } from "./TestServer.js"

export interface JsonResponse {
  readonly status: number
  readonly body: unknown
  readonly headers: Readonly<Record<string, string>>
}

export type Auth = { readonly token: string } | { readonly apiKey: string }

export const request = (
  url: string,
  method: string,
  path: string,
  options: { body?: unknown; auth?: Auth; headers?: Record<string, string> } = {}
) =>
  Effect.promise(async (): Promise<JsonResponse> => {
    const headers: Record<string, string> = { ...options.headers }
    if (options.body !== undefined) headers["content-type"] = "application/json"
    if (options.auth !== undefined && "token" in options.auth) headers["authorization"] = `Bearer ${options.auth.token}`
    if (options.auth !== undefined && "apiKey" in options.auth) headers["x-api-key"] = options.auth.apiKey
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) })
    })
    const text = await res.text()
    const received: Record<string, string> = {}
    res.headers.forEach((value, name) => {
      received[name] = value
    })
    return { status: res.status, body: text === "" ? undefined : JSON.parse(text), headers: received }
  })

/** Reads fields of a response body (a test failure if they are missing). */
export const read = <A, I>(schema: Schema.Schema<A, I>) => (res: JsonResponse) => Schema.decodeUnknown(schema)(res.body)

export const PASSWORD = "correct horse battery staple"

export const register = (url: string, username: string, password = PASSWORD) =>
  request(url, "POST", "/api/v1/auth/register", { body: { username, email: `${username}@example.test`, password } })

const Tokens = Schema.Struct({
  accessToken: Schema.String,
  refreshToken: Schema.String,
  sessionId: Schema.String,
  user: Schema.Struct({ id: Schema.String, role: Schema.String })
})
export type Tokens = typeof Tokens.Type

export const readTokens = read(Tokens)

export const login = (url: string, username: string, password = PASSWORD) =>
  Effect.flatMap(request(url, "POST", "/api/v1/auth/login", { body: { username, password } }), readTokens)

/** Registers and signs in; `auth` is ready to pass to `request`. */
export const account = (url: string, username: string) =>
  Effect.map(Effect.zipRight(register(url, username), login(url, username)), (tokens) => ({
    ...tokens,
    auth: { token: tokens.accessToken }
  }))

/**
 * Two in-process nodes on one Postgres database and one Redis (same key prefix), as two servers of a
 * cluster; resolves once both listen for cache invalidations.
 */
export const twoNodes = (extraEnv: Record<string, string> = {}) => Effect.gen(function* () {
  const db = yield* migratedDatabase("auth2")
  const redis = yield* Effect.orDie(redisUrl)
  const prefix = redisPrefix("auth")
  yield* cleanupPrefix(redis, prefix)
  const env = { DATABASE_URL: Redacted.value(db.url), REDIS_URL: redis, CACHE_KEY_PREFIX: prefix, ...extraEnv }
  // One after the other: the first applies the migrations.
  const a = yield* startServer(env)
  const b = yield* startServer(env)
  yield* subscribed(yield* connectedRedis(redis), prefix, 2)
  return { a: a.url, b: b.url, database: db }
})

/** An answer's body without its per-request `requestId` (error bodies carry one), to compare two answers. */
export const sansRequestId = (body: unknown): unknown =>
  typeof body === "object" && body !== null && !Array.isArray(body)
    ? Object.fromEntries(Object.entries(body).filter(([key]) => key !== "requestId"))
    : body
