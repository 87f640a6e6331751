/**
 * Every MFA operation once (named as in MfaRpcs and MfaLoginRpcs). Changing factors needs a
 * signed-in person, not an API key; the second-factor limits count per account and per address
 * (`RequestClient`, which each transport provides).
 */
import { MfaLoginRpcs, MfaRpcs } from "@mediaserver/domain"
import { Effect } from "effect"
import { RequestClient } from "../auth/ClientInfo.js"
import { any, asCaller, canRead, orUnavailable, requireAdmin, requireSelf, requireSession, withPolicy } from "../access/Policy.js"
import { Mfa } from "./Mfa.js"
import { MfaLogin } from "./MfaLogin.js"

export const makeMfaOperations = Effect.gen(function* () {
  const mfa = yield* Mfa
  const mine = asCaller(requireSession)
  const ip = Effect.map(RequestClient, (client) => client.ip)
  return MfaRpcs.of({
    MfaStatus: ({ userId }) =>
      userId === undefined
        ? asCaller(canRead)((me) => mfa.status(me.userId))
        : withPolicy(any(requireSelf(userId), requireAdmin))(mfa.status(userId)),
    MfaTotpSetup: () => mine((me) => mfa.totpSetup(me)),
    MfaTotpVerify: ({ code }) => mine((me) => Effect.flatMap(ip, (from) => mfa.totpVerify(me, code, from))),
    MfaTotpDelete: (proof) => mine((me) => Effect.flatMap(ip, (from) => mfa.totpDelete(me, proof, from))),
    MfaBackupGenerate: () => mine((me) => mfa.backupCodes(me, false)),
    MfaBackupRegenerate: () => mine((me) => mfa.backupCodes(me, true)),
    MfaEnable: () => mine((me) => mfa.enable(me)),
    MfaDisable: (proof) => mine((me) => Effect.flatMap(ip, (from) => mfa.disable(me, proof, from))),
    MfaRemoveAll: ({ password }) => mine((me) => Effect.flatMap(ip, (from) => mfa.removeAll(me, password, from))),
    MfaWebAuthnRegisterBegin: () => mine((me) => mfa.registerBegin(me)),
    MfaWebAuthnRegisterFinish: ({ name, response }) => mine((me) => mfa.registerFinish(me, name, response)),
    MfaWebAuthnCredentials: () => mine((me) => mfa.credentials(me)),
    MfaWebAuthnDelete: ({ credentialId }) => mine((me) => mfa.deleteCredential(me, credentialId)),
    MfaWebAuthnRename: ({ credentialId, name }) => mine((me) => mfa.renameCredential(me, credentialId, name))
  })
})

export const makeMfaLoginOperations = Effect.gen(function* () {
  const login = yield* MfaLogin
  return MfaLoginRpcs.of({
    MfaLogin: ({ code, mfaToken }) => orUnavailable(Effect.flatMap(RequestClient, (from) => login.withCode(mfaToken, code, from))),
    MfaWebAuthnLoginBegin: ({ mfaToken }) => orUnavailable(Effect.flatMap(RequestClient, (from) => login.webauthnBegin(mfaToken, from))),
    MfaWebAuthnLoginFinish: ({ mfaToken, response }) =>
      orUnavailable(Effect.flatMap(RequestClient, (from) => login.webauthnFinish(mfaToken, response, from)))
  })
})
