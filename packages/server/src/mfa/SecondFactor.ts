/**
 * Checking a second factor, the one place for it: a TOTP code (its time step used once) or a backup
 * code (used once), or the password as proof of presence. Every check is rate limited per account
 * by the login limiter (`mfa:<user id>`), so codes cannot be guessed faster than passwords.
 */
import { type ConfigurationError, type DatabaseError, type MfaMethod, type MfaProof, type TooManyRequests, type UserId, Unprocessable } from "@mediaserver/domain"
import { Clock, Context, Effect, Layer, Option } from "effect"
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
    readonly checkCode: (userId: UserId, code: string, ip: string | null) => Effect.Effect<Option.Option<MfaMethod>, TooManyRequests | DatabaseError | ConfigurationError>
    /** An attempt of another kind (a TOTP set-up code, a WebAuthn assertion) under the same limit. */
    readonly attempt: <A, E, R>(
      userId: UserId,
      ip: string | null,
      check: Effect.Effect<A, E, R>,
      passed: (answer: A) => boolean
    ) => Effect.Effect<A, E | TooManyRequests, R>
    /** A current code or the password; 422 naming the field otherwise. */
    readonly checkProof: (userId: UserId, proof: MfaProof, ip: string | null) => Effect.Effect<void, Unprocessable | TooManyRequests | DatabaseError | ConfigurationError>
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
          const step = totpStep(yield* box.open(sealed.value), code, yield* Clock.currentTimeMillis)
          return Option.isSome(step) && (yield* repo.useTotpStep(userId, step.value))
        })

      const attempt = <A, E, R>(userId: UserId, ip: string | null, check: Effect.Effect<A, E, R>, passed: (answer: A) => boolean) =>
        limiter.attempt(ip, account(userId), check, passed)

      const checkCode = (userId: UserId, code: string, ip: string | null) =>
        attempt(userId, ip, Effect.gen(function* () {
          const method: Option.Option<MfaMethod> = (yield* totp(userId, code))
            ? Option.some("totp")
            : (yield* repo.useBackupCode(userId, backupCodeHash(userId, code)))
            ? Option.some("backupCode")
            : Option.none()
          return method
        }), Option.isSome)

      return {
        checkCode,
        attempt,
        checkProof: (userId, proof, ip) =>
          Effect.gen(function* () {
            if (proof.code !== undefined) {
              if (Option.isNone(yield* checkCode(userId, proof.code, ip))) return yield* wrong("code")
              return
            }
            if (proof.password === undefined) return yield* proofMissing
            const password = proof.password
            const verify = Effect.flatMap(users.findById(userId), (user) =>
              passwords.verify(Option.getOrUndefined(Option.flatMap(user, passwordHashOf)), password))
            if (!(yield* attempt(userId, ip, verify, (ok) => ok))) return yield* wrong("password")
          })
      }
    })
  )
}
