/**
 * Which methods each path of the node answers (for 405 with `Allow`, and OPTIONS), and which body types
 * each REST operation takes (for 415). The router keeps its table to itself, so the index records every
 * route as it is added: `RouteIndex.layer` stands in for the router of the routes it is provided to.
 */
import { HttpApi, HttpLayerRouter } from "@effect/platform"
import { MediaApi } from "@mediaserver/domain"
import { Context, Effect, Layer } from "effect"

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const

export class RouteIndex extends Context.Tag("@mediaserver/http/RouteIndex")<
  RouteIndex,
  {
    /** Methods answered at the request's path (GET implies HEAD); empty: no such path. */
    readonly allowed: (url: string) => ReadonlyArray<string>
  }
>() {
  /** The router every route layer sees, recording into the index, and the index itself. */
  static readonly layer: Layer.Layer<HttpLayerRouter.HttpRouter | RouteIndex, never, HttpLayerRouter.HttpRouter> =
    Layer.effectContext(Effect.map(HttpLayerRouter.HttpRouter, (router) => {
      const table = HttpLayerRouter.FindMyWay.make<true>()
      const record = (method: string, path: HttpLayerRouter.PathInput) =>
        method === "*" ? table.all(path, true) : table.on(method, path, true)
      const wrap = (inner: HttpLayerRouter.HttpRouter, prefix: string): HttpLayerRouter.HttpRouter => {
        const full = (path: HttpLayerRouter.PathInput): HttpLayerRouter.PathInput => {
          const joined = prefix === "" ? path : HttpLayerRouter.prefixPath(path, prefix)
          return joined.startsWith("/") ? `/${joined.slice(1)}` : "*"
        }
        return {
          ...inner,
          prefixed: (next) => wrap(inner.prefixed(next), HttpLayerRouter.prefixPath(prefix, next)),
          add: (method, path, handler, options) =>
            Effect.zipRight(Effect.sync(() => record(method, full(path))), inner.add(method, path, handler, options)),
          addAll: (routes) =>
            Effect.zipRight(Effect.sync(() => routes.forEach((route) => record(route.method, full(route.path)))), inner.addAll(routes))
        }
      }
      const allowed = (url: string) => {
        const found = METHODS.filter((method) => table.find(method, url) !== undefined)
        return found.includes("GET") ? [...found, "HEAD"] : found
      }
      return Context.make(HttpLayerRouter.HttpRouter, wrap(router, "")).pipe(Context.add(RouteIndex, { allowed }))
    }))
}

const BODYLESS = new Set(["GET", "HEAD", "OPTIONS"])
/** What an HTML form can send: never a body our operations take, whatever they declare. */
const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain", ""])

interface BodyRule {
  readonly types: ReadonlyArray<string>
  /** A raw upload (the avatar): any type but a form's; the operation checks the bytes. */
  readonly binary: boolean
}

/**
 * Body types of each REST operation, from the API description: a JSON operation takes
 * `application/json` only, so a form another site posts (urlencoded, multipart, text/plain) gets 415
 * before any handler runs. Operations without a declared body take JSON too.
 */
const bodyRules = (() => {
  const table = HttpLayerRouter.FindMyWay.make<BodyRule>()
  HttpApi.reflect(MediaApi, {
    onGroup: () => {},
    onEndpoint: ({ endpoint, payloads }) => {
      if (BODYLESS.has(endpoint.method)) return
      const types = [...payloads.keys()]
      const binary = [...payloads.values()].some((payload) => payload.encoding.kind === "Uint8Array")
      table.on(endpoint.method, endpoint.path, { types: types.length === 0 ? ["application/json"] : types, binary })
    }
  })
  return table
})()

/**
 * Whether the REST operation at `method url` takes a body of `mediaType`: undefined when it does (or
 * the path is no REST operation), else the types it takes.
 */
export const refusedBodyType = (method: string, url: string, mediaType: string): ReadonlyArray<string> | undefined => {
  const rule = bodyRules.find(method, url)?.handler
  if (rule === undefined) return undefined
  const ok = rule.binary ? !FORM_TYPES.has(mediaType) : rule.types.includes(mediaType)
  return ok ? undefined : rule.types
}
