/**
 * The authentication middleware of HttpApi groups and RPC groups. Both only hand the request headers
 * to the one `Authenticator`; what a caller may then do is decided by policies (Policy.ts).
 */
import { HttpServerRequest } from "@effect/platform"
import { Authentication, RpcAuthentication } from "@mediaserver/domain"
import { Effect, Layer } from "effect"
import { noteUser } from "../observability/RequestNote.js"
import { Authenticator } from "./Authenticator.js"

// The HttpApi tries each declared security scheme in turn; both schemes resolve the same headers, so
// the declaration documents the two ways in (OpenAPI) while one code path decides.
export const AuthenticationLive = Layer.effect(
  Authentication,
  Effect.map(Authenticator, (authenticator) => {
    const resolve = Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
      authenticator.authenticate(request.headers, request.method)).pipe(
      // The request's log line names the caller.
      Effect.tap((principal) => noteUser(principal.userId))
    )
    return { bearer: () => resolve, apiKey: () => resolve, cookie: () => resolve }
  })
)

export const RpcAuthenticationLive = Layer.effect(
  RpcAuthentication,
  // RPC requests are POSTs: a cookie-authenticated call always needs the CSRF header.
  Effect.map(Authenticator, (authenticator) => ({ headers }) =>
    Effect.tap(authenticator.authenticate(headers, "POST"), (principal) => noteUser(principal.userId)))
)
