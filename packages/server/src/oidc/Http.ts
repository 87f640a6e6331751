/** REST handlers of the OIDC groups: each maps its request onto one operation (Operations.ts). */
import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import { MediaApi } from "@mediaserver/domain"
import { Effect, Layer } from "effect"
import { fromHttpClient, proxyTrust } from "../auth/ClientInfo.js"
import { cookieSettingsOf } from "../auth/Cookies.js"
import { loginAnswer } from "../auth/LoginAnswer.js"
import { AppConfig } from "../config/AppConfig.js"
import { makeOidcAccountOperations, makeOidcOperations } from "./Operations.js"

const OidcHttp = HttpApiBuilder.group(MediaApi, "oidc", (handlers) =>
  Effect.gen(function* () {
    const op = yield* makeOidcOperations
    const config = yield* AppConfig
    const fromClient = fromHttpClient(proxyTrust(config))
    return handlers
      .handle("providers", () => op.OidcProviders())
      .handleRaw("authorize", ({ path }) =>
        Effect.map(op.OidcAuthorize(path), ({ authorizationUrl }) => HttpServerResponse.redirect(authorizationUrl, { status: 302 })))
      .handle("callback", ({ path, urlParams }) =>
        // The browser arrives here from the provider: a login also sets the web client's cookies.
        loginAnswer(cookieSettingsOf(config), true)(fromClient(op.OidcCallback({ ...path, ...urlParams }))))
  })
)

const OidcLinksHttp = HttpApiBuilder.group(MediaApi, "oidcLinks", (handlers) =>
  Effect.map(makeOidcAccountOperations, (op) =>
    handlers
      .handle("list", () => op.OidcLinks())
      .handle("link", ({ path }) => op.OidcLink(path))
      .handle("unlink", ({ path }) => op.OidcUnlink(path))
  ))

const AdminOidcHttp = HttpApiBuilder.group(MediaApi, "adminOidc", (handlers) =>
  Effect.map(makeOidcAccountOperations, (op) =>
    handlers
      .handle("list", () => op.AdminOidcList())
      .handle("get", ({ path }) => op.AdminOidcGet(path))
      .handle("create", ({ payload }) => op.AdminOidcCreate(payload))
      .handle("update", ({ path, payload }) => op.AdminOidcUpdate({ ...path, changes: payload }))
      .handle("delete", ({ path }) => op.AdminOidcDelete(path))
      .handle("enable", ({ path }) => op.AdminOidcEnable(path))
      .handle("disable", ({ path }) => op.AdminOidcDisable(path))
      .handle("setDefault", ({ path }) => op.AdminOidcSetDefault(path))
  ))

export const OidcHttpLive = Layer.mergeAll(OidcHttp, OidcLinksHttp, AdminOidcHttp)
