/**
 * Accounts, sessions and API keys: the REST groups and the identity RPC group.
 * Tokens and secrets are `Redacted` in code and plain strings on the wire.
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import {
  Conflict,
  Forbidden,
  HttpConflict,
  HttpForbidden,
  HttpNotFound,
  HttpTooManyRequests,
  HttpUnauthorized,
  HttpUnavailable,
  HttpUnprocessable,
  NotFound,
  TooManyRequests,
  Unauthorized,
  Unavailable,
  Unprocessable
} from "./errors.js"
import { ApiKeyId, ApiKeyScope, Authentication, RpcAuthentication, SessionId, UserId } from "./identity.js"
import { Email, User, Username, UsersListParams, UsersPage } from "./users.js"
import { about, doc } from "./apiDocs.js"

const Secret = Schema.Redacted(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(1024)))

// ---------------------------------------------------------------------------------------------------------
// Accounts

export class RegisterRequest extends Schema.Class<RegisterRequest>("RegisterRequest")({
  username: Username,
  email: Email,
  password: Secret,
  displayName: Schema.optional(Schema.String.pipe(Schema.maxLength(100)))
}) {}

export class LoginRequest extends Schema.Class<LoginRequest>("LoginRequest")({
  /** Username or email. */
  username: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(254)),
  password: Secret,
  /** Shown in the session list; defaults to the User-Agent. */
  deviceName: Schema.optional(Schema.String.pipe(Schema.maxLength(200))),
  /** HTTP only: also set the web client's session cookies (HttpOnly) and CSRF cookie. */
  cookie: Schema.optional(Schema.Boolean)
}) {}

export class RefreshRequest extends Schema.Class<RefreshRequest>("RefreshRequest")({
  /** Omitted: the refresh cookie of a cookie login is used (with the CSRF header). */
  refreshToken: Schema.optional(Secret)
}) {}

export class ChangePasswordRequest extends Schema.Class<ChangePasswordRequest>("ChangePasswordRequest")({
  /** Required once the account has a password; an account made by single sign-on sets its first without it. */
  currentPassword: Schema.optional(Secret),
  newPassword: Secret
}) {}

export class VerifyEmailRequest extends Schema.Class<VerifyEmailRequest>("VerifyEmailRequest")({
  token: Secret
}) {}

export class EmailRequest extends Schema.Class<EmailRequest>("EmailRequest")({
  email: Email
}) {}

export class ResetPasswordRequest extends Schema.Class<ResetPasswordRequest>("ResetPasswordRequest")({
  token: Secret,
  newPassword: Secret
}) {}

/** 202: the request was taken; the same answer whether or not the address has an account. */
export class Accepted extends Schema.Class<Accepted>("Accepted")({ message: Schema.String }) {}

export class AuthTokens extends Schema.Class<AuthTokens>("AuthTokens")({
  tokenType: Schema.Literal("Bearer"),
  accessToken: Schema.Redacted(Schema.String),
  refreshToken: Schema.Redacted(Schema.String),
  /** Seconds until the access token expires (refresh before then). */
  expiresIn: Schema.Number,
  sessionId: SessionId,
  user: User
}) {}

export const MfaMethod = Schema.Literal("totp", "backupCode", "webauthn")
export type MfaMethod = typeof MfaMethod.Type

/**
 * The answer of a password login when the account has MFA: no session yet; complete the login with
 * `mfaToken` (POST /mfa/login or the WebAuthn login ceremony) within `expiresIn` seconds.
 */
export class MfaRequired extends Schema.Class<MfaRequired>("MfaRequired")({
  mfaRequired: Schema.Literal(true),
  mfaToken: Schema.Redacted(Schema.String),
  methods: Schema.Array(MfaMethod),
  expiresIn: Schema.Number
}) {}

/** A password login: a session, or (MFA enabled) the challenge to complete first. */
export const LoginResult = Schema.Union(AuthTokens, MfaRequired)
export type LoginResult = typeof LoginResult.Type

