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
  .add(
    HttpApiEndpoint.post("register", "/auth/register")
      .setPayload(RegisterRequest)
      .addSuccess(User, { status: 201 })
      .addError(HttpConflict)
      .addError(HttpUnprocessable)
  )
  .add(
    HttpApiEndpoint.post("login", "/auth/login")
      .setPayload(LoginRequest)
      .addSuccess(AuthTokens)
      .addSuccess(MfaRequired)
      .addError(HttpTooManyRequests)
  )
  .add(HttpApiEndpoint.post("refresh", "/auth/refresh").setPayload(RefreshRequest).addSuccess(AuthTokens))
  .add(
    HttpApiEndpoint.post("logout", "/auth/logout").addSuccess(HttpApiSchema.NoContent).middleware(Authentication)
  )
  .add(
    HttpApiEndpoint.post("verifyEmail", "/auth/verify-email")
      .setPayload(VerifyEmailRequest)
      .addSuccess(User)
      .addError(HttpUnprocessable)
      .addError(HttpTooManyRequests)
  )
  .add(
    HttpApiEndpoint.post("resendVerification", "/auth/resend-verification")
      .setPayload(EmailRequest)
      .addSuccess(Accepted, { status: 202 })
      .addError(HttpTooManyRequests)
  )
  .add(
    HttpApiEndpoint.post("forgotPassword", "/auth/forgot-password")
      .setPayload(EmailRequest)
      .addSuccess(Accepted, { status: 202 })
      .addError(HttpTooManyRequests)
  )
  .add(
    HttpApiEndpoint.post("resetPassword", "/auth/reset-password")
      .setPayload(ResetPasswordRequest)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(HttpUnprocessable)
      .addError(HttpTooManyRequests)
  )
  .add(
    HttpApiEndpoint.post("changePassword", "/auth/change-password")
      .setPayload(ChangePasswordRequest)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(HttpUnprocessable)
      .middleware(Authentication)
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
  .add(HttpApiEndpoint.get("list", "/sessions").addSuccess(Schema.Array(SessionInfo)))
  .add(HttpApiEndpoint.get("current", "/sessions/current").addSuccess(SessionInfo))
  .add(HttpApiEndpoint.del("revokeCurrent", "/sessions/current").addSuccess(HttpApiSchema.NoContent))
  .add(
    HttpApiEndpoint.del("revokeAll", "/sessions")
      .setUrlParams(Schema.Struct({
        /** `true`: revoke every session but the one making the request. */
        keepCurrent: Schema.optional(Schema.BooleanFromString)
      }))
      .addSuccess(RevokedCount)
  )
  .add(
    HttpApiEndpoint.del("revoke", "/sessions/:sessionId")
      .setPath(Schema.Struct({ sessionId: SessionId }))
      .addSuccess(HttpApiSchema.NoContent)
      .addError(HttpNotFound)
  )
  // Only the endpoints above: refresh authenticates with the refresh token itself.
  .middlewareEndpoints(Authentication)
  .addError(HttpForbidden)
  .addError(HttpUnavailable)
  .add(HttpApiEndpoint.post("refresh", "/sessions/refresh").setPayload(RefreshRequest).addSuccess(AuthTokens))
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

export class CreateApiKeyRequest extends Schema.Class<CreateApiKeyRequest>("CreateApiKeyRequest")({
  name: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100)),
  scopes: Schema.NonEmptyArray(ApiKeyScope),
  /** Lifetime in days; none: does not expire. */
  expiresInDays: Schema.optional(Schema.Number.pipe(Schema.int(), Schema.between(1, 3650)))
}) {}

export class CreatedApiKey extends Schema.Class<CreatedApiKey>("CreatedApiKey")({
  key: ApiKeyInfo,
  /** The full key. Shown once: only its hash is stored. */
  secret: Schema.Redacted(Schema.String)
}) {}

const keyIdPath = Schema.Struct({ keyId: ApiKeyId })

export class ApiKeysApi extends HttpApiGroup.make("apiKeys")
  .add(HttpApiEndpoint.get("list", "/apikeys").addSuccess(Schema.Array(ApiKeyInfo)))
  .add(
    HttpApiEndpoint.post("create", "/apikeys")
      .setPayload(CreateApiKeyRequest)
      .addSuccess(CreatedApiKey, { status: 201 })
      // The owner holds AUTH_API_KEYS_PER_USER live keys already.
      .addError(HttpConflict)
  )
  .add(HttpApiEndpoint.get("get", "/apikeys/:keyId").setPath(keyIdPath).addSuccess(ApiKeyInfo).addError(HttpNotFound))
  .add(
    HttpApiEndpoint.del("revoke", "/apikeys/:keyId")
      .setPath(keyIdPath)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(HttpNotFound)
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
