/**
 * The REST client, typed by the domain's HTTP API description (no hand-written request shapes).
 * The session lives in HttpOnly cookies set by a cookie login; unsafe requests echo the readable CSRF
 * cookie in the CSRF header. An expired access token is refreshed once (through the refresh cookie)
 * and the call repeated; no token is ever kept by page scripts.
 */
import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { CSRF_COOKIE, CSRF_HEADER, MediaApi } from "@mediaserver/domain"
import { Effect, Either } from "effect"

export const csrfToken = (): string | undefined =>
  document.cookie.split("; ").find((c) => c.startsWith(`${CSRF_COOKIE}=`))?.slice(CSRF_COOKIE.length + 1)

const withCsrf = (client: HttpClient.HttpClient) =>
  HttpClient.mapRequest(client, (request) => {
    const token = csrfToken()
    return token === undefined ? request : HttpClientRequest.setHeader(request, CSRF_HEADER, token)
  })

const makeClient = HttpApiClient.make(MediaApi, { baseUrl: location.origin, transformClient: withCsrf }).pipe(
  Effect.provide(FetchHttpClient.layer)
)
export type Api = Effect.Effect.Success<typeof makeClient>
const api: Api = Effect.runSync(makeClient)

/** A failed call, as the page shows it. */
export interface Failure {
  readonly tag: string
  readonly message: string
}
export type Result<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly error: Failure }

const describe = (error: unknown): Failure => {
  if (typeof error === "object" && error !== null) {
    const tag = "_tag" in error && typeof error._tag === "string" ? error._tag : "Error"
    const message = "message" in error && typeof error.message === "string" && error.message !== "" ? error.message : tag
    if (tag === "RequestError" || tag === "ResponseError") return { tag, message: "The server could not be reached. Check your connection and try again." }
    if (tag === "ParseError") return { tag, message: "The server answered something this page does not understand." }
    return { tag, message }
  }
  return { tag: "Error", message: String(error) }
}

let onSignedOut: () => void = () => {}
/** Called when the session ended and could not be refreshed. */
export const whenSignedOut = (f: () => void) => {
  onSignedOut = f
}

let refreshing: Promise<boolean> | undefined
const refresh = (): Promise<boolean> => {
  refreshing ??= Effect.runPromise(Effect.either(api.auth.refresh({ payload: {} }))).then((r) => {
    refreshing = undefined
    return Either.isRight(r)
  })
  return refreshing
}

const attempt = <A, E>(f: (api: Api) => Effect.Effect<A, E>) => Effect.runPromise(Effect.either(f(api)))

/** Runs one call; on 401 refreshes the session once and repeats it. */
export const call = async <A, E>(f: (api: Api) => Effect.Effect<A, E>): Promise<Result<A>> => {
  let result = await attempt(f)
  if (Either.isLeft(result) && describe(result.left).tag === "Unauthorized" && csrfToken() !== undefined) {
    if (await refresh()) result = await attempt(f)
    else onSignedOut()
  }
  return Either.isRight(result) ? { ok: true, value: result.right } : { ok: false, error: describe(result.left) }
}

/** The image URL of the images pipeline at a width the slot needs. */
export const imageUrl = (type: "poster" | "backdrop" | "logo" | "still" | "profile", size: string, path: string) =>
  `/api/v1/images/${type}/${size}${path.startsWith("/") ? path : `/${path}`}`
