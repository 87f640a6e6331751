/**
 * The one place where credentials become a `Principal`: both the HTTP and the RPC middleware call
 * `authenticate` (bearer token, API key, or the web client's session cookie with its CSRF check).
 * Session and API-key validation are cached through CacheAside (keyed by token digest and key prefix);
 * every write that ends a credential calls `forget*`, which drops the entry on every node (Redis
 * pub/sub), so a revoked token stops working at once, not at TTL. Role and permissions come per request
 * from the RBAC Enforcer's own cache, so a role change applies to live credentials too.
 */
import type { Headers } from "@effect/platform"
import {
  ALL_SCOPES,
  ApiKeyScope,
  type Forbidden,
  Principal,
  SESSION_COOKIE,
  Unauthorized,
  Unavailable,
  UserId
} from "@mediaserver/domain"
import { Context, Duration, Effect, Layer, Option, Schema } from "effect"
import { unavailable } from "../access/Policy.js"
import { CacheAside } from "../cache/index.js"
import { AppConfig } from "../config/AppConfig.js"
import { Enforcer } from "../rbac/Enforcer.js"
import { ApiKeysRepo } from "./ApiKeysRepo.js"
import { checkCsrf, cookieOf } from "./Cookies.js"
import { makeLastUsed } from "./LastUsed.js"
import { SessionsRepo } from "./SessionsRepo.js"
import { API_KEY_PREFIX, apiKeyPrefix, digest, sameDigest } from "./Tokens.js"

/** Who holds a credential; role and permissions are added per request from the RBAC Enforcer. */
const Holder = Schema.Struct({
  userId: UserId,
  username: Schema.String,
  credentialId: Schema.String,
  scopes: Schema.Array(ApiKeyScope)
})
type Holder = typeof Holder.Type

const SessionEntry = Schema.Struct({
  holder: Holder,
  lastSeenAt: Schema.Number,
  accessExpiresAt: Schema.Number,
  expiresAt: Schema.Number
})

const ApiKeyEntry = Schema.Struct({
  holder: Holder,
  secretHash: Schema.String,
  expiresAt: Schema.NullOr(Schema.Number)
})

const MAX_PENDING_TOUCHES = 50_000

const unauthorized = (message: string) => new Unauthorized({ message })
const MISSING = unauthorized("Missing credentials: send Authorization: Bearer <token> or X-Api-Key: <key>")
const INVALID_TOKEN = unauthorized("Invalid or expired access token")
const INVALID_KEY = unauthorized("Invalid, revoked or expired API key")
const DISABLED = new Unauthorized({ message: "This account is disabled", details: { reason: "account_disabled" } })


export class Authenticator extends Context.Tag("@mediaserver/auth/Authenticator")<
  Authenticator,
  {
    /**
     * Reads `Authorization: Bearer` (a session token, or an API key), `X-Api-Key`, or the session cookie
     * (then an unsafe `method` needs the CSRF header).
     */
    readonly authenticate: (headers: Headers.Headers, method: string) => Effect.Effect<Principal, Unauthorized | Forbidden | Unavailable>
    readonly forgetSessions: (accessHashes: ReadonlyArray<string>) => Effect.Effect<void>
    readonly forgetApiKeys: (prefixes: ReadonlyArray<string>) => Effect.Effect<void>
  }
