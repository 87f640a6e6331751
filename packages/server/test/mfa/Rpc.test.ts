import { FetchHttpClient } from "@effect/platform"
import { RpcClient, RpcSerialization } from "@effect/rpc"
import { describe, expect, it } from "@effect/vitest"
import { AuthTokens, IdentityRpcs, MfaLoginRpcs, MfaRequired, MfaRpcs, OidcAccountRpcs, OidcRpcs, Unauthorized } from "@mediaserver/domain"
import { Effect, Layer, Redacted } from "effect"
import { startOidcProvider } from "../support/OidcProvider.js"
import { PASSWORD, register } from "@mediaserver/testkit/Http"
import { callbackFrom } from "../oidc/Oidc.js"
import { codeAt, startMfaServer } from "./Mfa.js"

const client = (url: string) =>
  RpcClient.make(IdentityRpcs.merge(MfaRpcs, MfaLoginRpcs, OidcRpcs, OidcAccountRpcs)).pipe(
    Effect.provide(RpcClient.layerProtocolHttp({ url: `${url}/rpc` }).pipe(Layer.provide([FetchHttpClient.layer, RpcSerialization.layerNdjson])))
  )
const bearer = (token: Redacted.Redacted<string>) => RpcClient.withHeaders({ authorization: `Bearer ${Redacted.value(token)}` })

describe("MFA and OIDC over RPC", () => {
  it.scopedLive("TOTP setup and verify, a login answering MfaRequired, completed with a code; OIDC admin, authorize and callback", () =>
    Effect.gen(function* () {
      const { url } = yield* startMfaServer()
      yield* register(url, "rpcuser")
      const rpc = yield* client(url)
      const first = yield* rpc.AuthLogin({ username: "rpcuser", password: Redacted.make(PASSWORD) })
      if (!(first instanceof AuthTokens)) return yield* Effect.dieMessage("expected a session")
      const auth = bearer(first.accessToken)

      const setup = yield* rpc.MfaTotpSetup().pipe(auth)
      const secret = Redacted.value(setup.secret)
      expect((yield* rpc.MfaTotpVerify({ code: codeAt(secret, 0) }).pipe(auth)).enabled).toBe(true)
      expect((yield* rpc.MfaStatus({}).pipe(auth)).totp).toBe(true)

      const challenge = yield* rpc.AuthLogin({ username: "rpcuser", password: Redacted.make(PASSWORD) })
      if (!(challenge instanceof MfaRequired)) return yield* Effect.dieMessage("expected an MFA challenge")
      expect(challenge.methods).toEqual(["totp"])
      const wrong = yield* Effect.flip(rpc.MfaLogin({ mfaToken: challenge.mfaToken, code: "000000" }))
      expect(wrong).toBeInstanceOf(Unauthorized)
      const done = yield* rpc.MfaLogin({ mfaToken: challenge.mfaToken, code: codeAt(secret, 30) })
      expect(done.user.username).toBe("rpcuser")

      // OIDC: the first account is the admin.
      const idp = yield* startOidcProvider()
      const provider = yield* rpc.AdminOidcCreate({
        slug: "rpc-idp", name: "RPC IdP", issuer: idp.issuer, clientId: idp.clientId, clientSecret: Redacted.make(idp.clientSecret)
      }).pipe(bearer(done.accessToken))
      expect(provider.hasClientSecret).toBe(true)
      expect((yield* rpc.OidcProviders()).map((p) => p.slug)).toEqual(["rpc-idp"])
      idp.signInAs({ sub: "rpc-1", preferred_username: "viarpc", email: "viarpc@idp.test" })
      const { authorizationUrl } = yield* rpc.OidcAuthorize({ provider: "rpc-idp" })
      const params = new URL(yield* callbackFrom(authorizationUrl), url).searchParams
      const signedIn = yield* rpc.OidcCallback({ provider: "rpc-idp", code: params.get("code") ?? "", state: params.get("state") ?? "" })
      if (!(signedIn instanceof AuthTokens)) return yield* Effect.dieMessage("expected a session")
      expect(signedIn.user.username).toBe("viarpc")
      expect((yield* rpc.OidcLinks().pipe(bearer(signedIn.accessToken))).map((l) => l.subject)).toEqual(["rpc-1"])

      // Every factor off at once with the password; then the password alone signs in.
      const cleared = yield* rpc.MfaRemoveAll({ password: Redacted.make(PASSWORD) }).pipe(bearer(done.accessToken))
      expect(cleared).toMatchObject({ enabled: false, totp: false, backupCodesRemaining: 0 })
      expect(yield* rpc.AuthLogin({ username: "rpcuser", password: Redacted.make(PASSWORD) })).toBeInstanceOf(AuthTokens)
    }))
})
