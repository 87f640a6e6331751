/**
 * Checking a second factor, the one place for it: a TOTP code (its time step used once) or a backup
 * code (used once), or the password as proof of presence. Every check is rate limited per account
 * by the login limiter (`mfa:<user id>`), so codes cannot be guessed faster than passwords.
 */
import { type DatabaseError, type MfaMethod, type MfaProof, type TooManyRequests, type UserId, Unprocessable } from "@mediaserver/domain"
import { Context, Effect, Layer, Option } from "effect"
import { LoginLimiter } from "../auth/LoginLimiter.js"
import { Passwords, passwordHashOf } from "../auth/Passwords.js"
import { SecretBox } from "../auth/SecretBox.js"
import { UsersRepo } from "../auth/UsersRepo.js"
import { backupCodeHash, totpStep } from "./Codes.js"
import { MfaRepo } from "./MfaRepo.js"

const proofMissing = new Unprocessable({ message: "code or password: send one to confirm", details: { field: "code" } })
const wrong = (field: "code" | "password") => new Unprocessable({ message: `${field}: is not correct`, details: { field, reason: "incorrect" } })

export class SecondFactor extends Context.Tag("@mediaserver/mfa/SecondFactor")<
  SecondFactor,
  {
    /** The method `code` was accepted as (used up), or None. */
    readonly checkCode: (userId: UserId, code: string, ip: string | null) => Effect.Effect<Option.Option<MfaMethod>, TooManyRequests | DatabaseError>
    /** Counts a failed attempt of another kind (a WebAuthn assertion), and admits the next. */
    readonly admit: (userId: UserId, ip: string | null) => Effect.Effect<void, TooManyRequests>
    readonly failed: (userId: UserId) => Effect.Effect<void>
    readonly succeeded: (userId: UserId) => Effect.Effect<void>
    /** A current code or the password; 422 naming the field otherwise. */
    readonly checkProof: (userId: UserId, proof: MfaProof, ip: string | null) => Effect.Effect<void, Unprocessable | TooManyRequests | DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    SecondFactor,
    Effect.gen(function* () {
      const repo = yield* MfaRepo
      const users = yield* UsersRepo
      const box = yield* SecretBox
      const passwords = yield* Passwords
      const limiter = yield* LoginLimiter
      const account = (userId: UserId) => `mfa:${userId}`

      const totp = (userId: UserId, code: string) =>
        Effect.gen(function* () {
          const state = yield* repo.state(userId)
          const sealed = Option.flatMap(state, (s) => Option.fromNullable(s.totp_secret))
          if (Option.isNone(sealed)) return false
          const step = totpStep(yield* box.open(sealed.value), code, Date.now())
          return Option.isSome(step) && (yield* repo.useTotpStep(userId, step.value))
        })

      const checkCode = (userId: UserId, code: string, ip: string | null) =>
        Effect.gen(function* () {
          yield* limiter.admit(ip, account(userId))
          const method: Option.Option<MfaMethod> = (yield* totp(userId, code))
            ? Option.some("totp")
            : (yield* repo.useBackupCode(userId, backupCodeHash(userId, code)))
            ? Option.some("backupCode")
            : Option.none()
          yield* Option.isSome(method) ? limiter.succeeded(account(userId)) : limiter.failed(account(userId))
          return method
        })

      return {
        checkCode,
        admit: (userId, ip) => limiter.admit(ip, account(userId)),
        failed: (userId) => limiter.failed(account(userId)),
        succeeded: (userId) => limiter.succeeded(account(userId)),
        checkProof: (userId, proof, ip) =>
          Effect.gen(function* () {
            if (proof.code !== undefined) {
              if (Option.isNone(yield* checkCode(userId, proof.code, ip))) return yield* wrong("code")
              return
            }
            if (proof.password === undefined) return yield* proofMissing
            yield* limiter.admit(ip, account(userId))
            const hash = Option.flatMap(yield* users.findById(userId), passwordHashOf)
            if (!(yield* passwords.verify(Option.getOrUndefined(hash), proof.password))) {
              yield* limiter.failed(account(userId))
              return yield* wrong("password")
            }
            yield* limiter.succeeded(account(userId))
          })
      }
    })
  )
}
