/**
 * A small, real OpenID Connect provider on 127.0.0.1 for tests: discovery, JWKS, an authorization
 * endpoint that "signs in" whoever the test names next (302 back with code and state), and a token
 * endpoint that checks the client secret, redirect URI and PKCE verifier, refuses a code used before,
 * and issues an RS256 ID token (jose) carrying the request's nonce.
 */
import { Effect, type Scope } from "effect"
import { exportJWK, generateKeyPair, SignJWT } from "jose"
import { createHash, randomBytes } from "node:crypto"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"

export interface ProviderUser {
  readonly sub: string
  readonly preferred_username?: string
  readonly email?: string
  readonly name?: string
  readonly groups?: ReadonlyArray<string>
}

interface Grant {
  readonly clientId: string
  readonly redirectUri: string
  readonly challenge: string
  readonly nonce: string
  readonly user: ProviderUser
  used: boolean
}

export interface TestOidcProvider {
  readonly issuer: string
  readonly clientId: string
  readonly clientSecret: string
  /** Who signs in at the next authorization request. */
  signInAs: (user: ProviderUser) => void
  /** Put this nonce in ID tokens instead of the requested one (a token minted for another login). */
  forgeNonce: (nonce: string | undefined) => void
  /** Token requests that presented a code already used. */
  readonly replayedCodes: () => number
}

const body = (request: IncomingMessage) =>
  new Promise<URLSearchParams>((resolve, reject) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => resolve(new URLSearchParams(Buffer.concat(chunks).toString("utf8"))))
    request.on("error", reject)
  })

const json = (response: ServerResponse, status: number, value: unknown) => {
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" })
  response.end(JSON.stringify(value))
}

export const startOidcProvider = (): Effect.Effect<TestOidcProvider, never, Scope.Scope> =>
  Effect.gen(function* () {
    const { privateKey, publicKey } = yield* Effect.promise(() => generateKeyPair("RS256"))
    const jwk = { ...(yield* Effect.promise(() => exportJWK(publicKey))), kid: "test-key", alg: "RS256", use: "sig" }
    const clientId = "media-server"
    const clientSecret = randomBytes(16).toString("hex")
    const grants = new Map<string, Grant>()
    let next: ProviderUser = { sub: "nobody" }
    let forgedNonce: string | undefined
    let replays = 0
    let issuer = ""

    const token = async (request: IncomingMessage, response: ServerResponse) => {
      const form = await body(request)
      const basic = request.headers.authorization?.startsWith("Basic ")
        ? Buffer.from(request.headers.authorization.slice(6), "base64").toString().split(":").map(decodeURIComponent)
        : []
      const [id, secret] = basic.length === 2 ? basic : [form.get("client_id"), form.get("client_secret")]
      if (id !== clientId || secret !== clientSecret) return json(response, 401, { error: "invalid_client" })
      const grant = grants.get(form.get("code") ?? "")
      if (grant === undefined) return json(response, 400, { error: "invalid_grant", error_description: "unknown code" })
      if (grant.used) {
        replays++
        return json(response, 400, { error: "invalid_grant", error_description: "code already used" })
      }
      grant.used = true
      if (grant.redirectUri !== form.get("redirect_uri")) return json(response, 400, { error: "invalid_grant", error_description: "redirect_uri" })
      const verifier = form.get("code_verifier") ?? ""
      if (createHash("sha256").update(verifier).digest("base64url") !== grant.challenge) {
        return json(response, 400, { error: "invalid_grant", error_description: "PKCE verification failed" })
      }
      const idToken = await new SignJWT({ ...grant.user, nonce: forgedNonce ?? grant.nonce })
        .setProtectedHeader({ alg: "RS256", kid: jwk.kid })
        .setIssuer(issuer)
        .setAudience(clientId)
        .setSubject(grant.user.sub)
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(privateKey)
      json(response, 200, { access_token: randomBytes(16).toString("hex"), token_type: "Bearer", expires_in: 300, id_token: idToken })
    }

    const handle = (request: IncomingMessage, response: ServerResponse) => {
      const url = new URL(request.url ?? "/", issuer)
      switch (url.pathname) {
        case "/.well-known/openid-configuration":
          return json(response, 200, {
            issuer,
            authorization_endpoint: `${issuer}/authorize`,
            token_endpoint: `${issuer}/token`,
            jwks_uri: `${issuer}/jwks`,
            response_types_supported: ["code"],
            subject_types_supported: ["public"],
            id_token_signing_alg_values_supported: ["RS256"],
            code_challenge_methods_supported: ["S256"],
            token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"]
          })
        case "/jwks":
          return json(response, 200, { keys: [jwk] })
        case "/authorize": {
          const q = url.searchParams
          if (q.get("client_id") !== clientId || q.get("response_type") !== "code" || q.get("code_challenge_method") !== "S256") {
            return json(response, 400, { error: "invalid_request" })
          }
          const code = randomBytes(16).toString("hex")
          const redirectUri = q.get("redirect_uri") ?? ""
          grants.set(code, { clientId, redirectUri, challenge: q.get("code_challenge") ?? "", nonce: q.get("nonce") ?? "", user: next, used: false })
          const back = new URL(redirectUri)
          back.searchParams.set("code", code)
          back.searchParams.set("state", q.get("state") ?? "")
          response.writeHead(302, { location: back.href })
          return response.end()
        }
        case "/token":
          if (request.method === "POST") return void token(request, response).catch(() => json(response, 500, { error: "server_error" }))
      }
      json(response, 404, { error: "not_found" })
    }

    const server = createServer(handle)
    yield* Effect.acquireRelease(
      Effect.async<void>((resume) => void server.listen(0, "127.0.0.1", () => resume(Effect.void))),
      () => Effect.async<void>((resume) => void server.close(() => resume(Effect.void)))
    )
    const address = server.address()
    issuer = `http://127.0.0.1:${address !== null && typeof address === "object" ? address.port : 0}`
    return {
      issuer,
      clientId,
      clientSecret,
      signInAs: (user) => {
        next = user
      },
      forgeNonce: (nonce) => {
        forgedNonce = nonce
      },
      replayedCodes: () => replays
    }
  })
