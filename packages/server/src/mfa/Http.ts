/** REST handlers of the MFA groups: one policy line plus a service call each. */
import { HttpApiBuilder } from "@effect/platform"
import { CurrentUser, MediaApi } from "@mediaserver/domain"
import { Effect, Layer } from "effect"
import { cookieSettingsOf } from "../auth/Cookies.js"
import { clientInfo, loginAnswer, withRetryAfter } from "../auth/Http.js"
import { any, canRead, orUnavailable, requireAdmin, requireSelf, requireSession, withPolicy } from "../auth/Policy.js"
import { AppConfig } from "../config/AppConfig.js"
import { Mfa } from "./Mfa.js"
import { MfaLogin } from "./MfaLogin.js"

const MfaHttp = HttpApiBuilder.group(MediaApi, "mfa", (handlers) =>
  Effect.gen(function* () {
    const mfa = yield* Mfa
    const client = clientInfo((yield* AppConfig).authTrustProxy)
    // Changing factors needs a signed-in person, not an API key.
    const mine = <A, E, R>(f: (me: CurrentUser["Type"], ip: string | null) => Effect.Effect<A, E, R>) =>
      withPolicy(requireSession)(
        Effect.flatMap(Effect.zip(CurrentUser, client), ([me, from]) => f(me, from.ip))
      ).pipe(withRetryAfter)
    return handlers
      .handle("status", ({ urlParams }) =>
        urlParams.userId === undefined
          ? withPolicy(canRead)(Effect.flatMap(CurrentUser, (me) => mfa.status(me.userId)))
          : withPolicy(any(requireSelf(urlParams.userId), requireAdmin))(mfa.status(urlParams.userId)))
      .handle("totpSetup", () => mine((me) => mfa.totpSetup(me)))
      .handle("totpVerify", ({ payload }) => mine((me, ip) => mfa.totpVerify(me, payload.code, ip)))
      .handle("totpDelete", ({ payload }) => mine((me, ip) => mfa.totpDelete(me, payload, ip)))
      .handle("backupGenerate", () => mine((me) => mfa.backupCodes(me, false)))
      .handle("backupRegenerate", () => mine((me) => mfa.backupCodes(me, true)))
      .handle("enable", () => mine((me) => mfa.enable(me)))
      .handle("disable", ({ payload }) => mine((me, ip) => mfa.disable(me, payload, ip)))
      .handle("webauthnRegisterBegin", () => mine((me) => mfa.registerBegin(me)))
      .handle("webauthnRegisterFinish", ({ payload }) => mine((me) => mfa.registerFinish(me, payload.name, payload.response)))
      .handle("webauthnCredentials", () => mine((me) => mfa.credentials(me)))
      .handle("webauthnRename", ({ path, payload }) => mine((me) => mfa.renameCredential(me, path.credentialId, payload.name)))
      .handle("webauthnDelete", ({ path }) => mine((me) => mfa.deleteCredential(me, path.credentialId)))
  })
)

const MfaLoginHttp = HttpApiBuilder.group(MediaApi, "mfaLogin", (handlers) =>
  Effect.gen(function* () {
    const login = yield* MfaLogin
    const config = yield* AppConfig
    const client = clientInfo(config.authTrustProxy)
    const cookies = cookieSettingsOf(config)
    const answer = (cookie: boolean | undefined) => loginAnswer(cookies, cookie)
    return handlers
      .handle("login", ({ payload }) =>
        answer(payload.cookie)(Effect.flatMap(client, (from) => login.withCode(payload.mfaToken, payload.code, from))))
      .handle("webauthnLoginBegin", ({ payload }) => orUnavailable(login.webauthnBegin(payload.mfaToken)))
      .handle("webauthnLoginFinish", ({ payload }) =>
        answer(payload.cookie)(Effect.flatMap(client, (from) => login.webauthnFinish(payload.mfaToken, payload.response, from))))
  })
)

export const MfaHttpLive = Layer.mergeAll(MfaHttp, MfaLoginHttp)

