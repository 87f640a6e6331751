/** REST handlers of the MFA groups: each maps its request onto one operation (Operations.ts). */
import { HttpApiBuilder } from "@effect/platform"
import { MediaApi } from "@mediaserver/domain"
import { Effect, Layer } from "effect"
import { fromHttpClient, proxyTrust } from "../auth/ClientInfo.js"
import { cookieSettingsOf } from "../auth/Cookies.js"
import { loginAnswer, withRetryAfter } from "../auth/LoginAnswer.js"
import { AppConfig } from "../config/AppConfig.js"
import { makeMfaLoginOperations, makeMfaOperations } from "./Operations.js"

const MfaHttp = HttpApiBuilder.group(MediaApi, "mfa", (handlers) =>
  Effect.gen(function* () {
    const op = yield* makeMfaOperations
    const fromClient = fromHttpClient(proxyTrust(yield* AppConfig))
    const limited = <A, E, R>(operation: Effect.Effect<A, E, R>) => withRetryAfter(fromClient(operation))
    return handlers
      .handle("status", ({ urlParams }) => op.MfaStatus(urlParams))
      .handle("totpSetup", () => op.MfaTotpSetup())
      .handle("totpVerify", ({ payload }) => limited(op.MfaTotpVerify(payload)))
      .handle("totpDelete", ({ payload }) => Effect.asVoid(limited(op.MfaTotpDelete(payload))))
      .handle("backupGenerate", () => op.MfaBackupGenerate())
      .handle("backupRegenerate", () => op.MfaBackupRegenerate())
      .handle("enable", () => op.MfaEnable())
      .handle("disable", ({ payload }) => limited(op.MfaDisable(payload)))
      .handle("removeAll", ({ payload }) => limited(op.MfaRemoveAll(payload)))
      .handle("webauthnRegisterBegin", () => op.MfaWebAuthnRegisterBegin())
      .handle("webauthnRegisterFinish", ({ payload }) => op.MfaWebAuthnRegisterFinish(payload))
      .handle("webauthnCredentials", () => op.MfaWebAuthnCredentials())
      .handle("webauthnRename", ({ path, payload }) => op.MfaWebAuthnRename({ ...path, ...payload }))
      .handle("webauthnDelete", ({ path }) => op.MfaWebAuthnDelete(path))
  })
)

const MfaLoginHttp = HttpApiBuilder.group(MediaApi, "mfaLogin", (handlers) =>
  Effect.gen(function* () {
    const op = yield* makeMfaLoginOperations
    const config = yield* AppConfig
    const fromClient = fromHttpClient(proxyTrust(config))
    const answer = (cookie: boolean | undefined) => loginAnswer(cookieSettingsOf(config), cookie)
    return handlers
      .handle("login", ({ payload }) => answer(payload.cookie)(fromClient(op.MfaLogin(payload))))
      .handle("webauthnLoginBegin", ({ payload }) => withRetryAfter(fromClient(op.MfaWebAuthnLoginBegin(payload))))
      .handle("webauthnLoginFinish", ({ payload }) => answer(payload.cookie)(fromClient(op.MfaWebAuthnLoginFinish(payload))))
  })
)

export const MfaHttpLive = Layer.mergeAll(MfaHttp, MfaLoginHttp)