export class AuthApi extends HttpApiGroup.make("auth")
  .annotateContext(about("Accounts and credentials: register, log in (with a second factor when enrolled), refresh and end sessions, verify an email address, reset or change a password. Login, verification and reset are rate-limited per client and per account (429 with Retry-After)."))
  .add(
    HttpApiEndpoint.post("register", "/auth/register")
      .setPayload(RegisterRequest)
      .addSuccess(User, { status: 201 })
      .addError(HttpConflict)
      .addError(HttpUnprocessable)
      .annotateContext(doc("Register an account", "Creates an account from a name, an email address and a password (checked against the password policy). A verification mail is sent when mail is configured. 409 when the name or email is taken."))
  )
  .add(
    HttpApiEndpoint.post("login", "/auth/login")
      .setPayload(LoginRequest)
      .addSuccess(AuthTokens)
      .addSuccess(MfaRequired)
      .addError(HttpTooManyRequests)
      .annotateContext(doc("Log in", "Exchanges a username or email and a password for an access token and a refresh token. For an account with a second factor it answers a challenge instead (`mfaRequired`), to complete with `/mfa/login` or the WebAuthn login steps."))
  )
  .add(
    HttpApiEndpoint.post("refresh", "/auth/refresh").setPayload(RefreshRequest).addSuccess(AuthTokens)
      .annotateContext(doc("Refresh tokens", "Exchanges a refresh token for a new access token and refresh token; the old refresh token stops working."))
  )
  .add(
    HttpApiEndpoint.post("logout", "/auth/logout").addSuccess(HttpApiSchema.NoContent).middleware(Authentication)
      .annotateContext(doc("Log out", "Ends the caller's current session: its tokens stop working on every node."))
  )
  .add(
    HttpApiEndpoint.post("verifyEmail", "/auth/verify-email")
      .setPayload(VerifyEmailRequest)
      .addSuccess(User)
      .addError(HttpUnprocessable)
      .addError(HttpTooManyRequests)
      .annotateContext(doc("Verify an email address", "Confirms the account's email address with the token of the verification mail."))
  )
  .add(
    HttpApiEndpoint.post("resendVerification", "/auth/resend-verification")
      .setPayload(EmailRequest)
      .addSuccess(Accepted, { status: 202 })
      .addError(HttpTooManyRequests)
      .annotateContext(doc("Resend the verification mail", "Sends the verification mail again. The answer is the same whether or not the address has an account."))
  )
  .add(
    HttpApiEndpoint.post("forgotPassword", "/auth/forgot-password")
      .setPayload(EmailRequest)
      .addSuccess(Accepted, { status: 202 })
      .addError(HttpTooManyRequests)
      .annotateContext(doc("Request a password reset", "Mails a reset link to the address if it has an account. The answer is the same either way; one mail per address per few minutes."))
  )
  .add(
    HttpApiEndpoint.post("resetPassword", "/auth/reset-password")
      .setPayload(ResetPasswordRequest)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(HttpUnprocessable)
      .addError(HttpTooManyRequests)
      .annotateContext(doc("Reset a password", "Sets a new password with the token of the reset mail; every session of the account ends."))
  )
  .add(
    HttpApiEndpoint.post("changePassword", "/auth/change-password")
      .setPayload(ChangePasswordRequest)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(HttpUnprocessable)
      .middleware(Authentication)
      .annotateContext(doc("Change the password", "Changes the caller's password, given the current one; the caller's other sessions end."))
  )
  .addError(HttpUnauthorized)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

// ---------------------------------------------------------------------------------------------------------
// Sessions

export class SessionInfo extends Schema.Class<SessionInfo>("SessionInfo")({
  id: SessionId,
  current: Schema.Boolean,
  device: Schema.NullOr(Schema.String),
  userAgent: Schema.NullOr(Schema.String),
  ip: Schema.NullOr(Schema.String),
  createdAt: Schema.DateTimeUtc,
  lastSeenAt: Schema.DateTimeUtc,
  expiresAt: Schema.DateTimeUtc
}) {}

export class RevokedCount extends Schema.Class<RevokedCount>("RevokedCount")({ revoked: Schema.Number }) {}

export class SessionsApi extends HttpApiGroup.make("sessions")
  .annotateContext(about("The caller's login sessions (one per device): list them, see the current one, revoke one, all, or all but this one."))
  .add(
    HttpApiEndpoint.get("list", "/sessions").addSuccess(Schema.Array(SessionInfo))
      .annotateContext(doc("List my sessions", "The caller's active sessions (device, address, last use), the current one marked."))
  )
  .add(
    HttpApiEndpoint.get("current", "/sessions/current").addSuccess(SessionInfo)
      .annotateContext(doc("Get the current session", "The session the request was made with."))
  )
  .add(
    HttpApiEndpoint.del("revokeCurrent", "/sessions/current").addSuccess(HttpApiSchema.NoContent)
      .annotateContext(doc("Revoke the current session", "Ends the session the request was made with (the same as logging out)."))
  )
  .add(
    HttpApiEndpoint.del("revokeAll", "/sessions")
      .setUrlParams(Schema.Struct({
        /** `true`: revoke every session but the one making the request. */
        keepCurrent: Schema.optional(Schema.BooleanFromString)
      }))
      .addSuccess(HttpApiSchema.NoContent)
      .annotateContext(doc("Revoke my sessions", "Ends every session of the caller, or every one but the current with `keepCurrent=true`."))
  )
  .add(
    HttpApiEndpoint.del("revoke", "/sessions/:sessionId")
      .setPath(Schema.Struct({ sessionId: SessionId }))
      .addSuccess(HttpApiSchema.NoContent)
      .addError(HttpNotFound)
      .annotateContext(doc("Revoke a session", "Ends one of the caller's sessions; its tokens stop working on every node."))
  )
  // Only the endpoints above: refresh authenticates with the refresh token itself.
  .middlewareEndpoints(Authentication)
  .addError(HttpForbidden)
  .addError(HttpUnavailable)
  .add(
    HttpApiEndpoint.post("refresh", "/sessions/refresh").setPayload(RefreshRequest).addSuccess(AuthTokens)
      .annotateContext(doc("Refresh a session", "Exchanges a refresh token for a new token pair (the same as `/auth/refresh`)."))
  )
  .addError(HttpUnauthorized) {}

