/**
 * Email verification and password reset. Requests that name an address (resend, forgot) answer the
 * same at once whether or not it has an account: the lookup, token and mail happen in the background.
 * Tokens are single use and expire; a reset ends every session of the account.
 */
import { SqlClient } from "@effect/sql"
import {
  Accepted,
  type DatabaseError,
  Unavailable,
  Unprocessable,
  type User,
  type UserId
} from "@mediaserver/domain"
import { Context, Duration, Effect, FiberSet, Layer, Option, Redacted } from "effect"
import { ActivityLog } from "../activity/ActivityLog.js"
import { AppConfig } from "../config/AppConfig.js"
import { wrapSql } from "../db/Sql.js"
import { Mailer, NOT_CONFIGURED } from "../email/Mailer.js"
import { Authenticator } from "./Authenticator.js"
import { type EmailTokenPurpose, EmailTokensRepo } from "./EmailTokensRepo.js"
import { checkPolicy, Passwords } from "./Passwords.js"
import { SessionsRepo } from "./SessionsRepo.js"
import { digest, newEmailToken } from "./Tokens.js"
import { UserCache } from "../access/UserCache.js"
import { toUser, type UserRow, UsersRepo } from "./UsersRepo.js"

const BAD_TOKEN = new Unprocessable({
  message: "token: is invalid, expired or already used",
  details: { field: "token", reason: "invalid_or_expired" }
})

const hoursOf = (d: Duration.Duration) => Math.round(Duration.toHours(d))

export class EmailFlows extends Context.Tag("@mediaserver/auth/EmailFlows")<
  EmailFlows,
  {
    /** After registration: a verification mail when email is configured (nothing otherwise). */
    readonly welcome: (user: UserRow) => Effect.Effect<void>
    readonly resendVerification: (email: string) => Effect.Effect<Accepted, Unavailable>
    readonly verifyEmail: (token: Redacted.Redacted<string>) => Effect.Effect<User, Unprocessable | DatabaseError>
    readonly forgotPassword: (email: string) => Effect.Effect<Accepted, Unavailable>
    readonly resetPassword: (
      token: Redacted.Redacted<string>,
      newPassword: Redacted.Redacted<string>
    ) => Effect.Effect<{ readonly userId: UserId }, Unprocessable | DatabaseError>
  }
>() {
  static readonly layer = Layer.scoped(
    EmailFlows,
    Effect.gen(function* () {
      const config = yield* AppConfig
      const sql = yield* SqlClient.SqlClient
      const mailer = yield* Mailer
      const users = yield* UsersRepo
      const tokens = yield* EmailTokensRepo
      const sessions = yield* SessionsRepo
      const passwords = yield* Passwords
      const authenticator = yield* Authenticator
      const activity = yield* ActivityLog
      const userCache = yield* UserCache
      const background = yield* FiberSet.make()

      const issue = (user: UserRow, purpose: EmailTokenPurpose, ttl: Duration.Duration) =>
        Effect.gen(function* () {
          const token = newEmailToken()
          yield* tokens.issue({
            hash: digest(token),
            userId: user.id,
            purpose,
            email: user.email,
            expiresAt: new Date(Date.now() + Duration.toMillis(ttl))
          })
          return Redacted.value(token)
        })

      const verificationMail = (user: UserRow) =>
        Effect.gen(function* () {
          const token = yield* issue(user, "verify", config.authVerifyTokenTtl)
          yield* mailer.send({
            to: user.email,
            subject: "Confirm your email address",
            text: [
              `Hello ${user.username},`,
              "",
              "Confirm your email address by opening this link:",
              `${config.publicUrl}/verify-email?token=${token}`,
              "",
              `The link works once and expires in ${hoursOf(config.authVerifyTokenTtl)} hours.`
            ].join("\n")
          })
        })

      const resetMail = (user: UserRow) =>
        Effect.gen(function* () {
          const token = yield* issue(user, "reset", config.authResetTokenTtl)
          yield* mailer.send({
            to: user.email,
            subject: "Reset your password",
            text: [
              `Hello ${user.username},`,
              "",
              "Someone (hopefully you) asked to reset your password. Choose a new one here:",
              `${config.publicUrl}/reset-password?token=${token}`,
              "",
              `The link works once and expires in ${hoursOf(config.authResetTokenTtl)} hours. If you did not ask, ignore this mail.`
            ].join("\n")
          })
        })

      /** Runs `work` detached from the request (owned by this layer); failures are logged. */
      const later = <E>(what: string, work: Effect.Effect<void, E>) =>
        FiberSet.run(background, work.pipe(Effect.catchAllCause((cause) => Effect.logWarning(`${what} failed`, cause)))).pipe(
          Effect.asVoid
        )

      const accepted = (message: string, work: Effect.Effect<void>) =>
        mailer.configured ? Effect.as(work, new Accepted({ message })) : Effect.fail(NOT_CONFIGURED)

      return {
        welcome: (user) => (mailer.configured ? later("verification mail", verificationMail(user)) : Effect.void),

        resendVerification: (email) =>
          accepted(
            "If this address belongs to an account that is not verified yet, a verification mail is on its way",
            later(
              "verification mail",
              Effect.flatMap(users.findByEmail(email), (found) =>
                Option.isSome(found) && found.value.email_verified_at === null ? verificationMail(found.value) : Effect.void)
            )
          ),

        forgotPassword: (email) =>
          accepted(
            "If this address belongs to an account, a mail with a reset link is on its way",
            later(
              "password reset mail",
              Effect.flatMap(users.findByEmail(email), Option.match({ onNone: () => Effect.void, onSome: resetMail }))
            )
          ),

        verifyEmail: (token) =>
          Effect.gen(function* () {
            const used = yield* tokens.consume(digest(token), "verify")
            if (Option.isNone(used)) return yield* BAD_TOKEN
            // The address changed since the mail was sent: this token proves nothing about the new one.
            const user = yield* users.markVerified(used.value.user_id, used.value.email)
            if (Option.isNone(user)) return yield* BAD_TOKEN
            yield* userCache.forget(user.value.id)
            yield* activity.record({ action: "auth.email_verified", userId: user.value.id, details: { email: user.value.email } })
            return toUser(user.value)
          }),

        resetPassword: (token, newPassword) =>
          Effect.gen(function* () {
            const hash = digest(token)
            // Check everything before using the token, so a weak password leaves it usable.
            const live = yield* tokens.find(hash, "reset")
            if (Option.isNone(live)) return yield* BAD_TOKEN
            const user = yield* users.findById(live.value.user_id)
            if (Option.isNone(user)) return yield* BAD_TOKEN
            const weak = checkPolicy({ field: "newPassword", password: newPassword, username: user.value.username, minLength: passwords.minLength })
            if (Option.isSome(weak)) return yield* weak.value
            const passwordHash = yield* passwords.hash(newPassword)
            const ended = yield* Effect.gen(function* () {
              const used = yield* tokens.consume(hash, "reset")
              if (Option.isNone(used)) return yield* BAD_TOKEN
              yield* users.setPassword(user.value.id, passwordHash)
              return yield* sessions.delete(user.value.id, {})
            }).pipe(sql.withTransaction, wrapSql("auth.resetPassword"))
            yield* authenticator.forgetSessions(ended)
            yield* activity.record({ action: "auth.password_reset", userId: user.value.id, details: { sessionsEnded: ended.length } })
            return { userId: user.value.id }
          })
      }
    })
  )
}
