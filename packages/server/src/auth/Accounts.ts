/** Accounts and sessions: register, login, refresh (rotation), logout, password change, session list/revoke. */
import {
  AuthLogin,
  AuthLoginFailed,
  AuthPasswordChanged,
  UserCreated,
  AuthTokens,
  type ChangePasswordRequest,
  type Conflict,
  type DatabaseError,
  Forbidden,
  type LoginRequest,
  type LoginResult,
  NotFound,
  type Principal,
  type RegisterRequest,
  SessionId,
  SessionInfo,
  type TooManyRequests,
  Unauthorized,
  Unprocessable,
  type User,
  UserId
} from "@mediaserver/domain"
import { Context, DateTime, Duration, Effect, Layer, Option, type Redacted } from "effect"
import { randomUUID } from "node:crypto"
import { ActivityLog } from "../activity/ActivityLog.js"
import { Events } from "../events/Events.js"
import { AppConfig } from "../config/AppConfig.js"
import { Settings } from "../settings/Service.js"
import { Authenticator } from "./Authenticator.js"
import { EmailFlows } from "./EmailFlows.js"
import { LoginLimiter } from "./LoginLimiter.js"
import { checkPolicy, Passwords, passwordHashOf } from "./Passwords.js"
import { type SessionRow, SessionsRepo } from "./SessionsRepo.js"
import { digest, newAccessToken, newRefreshToken } from "./Tokens.js"
import { LoginGate } from "./LoginGate.js"
import type { ClientInfo } from "./ClientInfo.js"
import { toUser, type UserRow, UsersRepo } from "./UsersRepo.js"

// One answer for unknown user and wrong password, so a caller cannot tell which it was.
const BAD_LOGIN = new Unauthorized({ message: "Invalid username or password" })
const BAD_REFRESH = new Unauthorized({ message: "Invalid or expired refresh token" })
const currentRequired = new Unprocessable({
  message: "currentPassword: is required (the account has a password)",
  details: { field: "currentPassword", reason: "required" }
})

const toSessionInfo = (row: SessionRow, currentId: string): SessionInfo =>
  new SessionInfo({
    id: row.id,
    current: row.id === currentId,
    device: row.device,
    userAgent: row.user_agent,
    ip: row.ip,
    createdAt: DateTime.unsafeFromDate(row.created_at),
    lastSeenAt: DateTime.unsafeFromDate(row.last_seen_at),
    expiresAt: DateTime.unsafeFromDate(row.expires_at)
  })

