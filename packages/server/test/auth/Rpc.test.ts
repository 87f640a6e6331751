import { FetchHttpClient } from "@effect/platform"
import { RpcClient, RpcSerialization } from "@effect/rpc"
import { describe, expect, it } from "@effect/vitest"
import { AuthTokens, Forbidden, type MfaRequired, IdentityRpcs, Unauthorized, User, UsersPage } from "@mediaserver/domain"
import { Effect, Exit, Layer, Redacted } from "effect"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"
import { register } from "@mediaserver/testkit/Http"

/** The identity RPCs over HTTP, as the SDK calls them (the SDK's own tests cover its headers option). */
const client = (url: string) =>
  RpcClient.make(IdentityRpcs).pipe(
    Effect.provide(
      RpcClient.layerProtocolHttp({ url: `${url}/rpc` }).pipe(Layer.provide([FetchHttpClient.layer, RpcSerialization.layerNdjson]))
    )
  )

/** Accounts without MFA get a session straight away. */
const session = <E, R>(login: Effect.Effect<AuthTokens | MfaRequired, E, R>) =>
  Effect.filterOrDieMessage(login, (result): result is AuthTokens => result instanceof AuthTokens, "expected a session")

const bearer = (token: Redacted.Redacted<string>) => RpcClient.withHeaders({ authorization: `Bearer ${Redacted.value(token)}` })

describe("identity RPC", () => {
  it.scopedLive("login, me and listUsers with the bearer token; 401 without, 403 for a user", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase()
      yield* register(url, "uma")
      yield* register(url, "victor")
      const rpc = yield* client(url)

      const admin = yield* rpc.AuthLogin({ username: "uma", password: Redacted.make("correct horse battery staple") }).pipe(session)
      expect(admin.user.role).toBe("admin")
      const me = yield* rpc.UsersMe().pipe(bearer(admin.accessToken))
      expect(me).toBeInstanceOf(User)
      expect(me.username).toBe("uma")
      const page = yield* rpc.UsersList({ pageSize: 10 }).pipe(bearer(admin.accessToken))
      expect(page).toBeInstanceOf(UsersPage)
      expect(page.total).toBe(2)

      const anonymous = yield* Effect.exit(rpc.UsersList({}))
      expect(anonymous).toStrictEqual(Exit.fail(new Unauthorized({ message: "Missing credentials: send Authorization: Bearer <token> or X-Api-Key: <key>" })))

      const user = yield* rpc.AuthLogin({ username: "victor", password: Redacted.make("correct horse battery staple") }).pipe(session)
      const forbidden = yield* Effect.flip(rpc.UsersList({}).pipe(bearer(user.accessToken)))
      expect(forbidden).toBeInstanceOf(Forbidden)

      const wrong = yield* Effect.flip(rpc.AuthLogin({ username: "victor", password: Redacted.make("nope") }))
      expect(wrong).toMatchObject({ _tag: "Unauthorized", message: "Invalid username or password" })
    }))
})
