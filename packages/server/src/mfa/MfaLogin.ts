/**
 * The second step of a password login: the MFA token and a TOTP/backup code, or a WebAuthn assertion,
 * turn into a session (Accounts.startSession). A wrong factor leaves the token usable (retry) but is
 * counted by the limiter; the right one uses the token up, once, on any node. Every step (code,
 * WebAuthn begin and finish) is also under the strict limits per client address and per account.
 */
import {
  type AuthenticationResponse,
  type AuthTokens,
  type ConfigurationError,
  type DatabaseError,
  type TooManyRequests,
  Unauthorized,
  type Unavailable
} from "@mediaserver/domain"
import { Context, Effect, Layer, Option, type Redacted } from "effect"
import { Accounts } from "../auth/Accounts.js"
import type { ClientInfo } from "../auth/ClientInfo.js"
import { type LimitedAction, RequestLimits } from "../auth/RequestLimits.js"
import { digest } from "../auth/Tokens.js"
import { UsersRepo } from "../auth/UsersRepo.js"
import { MfaChallenges, type PendingLogin } from "./MfaChallenges.js"
import { MfaRepo } from "./MfaRepo.js"
import { SecondFactor } from "./SecondFactor.js"
import { WebAuthn } from "./WebAuthn.js"

const EXPIRED = new Unauthorized({ message: "The MFA token is invalid, used or expired: sign in again", details: { field: "mfaToken" } })
const WRONG_CODE = new Unauthorized({ message: "The code is not correct", details: { field: "code" } })
const WRONG_KEY = new Unauthorized({ message: "The security key could not be verified", details: { field: "response" } })

type Failure = Unauthorized | TooManyRequests | Unavailable | DatabaseError | ConfigurationError

export class MfaLogin extends Context.Tag("@mediaserver/mfa/MfaLogin")<
  MfaLogin,
  {
    readonly withCode: (token: Redacted.Redacted<string>, code: string, client: ClientInfo) => Effect.Effect<AuthTokens, Failure>
    readonly webauthnBegin: (token: Redacted.Redacted<string>, client: ClientInfo) => Effect.Effect<Readonly<Record<string, unknown>>, Failure>
    readonly webauthnFinish: (token: Redacted.Redacted<string>, response: AuthenticationResponse, client: ClientInfo) => Effect.Effect<AuthTokens, Failure>
  }
>() {
  static readonly layer = Layer.effect(
    MfaLogin,
    Effect.gen(function* () {
      const challenges = yield* MfaChallenges
      const factor = yield* SecondFactor
      const repo = yield* MfaRepo
      const users = yield* UsersRepo
      const accounts = yield* Accounts
      const webauthn = yield* WebAuthn
      const limits = yield* RequestLimits

      /** The pending login of `token`, counted against the client's address first, then its account. */
      const pending = (token: Redacted.Redacted<string>, action: LimitedAction, client: ClientInfo) =>
        Effect.gen(function* () {
          yield* limits.hit(action, client.ip)
          const login = yield* challenges.pending(token)
          if (Option.isNone(login)) return yield* EXPIRED
          yield* limits.hit(action, null, { account: login.value.userId })
          return login.value
        })

      /** Uses the token up and starts the session (the user may have been deleted meanwhile). */
      const finish = (token: Redacted.Redacted<string>, client: ClientInfo) =>
        Effect.gen(function* () {
          const login: Option.Option<PendingLogin> = yield* challenges.complete(token)
          if (Option.isNone(login)) return yield* EXPIRED
          const user = yield* users.findById(login.value.userId)
          if (Option.isNone(user)) return yield* EXPIRED
          return yield* accounts.startSession(user.value, login.value.device, client)
        })

      const ceremonyKey = (token: Redacted.Redacted<string>) => `login:${digest(token)}`

      return {
        withCode: (token, code, client) =>
          Effect.gen(function* () {
            const login = yield* pending(token, "secondFactor", client)
            if (Option.isNone(yield* factor.checkCode(login.userId, code, client.ip))) return yield* WRONG_CODE
            return yield* finish(token, client)
          }),
        webauthnBegin: (token, client) =>
          Effect.gen(function* () {
            const login = yield* pending(token, "webauthn", client)
            const credentials = yield* repo.credentials(login.userId)
            if (credentials.length === 0) return yield* new Unauthorized({ message: "No security key is registered for this account" })
            const begun = yield* webauthn.authenticationOptions(credentials)
            yield* challenges.putCeremony(ceremonyKey(token), begun.challenge)
            return begun.options
          }),
        webauthnFinish: (token, response, client) =>
          Effect.gen(function* () {
            const login = yield* pending(token, "webauthn", client)
            const verify = Effect.gen(function* () {
              const challenge = yield* challenges.takeCeremony(ceremonyKey(token))
              const credential = Option.filter(yield* repo.credential(response.id), (c) => c.user_id === login.userId)
              if (Option.isNone(challenge) || Option.isNone(credential)) return Option.none()
              const counter = yield* webauthn.verifyAuthentication(response, challenge.value, credential.value)
              return Option.map(counter, (value) => ({ id: credential.value.id, counter: value }))
            })
            const used = yield* factor.attempt(login.userId, client.ip, verify, Option.isSome)
            if (Option.isNone(used)) return yield* WRONG_KEY
            yield* repo.usedCredential(used.value.id, used.value.counter)
            return yield* finish(token, client)
          })
      }
    })
  )
}
