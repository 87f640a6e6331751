/**
 * A user's second factors: status, TOTP setup/verify/delete, backup codes, the MFA switch and WebAuthn
 * credentials. Turning protection off (disable, removing TOTP) needs a current code or the password.
 */
import {
  AuthMfaEnabled,
  BackupCodes,
  Conflict,
  type ConfigurationError,
  type DatabaseError,
  MfaStatus,
  type MfaPassword,
  type MfaProof,
  NotFound,
  type Principal,
  type RegistrationResponse,
  type TooManyRequests,
  TotpSetup,
  Unavailable,
  Unprocessable,
  type UserId,
  WebAuthnCredentialInfo
} from "@mediaserver/domain"
import { Clock, Context, DateTime, Effect, Layer, Option } from "effect"
import { ActivityLog } from "../activity/ActivityLog.js"
import { Events } from "../events/Events.js"
import { SecretBox } from "../auth/SecretBox.js"
import { AppConfig } from "../config/AppConfig.js"
import { backupCodeHash, newBackupCodes, newTotpSecret, otpauthUrl, qrCodeDataUrl, totpStep } from "./Codes.js"
import { MfaChallenges, mfaActive } from "./MfaChallenges.js"
import { type CredentialRow, type MfaState, MfaRepo } from "./MfaRepo.js"
import { SecondFactor } from "./SecondFactor.js"
import { WebAuthn } from "./WebAuthn.js"

type Failure = NotFound | Conflict | Unprocessable | TooManyRequests | Unavailable | DatabaseError | ConfigurationError