export class Accounts extends Context.Tag("@mediaserver/auth/Accounts")<
  Accounts,
  {
    readonly register: (request: RegisterRequest) => Effect.Effect<User, Conflict | Unprocessable | Forbidden | DatabaseError>
    readonly login: (
      request: LoginRequest,
      client: ClientInfo
    ) => Effect.Effect<LoginResult, Unauthorized | Forbidden | TooManyRequests | DatabaseError>
    /** A new session for a user whose sign-in is complete (password + second factor, or single sign-on). */
    readonly startSession: (user: UserRow, device: string | null, client: ClientInfo) => Effect.Effect<AuthTokens, Unauthorized | DatabaseError>
    readonly refresh: (refreshToken: Redacted.Redacted<string>) => Effect.Effect<AuthTokens, Unauthorized | DatabaseError>
    readonly changePassword: (
      caller: Principal,
      request: ChangePasswordRequest
    ) => Effect.Effect<void, Unprocessable | Unauthorized | DatabaseError>
    readonly listSessions: (caller: Principal) => Effect.Effect<ReadonlyArray<SessionInfo>, DatabaseError>
    readonly currentSession: (caller: Principal) => Effect.Effect<SessionInfo, Unauthorized | DatabaseError>
    /** Revokes one of the caller's sessions (`logout` is the current one). */
    readonly revokeSession: (caller: Principal, id: SessionId) => Effect.Effect<void, NotFound | DatabaseError>
    /** Ends the caller's current session (already ended: nothing to do). */
    readonly logout: (caller: Principal) => Effect.Effect<void, DatabaseError>
    readonly revokeAll: (caller: Principal, keepCurrent: boolean) => Effect.Effect<number, DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    Accounts,
    Effect.gen(function* () {
      const config = yield* AppConfig
      const users = yield* UsersRepo
      const sessions = yield* SessionsRepo
      const passwords = yield* Passwords
      const authenticator = yield* Authenticator
      const limiter = yield* LoginLimiter
      const email = yield* EmailFlows
      const activity = yield* ActivityLog
      const events = yield* Events
      const settings = yield* Settings
      const gate = yield* LoginGate
      /** A boolean server setting (general.registrationOpen, security.requireEmailVerification). */
      const serverFlag = (key: string) =>
        settings.get("server", key).pipe(
          Effect.map((setting) => setting.value === true),
          Effect.catchTag("NotFound", () => Effect.succeed(false))
        )
      const accessTtl = Duration.toMillis(config.authAccessTokenTtl)
      const maxAge = Duration.toMillis(config.authSessionMaxAge)
      const idle = Duration.toMillis(config.authSessionIdleTimeout)

      const tokens = (access: Redacted.Redacted<string>, refresh: Redacted.Redacted<string>, sessionId: SessionId, accessExpiresAt: Date, user: User) =>
        new AuthTokens({
          tokenType: "Bearer",
          accessToken: access,
          refreshToken: refresh,
          expiresIn: Math.max(0, Math.floor((accessExpiresAt.getTime() - Date.now()) / 1000)),
          sessionId,
          user
        })

      const startSession = (user: UserRow, device: string | null, client: ClientInfo) =>
        Effect.gen(function* () {
          // Every way in (password, second factor, single sign-on) ends here.
          if (user.disabled_at !== null) {
            return yield* new Unauthorized({ message: "This account is disabled", details: { reason: "account_disabled" } })
          }
          const now = Date.now()
          const access = newAccessToken()
          const refresh = newRefreshToken()
          const expiresAt = new Date(now + maxAge)
          const accessExpiresAt = new Date(Math.min(now + accessTtl, expiresAt.getTime()))
          const id = SessionId.make(randomUUID())
          yield* sessions.create({
            id,
            userId: user.id,
            accessHash: digest(access),
            refreshHash: digest(refresh),
            device,
            userAgent: client.userAgent,
            ip: client.ip,
            accessExpiresAt,
            expiresAt
          })
          // AUTH_SESSIONS_PER_USER: the oldest sessions end (on every node) so the new one fits.
          yield* Effect.flatMap(sessions.keepNewest(user.id, config.authSessionsPerUser), authenticator.forgetSessions)
          yield* activity.record({ action: "auth.login", userId: user.id, resourceType: "session", resourceId: id, ...client })
          yield* events.publish(new AuthLogin({ userId: user.id, username: user.username, ip: client.ip }))
          return tokens(access, refresh, id, accessExpiresAt, toUser(user))
        })

      const callerSession = (caller: Principal) => caller.credentialId
      const callerUser = (caller: Principal) => caller.userId

      return {
        register: (request) =>
          Effect.gen(function* () {
            const weak = checkPolicy({ field: "password", password: request.password, username: request.username, minLength: passwords.minLength })
            if (Option.isSome(weak)) return yield* weak.value
            // The first account may always register: it becomes the admin who can open registration.
            if (!(yield* serverFlag("general.registrationOpen")) && (yield* users.exists)) {
              return yield* new Forbidden({ message: "Registration is closed on this server", details: { reason: "registration_closed" } })
            }
            const row = yield* users.insert({
              id: UserId.make(randomUUID()),
              username: request.username,
              email: request.email,
              displayName: request.displayName ?? null,
              passwordHash: yield* passwords.hash(request.password)
            })
            yield* email.welcome(row)
            yield* activity.record({ action: "auth.register", userId: row.id, details: { username: row.username } })
            yield* events.publish(new UserCreated({ userId: row.id, username: row.username }))
            return toUser(row)
          }),

        login: (request, client) =>
          Effect.gen(function* () {
            const found = yield* users.findByLogin(request.username)
            // Limited by user id (username and email are one account), else by the name typed: an
            // unknown user is counted and locked out like a known one.
            const account = Option.match(found, {
              onSome: (u) => `user:${u.id}`,
              onNone: () => `name:${request.username.toLowerCase()}`
            })
            const userId = Option.getOrNull(Option.map(found, (u) => u.id))
            const failed = (reason: string) =>
              Effect.zipRight(
                activity.record({ action: "auth.login_failed", userId, ...client, details: { username: request.username, reason } }),
                events.publish(new AuthLoginFailed({ userId, username: request.username, ip: client.ip }))
              )
            // Always verify (a dummy hash when there is no user) so both failures take as long.
            const verify = passwords.verify(Option.getOrUndefined(Option.flatMap(found, passwordHashOf)), request.password)
            const ok = yield* limiter.attempt(client.ip, account, verify, (ok) => ok && Option.isSome(found)).pipe(
              Effect.tapError(() => failed("rate_limited"))
            )
            if (!ok || Option.isNone(found)) {
              yield* failed(Option.isNone(found) ? "unknown_user" : "wrong_password")
              return yield* BAD_LOGIN
            }
            const user = found.value
            if (user.disabled_at !== null) {
              yield* failed("account_disabled")
              return yield* new Forbidden({ message: "This account is disabled", details: { reason: "account_disabled" } })
            }
            // Admins are exempt: an admin who turned the rule on must not lock themselves out.
            if (user.role !== "admin" && user.email_verified_at === null && (yield* serverFlag("security.requireEmailVerification"))) {
              yield* failed("email_not_verified")
              return yield* new Forbidden({
                message: "Verify your email address first (see the mail sent at registration, or resend it)",
                details: { reason: "email_not_verified" }
              })
            }
            const second = yield* gate.challenge(user, request)
            if (Option.isSome(second)) return second.value
            return yield* startSession(user, request.deviceName ?? null, client)
          }),

        startSession,

        refresh: (refreshToken) =>
          Effect.gen(function* () {
            const access = newAccessToken()
            const refresh = newRefreshToken()
            const now = Date.now()
            const rotated = yield* sessions.rotate({
              refreshHash: digest(refreshToken),
              newAccessHash: digest(access),
              newRefreshHash: digest(refresh),
              accessExpiresAt: new Date(now + accessTtl),
              idleCutoff: new Date(now - idle)
            })
            if (Option.isNone(rotated)) return yield* BAD_REFRESH
            const row = rotated.value
            // The old access token must stop working on every node now, not when its cache entry expires.
            yield* authenticator.forgetSessions([row.old_access_hash])
            const user = yield* users.findById(row.user_id)
            if (Option.isNone(user)) return yield* BAD_REFRESH
            return tokens(access, refresh, row.id, row.access_expires_at, toUser(user.value))
          }),

        changePassword: (caller, request) =>
          Effect.gen(function* () {
            const user = yield* users.findById(callerUser(caller))
            if (Option.isNone(user)) return yield* new Unauthorized({ message: "The account no longer exists" })
            const stored = passwordHashOf(user.value)
            // An account made by single sign-on has no password: its session alone may set the first one.
            if (Option.isSome(stored)) {
              if (request.currentPassword === undefined) return yield* currentRequired
              if (!(yield* passwords.verify(stored.value, request.currentPassword))) {
                return yield* new Unprocessable({
                  message: "currentPassword: is not correct",
                  details: { field: "currentPassword", reason: "incorrect" }
                })
              }
            }
            const weak = checkPolicy({ field: "newPassword", password: request.newPassword, username: user.value.username, minLength: passwords.minLength })
            if (Option.isSome(weak)) return yield* weak.value
            // Only over the hash checked above: a password set meanwhile must be given as the current one.
            const set = yield* users.setPassword(user.value.id, yield* passwords.hash(request.newPassword), user.value.password_hash)
            if (!set) return yield* currentRequired
            // Other devices must sign in again with the new password; this one stays.
            const ended = yield* sessions.delete(user.value.id, { except: callerSession(caller) })
            yield* authenticator.forgetSessions(ended)
            yield* activity.record({ action: "auth.password_changed", userId: user.value.id, details: { sessionsEnded: ended.length, first: Option.isNone(stored) } })
            yield* events.publish(new AuthPasswordChanged({ userId: user.value.id }))
          }),

        listSessions: (caller) =>
          Effect.map(sessions.list(callerUser(caller)), (rows) => rows.map((row) => toSessionInfo(row, caller.credentialId))),

        currentSession: (caller) =>
          Effect.flatMap(sessions.find(callerUser(caller), callerSession(caller)), Option.match({
            onNone: () => Effect.fail(new Unauthorized({ message: "The session has ended" })),
            onSome: (row) => Effect.succeed(toSessionInfo(row, caller.credentialId))
          })),

        revokeSession: (caller, id) =>
          Effect.gen(function* () {
            const ended = yield* sessions.delete(callerUser(caller), { only: id })
            if (ended.length === 0) return yield* new NotFound({ message: `No session ${id}` })
            yield* authenticator.forgetSessions(ended)
          }),

        logout: (caller) =>
          Effect.flatMap(sessions.delete(callerUser(caller), { only: callerSession(caller) }), authenticator.forgetSessions).pipe(
            Effect.zipRight(activity.record({ action: "auth.logout", userId: caller.userId, resourceType: "session", resourceId: caller.credentialId }))
          ),

        revokeAll: (caller, keepCurrent) =>
          Effect.gen(function* () {
            const ended = yield* sessions.delete(callerUser(caller), keepCurrent ? { except: callerSession(caller) } : {})
            yield* authenticator.forgetSessions(ended)
            return ended.length
          })
      }
    })
  )
}