>() {
  static readonly layer = Layer.scoped(
    Authenticator,
    Effect.gen(function* () {
      const config = yield* AppConfig
      const sessions = yield* SessionsRepo
      const keys = yield* ApiKeysRepo
      const enforcer = yield* Enforcer
      const idleMs = Duration.toMillis(config.authSessionIdleTimeout)
      const cacheOn = config.authCacheEnabled
      // L1 is the window a node may trust an entry whose invalidation it missed while Redis was down.
      const sessionCache = yield* CacheAside.make({
        namespace: "auth-session",
        schema: SessionEntry,
        ttl: { l1: "30 seconds", l2: "10 minutes" }
      })
      const keyCache = yield* CacheAside.make({
        namespace: "auth-apikey",
        schema: ApiKeyEntry,
        ttl: { l1: "30 seconds", l2: "10 minutes" }
      })
      const sessionSeen = yield* makeLastUsed({
        interval: config.authLastUsedFlushInterval,
        max: MAX_PENDING_TOUCHES,
        write: sessions.touch
      })
      const keyUsed = yield* makeLastUsed({
        interval: config.authLastUsedFlushInterval,
        max: MAX_PENDING_TOUCHES,
        write: keys.touch
      })

      /** The holder with what their roles grant now (a cached lookup; the user gone: refused). */
      const principal = (holder: Holder, via: Principal["via"]) =>
        enforcer.grants(holder.userId).pipe(
          Effect.mapError(unavailable),
          Effect.flatMap(Option.match({
            onNone: () => Effect.fail(unauthorized("The account no longer exists")),
            onSome: (grants) => grants.disabled ? Effect.fail(DISABLED) :
              Effect.succeed(new Principal({ ...holder, via, role: grants.role, permissions: grants.permissions }, true))
          }))
        )

      /**
       * A session's access token. By cookie it names the session for as long as the session is valid
       * (a browser playing a film must not get 401 when the 15-minute access lifetime passes; the cookie
       * is HttpOnly, SameSite=Strict and CSRF-checked); as a bearer token it lasts its access lifetime.
       */
      const session = (token: string, viaCookie: boolean) => {
        const hash = digest(token)
        const lookup = Effect.map(sessions.findByAccessHash(hash), Option.map((row) => ({
          holder: { userId: row.user_id, username: row.username, credentialId: row.id, scopes: ALL_SCOPES },
          lastSeenAt: row.last_seen_at.getTime(),
          accessExpiresAt: row.access_expires_at.getTime(),
          expiresAt: row.expires_at.getTime()
        })))
        return (cacheOn ? sessionCache.getOption(hash, lookup) : lookup).pipe(
          Effect.mapError(unavailable),
          Effect.flatMap(Option.match({
            onNone: () => Effect.fail(INVALID_TOKEN),
            onSome: (entry) => {
              const now = Date.now()
              const id = entry.holder.credentialId
              const lastSeen = Math.max(entry.lastSeenAt, sessionSeen.pending(id)?.getTime() ?? 0)
              if ((!viaCookie && now >= entry.accessExpiresAt) || now >= entry.expiresAt || now - lastSeen >= idleMs) {
                return Effect.fail(INVALID_TOKEN)
              }
              sessionSeen.record(id, new Date(now))
              return principal(entry.holder, "session")
            }
          }))
        )
      }

      const apiKey = (key: string) => {
        const prefix = apiKeyPrefix(key)
        if (Option.isNone(prefix)) return Effect.fail(INVALID_KEY)
        const lookup = Effect.map(keys.findByPrefix(prefix.value), Option.map((row) => ({
          holder: { userId: row.user_id, username: row.username, credentialId: row.id, scopes: row.scopes },
          secretHash: row.secret_hash,
          expiresAt: row.expires_at?.getTime() ?? null
        })))
        return (cacheOn ? keyCache.getOption(prefix.value, lookup) : lookup).pipe(
          Effect.mapError(unavailable),
          Effect.flatMap(Option.match({
            onNone: () => Effect.fail(INVALID_KEY),
            onSome: (entry) => {
              const now = Date.now()
              if (!sameDigest(digest(key), entry.secretHash)) return Effect.fail(INVALID_KEY)
              if (entry.expiresAt !== null && now >= entry.expiresAt) return Effect.fail(INVALID_KEY)
              keyUsed.record(entry.holder.credentialId, new Date(now))
              return principal(entry.holder, "apiKey")
            }
          }))
        )
      }

      const bearer = (header: string) => {
        const token = header.slice("bearer ".length).trim()
        if (token === "") return Effect.fail(MISSING)
        return token.startsWith(API_KEY_PREFIX) ? apiKey(token) : session(token, false)
      }

      return {
        authenticate: (headers, method) => {
          const authorization = headers["authorization"]
          if (authorization !== undefined && /^bearer /i.test(authorization)) return bearer(authorization)
          const key = headers["x-api-key"]
          if (key !== undefined && key !== "") return apiKey(key)
          const cookie = cookieOf(headers, SESSION_COOKIE)
          return Option.isSome(cookie) ? Effect.zipRight(checkCsrf(headers, method), session(cookie.value, true)) : Effect.fail(MISSING)
        },
        forgetSessions: (hashes) => Effect.forEach(hashes, sessionCache.invalidate, { concurrency: 16, discard: true }),
        forgetApiKeys: (prefixes) => Effect.forEach(prefixes, keyCache.invalidate, { concurrency: 16, discard: true })
      }
    })
  )
}