export const toCredentialInfo = (row: CredentialRow) =>
  new WebAuthnCredentialInfo({
    id: row.id,
    name: row.name,
    createdAt: DateTime.unsafeFromDate(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : DateTime.unsafeFromDate(row.last_used_at)
  })

const toStatus = (userId: UserId, state: MfaState) =>
  new MfaStatus({
    userId,
    enabled: mfaActive(state),
    totp: state.totp_secret !== null,
    backupCodesRemaining: state.backup_remaining,
    webauthnCredentials: state.webauthn_count
  })

const noCredential = (id: string) => new NotFound({ message: `No WebAuthn credential ${id}`, details: { field: "credentialId" } })

export class Mfa extends Context.Tag("@mediaserver/mfa/Mfa")<
  Mfa,
  {
    readonly status: (userId: UserId) => Effect.Effect<MfaStatus, NotFound | DatabaseError>
    readonly totpSetup: (caller: Principal) => Effect.Effect<TotpSetup, Failure>
    readonly totpVerify: (caller: Principal, code: string, ip: string | null) => Effect.Effect<MfaStatus, Failure>
    readonly totpDelete: (caller: Principal, proof: MfaProof, ip: string | null) => Effect.Effect<MfaStatus, Failure>
    /** First set only (Conflict while unused codes remain); `regenerate` replaces them. */
    readonly backupCodes: (caller: Principal, regenerate: boolean) => Effect.Effect<BackupCodes, Failure>
    readonly enable: (caller: Principal) => Effect.Effect<MfaStatus, Failure>
    readonly disable: (caller: Principal, proof: MfaProof, ip: string | null) => Effect.Effect<MfaStatus, Failure>
    /** Every factor removed and MFA off, confirmed with the password. */
    readonly removeAll: (caller: Principal, password: MfaPassword["password"], ip: string | null) => Effect.Effect<MfaStatus, Failure>
    readonly registerBegin: (caller: Principal) => Effect.Effect<Readonly<Record<string, unknown>>, Failure>
    readonly registerFinish: (caller: Principal, name: string | undefined, response: RegistrationResponse) => Effect.Effect<WebAuthnCredentialInfo, Failure>
    readonly credentials: (caller: Principal) => Effect.Effect<ReadonlyArray<WebAuthnCredentialInfo>, DatabaseError>
    readonly renameCredential: (caller: Principal, id: string, name: string) => Effect.Effect<WebAuthnCredentialInfo, Failure>
    readonly deleteCredential: (caller: Principal, id: string) => Effect.Effect<void, Failure>
  }
>() {
  static readonly layer = Layer.effect(
    Mfa,
    Effect.gen(function* () {
      const repo = yield* MfaRepo
      const box = yield* SecretBox
      const factor = yield* SecondFactor
      const webauthn = yield* WebAuthn
      const challenges = yield* MfaChallenges
      const activity = yield* ActivityLog
      const events = yield* Events
      const issuer = (yield* AppConfig).mfaIssuer

      const state = (userId: UserId) =>
        Effect.flatMap(repo.state(userId), Option.match({
          onNone: () => Effect.fail(new NotFound({ message: `No user ${userId}` })),
          onSome: Effect.succeed
        }))
      const status = (userId: UserId) => Effect.map(state(userId), (s) => toStatus(userId, s))
      const changed = (caller: Principal, action: "auth.mfa_enabled" | "auth.mfa_disabled" | "auth.mfa_changed", details: Record<string, unknown>) =>
        activity.record({ action, userId: caller.userId, details }).pipe(
          Effect.zipRight(action === "auth.mfa_enabled"
            ? events.publish(new AuthMfaEnabled({ userId: caller.userId, method: typeof details["method"] === "string" ? details["method"] : "unknown" }))
            : Effect.void),
          Effect.zipRight(status(caller.userId))
        )

      return {
        status,
        totpSetup: (caller) =>
          Effect.gen(function* () {
            if ((yield* state(caller.userId)).totp_secret !== null) {
              return yield* new Conflict({ message: "TOTP is already set up; delete it first to set up a new one", details: { field: "totp" } })
            }
            const secret = newTotpSecret()
            yield* repo.setPendingTotp(caller.userId, box.seal(secret))
            const url = otpauthUrl(secret, issuer, caller.username)
            return new TotpSetup({ secret, otpauthUrl: url, qrCode: yield* Effect.tryPromise({
              try: () => qrCodeDataUrl(url),
              catch: (e) => new Unavailable({ message: `The QR code could not be drawn: ${String(e)}` })
            }) })
          }),
        totpVerify: (caller, code, ip) =>
          Effect.gen(function* () {
            const pending = (yield* state(caller.userId)).totp_pending
            if (pending === null) return yield* new Conflict({ message: "No TOTP setup to verify: call /mfa/totp/setup first", details: { field: "code" } })
            // Effect's clock, not Date.now(): tests fix the time the codes are checked at.
            const confirm = Effect.flatMap(Effect.zip(box.open(pending), Clock.currentTimeMillis), ([secret, now]) =>
              Option.match(totpStep(secret, code, now), {
                onNone: () => Effect.succeed(false),
                onSome: (step) => repo.confirmTotp(caller.userId, step)
              }))
            if (!(yield* factor.attempt(caller.userId, ip, confirm, (ok) => ok))) {
              return yield* new Unprocessable({ message: "code: is not correct", details: { field: "code", reason: "incorrect" } })
            }
            return yield* changed(caller, "auth.mfa_enabled", { method: "totp" })
          }),
        totpDelete: (caller, proof, ip) =>
          Effect.gen(function* () {
            if ((yield* state(caller.userId)).totp_secret === null) return yield* new NotFound({ message: "TOTP is not set up" })
            yield* factor.checkProof(caller.userId, proof, ip)
            yield* repo.deleteTotp(caller.userId)
            return yield* changed(caller, "auth.mfa_changed", { removed: "totp" })
          }),
        backupCodes: (caller, regenerate) =>
          Effect.gen(function* () {
            const codes = newBackupCodes()
            const replaced = yield* repo.replaceBackupCodes(caller.userId, codes.map((code) => backupCodeHash(caller.userId, code)), !regenerate)
            if (!replaced) {
              return yield* new Conflict({ message: "Backup codes exist already: regenerate them to get new ones", details: { field: "backupCodes" } })
            }
            yield* activity.record({ action: "auth.mfa_changed", userId: caller.userId, details: { backupCodes: regenerate ? "regenerated" : "generated" } })
            return new BackupCodes({ codes })
          }),
        enable: (caller) =>
          Effect.gen(function* () {
            const s = yield* state(caller.userId)
            if (s.totp_secret === null && s.webauthn_count === 0) {
              return yield* new Conflict({ message: "Set up TOTP or a WebAuthn credential first", details: { field: "mfa" } })
            }
            yield* repo.setEnabled(caller.userId, true)
            return yield* changed(caller, "auth.mfa_enabled", {})
          }),
        disable: (caller, proof, ip) =>
          Effect.gen(function* () {
            yield* factor.checkProof(caller.userId, proof, ip)
            yield* repo.setEnabled(caller.userId, false)
            return yield* changed(caller, "auth.mfa_disabled", {})
          }),
        removeAll: (caller, password, ip) =>
          Effect.gen(function* () {
            yield* factor.checkProof(caller.userId, { password }, ip)
            yield* repo.removeAll(caller.userId)
            return yield* changed(caller, "auth.mfa_disabled", { removed: "all" })
          }),
        registerBegin: (caller) =>
          Effect.gen(function* () {
            const begun = yield* webauthn.registrationOptions({ id: caller.userId, username: caller.username }, yield* repo.credentials(caller.userId))
            yield* challenges.putCeremony(`reg:${caller.userId}`, begun.challenge)
            return begun.options
          }),
        registerFinish: (caller, name, response) =>
          Effect.gen(function* () {
            const challenge = yield* challenges.takeCeremony(`reg:${caller.userId}`)
            if (Option.isNone(challenge)) {
              return yield* new Conflict({ message: "No registration in progress (or it expired): call register/begin", details: { field: "response" } })
            }
            const registered = yield* webauthn.verifyRegistration(response, challenge.value)
            if (Option.isNone(registered)) {
              return yield* new Unprocessable({ message: "response: the attestation could not be verified", details: { field: "response" } })
            }
            const row = yield* repo.addCredential({ ...registered.value, userId: caller.userId, name: name ?? "Security key" })
            yield* activity.record({ action: "auth.mfa_enabled", userId: caller.userId, details: { method: "webauthn", credential: row.id } })
            yield* events.publish(new AuthMfaEnabled({ userId: caller.userId, method: "webauthn" }))
            return toCredentialInfo(row)
          }),
        credentials: (caller) => Effect.map(repo.credentials(caller.userId), (rows) => rows.map(toCredentialInfo)),
        renameCredential: (caller, id, name) =>
          Effect.flatMap(repo.renameCredential(caller.userId, id, name), Option.match({
            onNone: () => Effect.fail(noCredential(id)),
            onSome: (row) => Effect.succeed(toCredentialInfo(row))
          })),
        deleteCredential: (caller, id) =>
          Effect.gen(function* () {
            if (!(yield* repo.deleteCredential(caller.userId, id))) return yield* noCredential(id)
            yield* activity.record({ action: "auth.mfa_changed", userId: caller.userId, details: { removed: "webauthn", credential: id } })
          })
      }
    })
  )
}
