/** REST handlers of the OIDC groups: each maps its request onto one operation (Operations.ts). */
import { HttpApiBuilder, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { AuthTokens, MediaApi } from "@mediaserver/domain"
import { Effect, Layer } from "effect"
import { fromHttpClient } from "../auth/ClientInfo.js"
import { cookieSettingsOf } from "../auth/Cookies.js"
import { loginAnswer } from "../auth/LoginAnswer.js"
import { AppConfig } from "../config/AppConfig.js"
import { makeOidcAccountOperations, makeOidcOperations } from "./Operations.js"

/** A top-level browser navigation asks for HTML first; API clients ask for JSON or anything. */
const wantsPage = (request: HttpServerRequest.HttpServerRequest) => (request.headers["accept"] ?? "").includes("text/html")

const messageOf = (error: { readonly _tag: string }) =>
  "message" in error && typeof error.message === "string" && error.message !== "" ? error.message : error._tag

const OidcHttp = HttpApiBuilder.group(MediaApi, "oidc", (handlers) =>
  Effect.gen(function* () {
    const op = yield* makeOidcOperations
    const config = yield* AppConfig
    const fromClient = fromHttpClient(config.authTrustProxy)
    return handlers
      .handle("providers", () => op.OidcProviders())
      .handleRaw("authorize", ({ path }) =>
        Effect.map(op.OidcAuthorize(path), ({ authorizationUrl }) => HttpServerResponse.redirect(authorizationUrl, { status: 302 })))
      .handleRaw("callback", ({ path, request, urlParams }) => {
        // The browser arrives here from the provider: a login also sets the web client's cookies.
        const answer = loginAnswer(cookieSettingsOf(config), true)(fromClient(op.OidcCallback({ ...path, ...urlParams })))
        if (!wantsPage(request)) return answer
        // A browser that followed the provider's redirect gets a page of the client, not JSON: home after a
        // login, the profile after linking an account, the sign-in page naming what went wrong otherwise.
        return answer.pipe(
          Effect.map((result) => HttpServerResponse.redirect(result instanceof AuthTokens ? "/" : "/profile", { status: 303 })),
          Effect.catchAll((error) =>
            Effect.succeed(HttpServerResponse.redirect(`/login?sso_error=${encodeURIComponent(messageOf(error))}`, { status: 303 })))
        )
      })
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
