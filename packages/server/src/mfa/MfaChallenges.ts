/**
 * Short-lived, single-use state of MFA ceremonies, in the shared cache (L1 + Redis, MFA_CHALLENGE_TTL)
 * so a ceremony begun on one node may finish on another:
 * - the pending login of a password that was right (`mfa-login`, keyed by the MFA token's digest);
 * - WebAuthn challenges (`webauthn-challenge`, keyed by `reg:<user>` or `login:<MFA token digest>`).
 * Also the LoginGate of accounts: a correct password on an account with MFA answers a challenge.
 */
import { type DatabaseError, MfaRequired, type MfaMethod, UserId } from "@mediaserver/domain"
import { Context, Duration, Effect, Layer, Option, type Redacted, Schema } from "effect"
import { LoginGate } from "../auth/LoginGate.js"
import { digest, newMfaToken } from "../auth/Tokens.js"
import { CacheAside } from "../cache/index.js"
import { AppConfig } from "../config/AppConfig.js"
import { type MfaState, MfaRepo } from "./MfaRepo.js"

const PendingLogin = Schema.Struct({ userId: UserId, device: Schema.NullOr(Schema.String) })
export type PendingLogin = typeof PendingLogin.Type

/** The factors a login may be completed with (none: MFA is effectively off). */
export const methodsOf = (state: MfaState): ReadonlyArray<MfaMethod> => [
  ...(state.totp_secret !== null ? (["totp"] as const) : []),
  ...(state.webauthn_count > 0 ? (["webauthn"] as const) : []),
  ...(state.backup_remaining > 0 ? (["backupCode"] as const) : [])
]

/** MFA applies when it is on and a factor other than backup codes exists. */
export const mfaActive = (state: MfaState): boolean =>
  state.enabled && (state.totp_secret !== null || state.webauthn_count > 0)

export class MfaChallenges extends Context.Tag("@mediaserver/mfa/MfaChallenges")<
  MfaChallenges,
  {
    /** Starts a pending login: the MFA token the client must complete it with. */
    readonly begin: (login: PendingLogin) => Effect.Effect<Redacted.Redacted<string>>
    /** The pending login of an MFA token, without using it up (a mistyped code may be retried). */
    readonly pending: (token: Redacted.Redacted<string>) => Effect.Effect<Option.Option<PendingLogin>>
    /** Uses the MFA token up; None if another request already did (or it expired). */
    readonly complete: (token: Redacted.Redacted<string>) => Effect.Effect<Option.Option<PendingLogin>>
    readonly putCeremony: (key: string, challenge: string) => Effect.Effect<void>
    readonly takeCeremony: (key: string) => Effect.Effect<Option.Option<string>>
  }
>() {
  static readonly layer = Layer.scoped(
    MfaChallenges,
    Effect.gen(function* () {
      const ttl = (yield* AppConfig).mfaChallengeTtl
      const logins = yield* CacheAside.make({
        namespace: "mfa-login",
        schema: PendingLogin,
        ttl: { l1: ttl, l2: ttl },
        key: (token: Redacted.Redacted<string>) => digest(token)
      })
      const ceremonies = yield* CacheAside.make({ namespace: "webauthn-challenge", schema: Schema.String, ttl: { l1: ttl, l2: ttl } })
      return {
        begin: (login) => {
          const token = newMfaToken()
          return Effect.as(logins.put(token, login), token)
        },
        pending: logins.peek,
        complete: logins.take,
        putCeremony: ceremonies.put,
        takeCeremony: ceremonies.take
      }
    })
  )

  /** The gate Accounts asks after a correct password. */
  static readonly gate = Layer.effect(
    LoginGate,
    Effect.gen(function* () {
      const repo = yield* MfaRepo
      const challenges = yield* MfaChallenges
      const ttl = (yield* AppConfig).mfaChallengeTtl
      return {
        challenge: (user, request): Effect.Effect<Option.Option<MfaRequired>, DatabaseError> =>
          Effect.gen(function* () {
            const state = yield* repo.state(user.id)
            if (Option.isNone(state) || !mfaActive(state.value)) return Option.none()
            const token = yield* challenges.begin({ userId: user.id, device: request.deviceName ?? null })
            return Option.some(new MfaRequired({
              mfaRequired: true,
              mfaToken: token,
              methods: methodsOf(state.value),
              expiresIn: Math.floor(Duration.toSeconds(ttl))
            }))
          })
      }
    })
  )
}
