/**
 * Identity models shared by the auth, users and API-key slices: ids, roles, scopes, permissions, the
 * authenticated caller (`CurrentUser`) and the middleware tags that provide it (HTTP and RPC).
 */
import { HttpApiMiddleware, HttpApiSecurity } from "@effect/platform"
import { RpcMiddleware } from "@effect/rpc"
import { Context, Schema } from "effect"
import { Forbidden, HttpForbidden, HttpUnauthorized, HttpUnavailable, Unauthorized, Unavailable } from "./errors.js"

export const UserId = Schema.UUID.pipe(Schema.brand("UserId"))
export type UserId = typeof UserId.Type
export const SessionId = Schema.UUID.pipe(Schema.brand("SessionId"))
export type SessionId = typeof SessionId.Type
export const ApiKeyId = Schema.UUID.pipe(Schema.brand("ApiKeyId"))
export type ApiKeyId = typeof ApiKeyId.Type

/** Built-in roles: every user has one (custom roles come on top, see rbac.ts). */
export const Role = Schema.Literal("admin", "user", "guest")
export type Role = typeof Role.Type

/** API key scopes, ordered: admin includes write, write includes read. Sessions carry all three. */
export const ApiKeyScope = Schema.Literal("read", "write", "admin")
export type ApiKeyScope = typeof ApiKeyScope.Type
export const ALL_SCOPES: ReadonlyArray<ApiKeyScope> = ["read", "write", "admin"]

/** `resource:action` permissions. The built-in roles' first grants are seeded by migration 0008_rbac (admins may change user and guest). */
export const Permission = Schema.Literal(
  "media:read",
  "media:write",
  "playback:use",
  "apikeys:write",
  "users:read",
  "users:write",
  "system:admin"
)
export type Permission = typeof Permission.Type

/** The authenticated caller, resolved once per request by the authentication middleware. */
export class Principal extends Schema.Class<Principal>("Principal")({
  userId: UserId,
  username: Schema.String,
  role: Role,
  /** How the caller authenticated; `credentialId` is the session id or the API key id. */
  via: Schema.Literal("session", "apiKey"),
  credentialId: Schema.String,
  scopes: Schema.Array(ApiKeyScope),
  /** What the user's roles grant (RBAC), resolved per request from the cached enforcement. */
  permissions: Schema.Array(Permission)
}) {}

export class CurrentUser extends Context.Tag("@mediaserver/auth/CurrentUser")<CurrentUser, Principal>() {}

export const API_KEY_HEADER = "X-Api-Key"

/**
 * The web client's cookies, set by `login` with `cookie: true`: the access token (HttpOnly), the
 * refresh token (HttpOnly, sent only to the refresh path) and a CSRF token the page reads and echoes
 * in `X-CSRF-Token` on every unsafe request (double submit).
 */
export const SESSION_COOKIE = "ms_session"
export const REFRESH_COOKIE = "ms_refresh"
export const CSRF_COOKIE = "ms_csrf"
export const CSRF_HEADER = "X-CSRF-Token"

/**
 * HTTP: `Authorization: Bearer <access token or API key>`, `X-Api-Key: <key>` or the session cookie
 * (with the CSRF header on unsafe methods); 401 otherwise, 403 for a missing or wrong CSRF token (503
 * when the credential store cannot answer).
 */
export class Authentication extends HttpApiMiddleware.Tag<Authentication>()("@mediaserver/auth/Authentication", {
  failure: Schema.Union(HttpUnauthorized, HttpForbidden, HttpUnavailable),
  provides: CurrentUser,
  security: {
    bearer: HttpApiSecurity.bearer,
    apiKey: HttpApiSecurity.apiKey({ key: API_KEY_HEADER, in: "header" }),
    cookie: HttpApiSecurity.apiKey({ key: SESSION_COOKIE, in: "cookie" })
  }
}) {}

/** RPC: the same credentials, read from the request headers (RPC is POST: cookies need the CSRF header). */
export class RpcAuthentication extends RpcMiddleware.Tag<RpcAuthentication>()("@mediaserver/auth/RpcAuthentication", {
  failure: Schema.Union(Unauthorized, Forbidden, Unavailable),
  provides: CurrentUser
}) {}