// ---------------------------------------------------------------------------------------------------------
// API keys

export class ApiKeyInfo extends Schema.Class<ApiKeyInfo>("ApiKeyInfo")({
  id: ApiKeyId,
  name: Schema.String,
  /** The public part of the key (`msk_<prefix>_...`), to recognise it. */
  prefix: Schema.String,
  scopes: Schema.Array(ApiKeyScope),
  createdAt: Schema.DateTimeUtc,
  lastUsedAt: Schema.NullOr(Schema.DateTimeUtc),
  expiresAt: Schema.NullOr(Schema.DateTimeUtc)
}) {}

export class CreateApiKeyRequest extends Schema.Class<CreateApiKeyRequest>("CreateApiKeyRequest")(
  Schema.Struct({
    name: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100)),
    scopes: Schema.NonEmptyArray(ApiKeyScope),
    /** Lifetime in days; none: does not expire. */
    expiresInDays: Schema.optional(Schema.Number.pipe(Schema.int(), Schema.between(1, 3650)))
  }).annotations({ examples: [{ name: "backup script", scopes: ["read"], expiresInDays: 90 }] })
) {}

export class CreatedApiKey extends Schema.Class<CreatedApiKey>("CreatedApiKey")({
  key: ApiKeyInfo,
  /** The full key. Shown once: only its hash is stored. */
  secret: Schema.Redacted(Schema.String)
}) {}

const keyIdPath = Schema.Struct({ keyId: ApiKeyId })

export class ApiKeysApi extends HttpApiGroup.make("apiKeys")
  .annotateContext(about("API keys for scripts and other programs: an `X-API-Key` header authenticates as their owner, limited to their scopes."))
  .add(
    HttpApiEndpoint.get("list", "/apikeys").addSuccess(Schema.Array(ApiKeyInfo))
      .annotateContext(doc("List my API keys", "The caller's API keys: name, scopes, creation, last use and expiry. The secret is never shown again."))
  )
  .add(
    HttpApiEndpoint.post("create", "/apikeys")
      .setPayload(CreateApiKeyRequest)
      .addSuccess(CreatedApiKey, { status: 201 })
      // The owner holds AUTH_API_KEYS_PER_USER live keys already.
      .addError(HttpConflict)
      .annotateContext(doc("Create an API key", "Creates a key with a name, scopes (no more than the caller may do) and an optional expiry. The answer holds the secret, shown only this once. 409 when the caller already holds the maximum number of keys."))
  )
  .add(
    HttpApiEndpoint.get("get", "/apikeys/:keyId").setPath(keyIdPath).addSuccess(ApiKeyInfo).addError(HttpNotFound)
      .annotateContext(doc("Get an API key", "One of the caller's API keys, without its secret."))
  )
  .add(
    HttpApiEndpoint.del("revoke", "/apikeys/:keyId")
      .setPath(keyIdPath)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(HttpNotFound)
      .annotateContext(doc("Revoke an API key", "Deletes one of the caller's API keys; it stops working on every node at once."))
  )
  .middleware(Authentication)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

// ---------------------------------------------------------------------------------------------------------
// RPC

export class IdentityRpcs extends RpcGroup.make(
  Rpc.make("AuthLogin", {
    payload: LoginRequest,
    success: LoginResult,
    error: Schema.Union(Unauthorized, Forbidden, TooManyRequests, Unavailable)
  }),
  Rpc.make("AuthRefresh", { payload: RefreshRequest, success: AuthTokens, error: Schema.Union(Unauthorized, Unavailable) }),
  Rpc.make("AuthRegister", {
    payload: RegisterRequest,
    success: User,
    error: Schema.Union(Conflict, Unprocessable, Forbidden, Unavailable)
  }),
  Rpc.make("AuthVerifyEmail", { payload: VerifyEmailRequest, success: User, error: Schema.Union(Unprocessable, TooManyRequests, Unavailable) }),
  Rpc.make("AuthResendVerification", { payload: EmailRequest, success: Accepted, error: Schema.Union(TooManyRequests, Unavailable) }),
  Rpc.make("AuthForgotPassword", { payload: EmailRequest, success: Accepted, error: Schema.Union(TooManyRequests, Unavailable) }),
  Rpc.make("AuthResetPassword", { payload: ResetPasswordRequest, error: Schema.Union(Unprocessable, TooManyRequests, Unavailable) }),
  Rpc.make("UsersMe", { success: User, error: Schema.Union(Forbidden, NotFound, Unavailable) }).middleware(RpcAuthentication),
  Rpc.make("UsersList", {
    payload: UsersListParams.pipe(Schema.typeSchema),
    success: UsersPage,
    error: Schema.Union(Forbidden, Unavailable)
  }).middleware(RpcAuthentication),
  /** Admins: disable (sessions end, keys refused, no sign-in) or enable an account; not one's own. */
  Rpc.make("UsersSetDisabled", {
    payload: Schema.Struct({ userId: UserId, disabled: Schema.Boolean }),
    success: User,
    error: Schema.Union(Forbidden, NotFound, Conflict, Unavailable)
  }).middleware(RpcAuthentication)
) {}
