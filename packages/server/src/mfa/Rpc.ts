/** RPC handlers of the MFA groups: the same services and policies as the REST handlers. */
import { CurrentUser, MfaLoginRpcs, MfaRpcs } from "@mediaserver/domain"
import { Effect, Layer } from "effect"
import { any, canRead, orUnavailable, requireAdmin, requireSelf, requireSession, withPolicy } from "../auth/Policy.js"
import { rpcClientInfo } from "../auth/Rpc.js"
import { Mfa } from "./Mfa.js"
import { MfaLogin } from "./MfaLogin.js"

const MfaRpcLive = MfaRpcs.toLayer(
  Effect.gen(function* () {
    const mfa = yield* Mfa
    // RPC handlers do not see the caller's address: the limiter counts per account only.
    const mine = <A, E, R>(f: (me: CurrentUser["Type"]) => Effect.Effect<A, E, R>) => withPolicy(requireSession)(Effect.flatMap(CurrentUser, f))
    return {
      MfaStatus: ({ userId }) =>
        userId === undefined
          ? withPolicy(canRead)(Effect.flatMap(CurrentUser, (me) => mfa.status(me.userId)))
          : withPolicy(any(requireSelf(userId), requireAdmin))(mfa.status(userId)),
      MfaTotpSetup: () => mine((me) => mfa.totpSetup(me)),
      MfaTotpVerify: ({ code }) => mine((me) => mfa.totpVerify(me, code, null)),
      MfaTotpDelete: (proof) => mine((me) => mfa.totpDelete(me, proof, null)),
      MfaBackupGenerate: () => mine((me) => mfa.backupCodes(me, false)),
      MfaBackupRegenerate: () => mine((me) => mfa.backupCodes(me, true)),
      MfaEnable: () => mine((me) => mfa.enable(me)),
      MfaDisable: (proof) => mine((me) => mfa.disable(me, proof, null)),
      MfaWebAuthnRegisterBegin: () => mine((me) => mfa.registerBegin(me)),
      MfaWebAuthnRegisterFinish: ({ name, response }) => mine((me) => mfa.registerFinish(me, name, response)),
      MfaWebAuthnCredentials: () => mine((me) => mfa.credentials(me)),
      MfaWebAuthnDelete: ({ credentialId }) => mine((me) => mfa.deleteCredential(me, credentialId)),
      MfaWebAuthnRename: ({ credentialId, name }) => mine((me) => mfa.renameCredential(me, credentialId, name))
    }
  })
)

const MfaLoginRpcLive = MfaLoginRpcs.toLayer(
  Effect.gen(function* () {
    const login = yield* MfaLogin
    return {
      MfaLogin: ({ code, mfaToken }, { headers }) => orUnavailable(login.withCode(mfaToken, code, rpcClientInfo(headers))),
      MfaWebAuthnLoginBegin: ({ mfaToken }) => orUnavailable(login.webauthnBegin(mfaToken)),
      MfaWebAuthnLoginFinish: ({ mfaToken, response }, { headers }) =>
        orUnavailable(login.webauthnFinish(mfaToken, response, rpcClientInfo(headers)))
    }
  })
)

export const MfaAllRpcLive = Layer.mergeAll(MfaRpcLive, MfaLoginRpcLive)
