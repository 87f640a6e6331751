/**
 * The web client (packages/web, built into WEB_CLIENT_DIR): `/` and the client's own routes answer its
 * index.html (never cached, with the bootstrap JSON filled in); `/assets/*` answers the hashed build
 * files with a year of immutable caching, precompressed (brotli or gzip) when the browser accepts it.
 * Without a build, `/` keeps the page of links.
 */
import { HttpLayerRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { WEB_BOOTSTRAP_ID, WebBootstrap } from "@mediaserver/domain"
import { Config, Effect, Option, Schema } from "effect"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { UsersRepo } from "../auth/UsersRepo.js"
import { Settings } from "../settings/index.js"

const fallbackPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Media server</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}
code{background:#f2f2f2;padding:0 .3em}</style></head>
<body><h1>Media server</h1><p>The server is running; the web client is not built (<code>npm start</code> builds it).</p>
<ul><li><a href="/api/docs">API documentation</a> (<a href="/api/openapi.json">OpenAPI</a>)</li>
<li><a href="/api/v1/system/info">System info</a></li><li><a href="/readyz">Readiness</a></li>
<li><a href="/metrics">Metrics</a></li></ul></body></html>`

/** Paths of the client's router (packages/web/src/routes.ts): a reload or deep link gets index.html. */
const CLIENT_ROUTES: ReadonlyArray<`/${string}`> = ["/login", "/setup", "/register", "/forgot", "/verify-email", "/reset-password", "/search", "/profile", "/library/*", "/movie/*", "/series/*", "/person/*", "/collection/*", "/play/*", "/admin", "/admin/*"]

const IMMUTABLE = "public, max-age=31536000, immutable"
const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
  ".json": "application/json"
}

const readOptional = (path: string) =>
  Effect.promise(() => Fs.readFile(path).then((bytes) => Option.some(new Uint8Array(bytes)), () => Option.none<Uint8Array>()))

const encodeBootstrap = Schema.encodeSync(Schema.parseJson(WebBootstrap))
// "<" never appears raw in the JSON, so it cannot close the script element.
const scriptSafe = (json: string) => json.replace(/</g, "\\u003c")

export const WebClientRoutes = HttpLayerRouter.use((router) =>
  Effect.gen(function* () {
    const dir = Path.resolve(yield* Config.string("WEB_CLIENT_DIR").pipe(Config.withDefault("dist/web")))
    const users = yield* UsersRepo
    const settings = yield* Settings
    // The build is fixed for the life of the process (npm start builds before it starts the server).
    const template = Option.map(yield* readOptional(Path.join(dir, "index.html")), (bytes) => new TextDecoder().decode(bytes))

    const bootstrap = Effect.gen(function* () {
      const exists = yield* users.exists
      const open = yield* settings.get("server", "general.registrationOpen").pipe(
        Effect.map((setting) => setting.value === true),
        Effect.catchTag("NotFound", () => Effect.succeed(false))
      )
      return new WebBootstrap({ firstRun: !exists, registrationOpen: open || !exists })
    })

    const index = Option.match(template, {
      onNone: () => Effect.succeed(HttpServerResponse.text(fallbackPage, { contentType: "text/html; charset=utf-8" })),
      onSome: (html) =>
        bootstrap.pipe(
          Effect.map((boot) =>
            HttpServerResponse.text(
              html.replace(`<script id="${WEB_BOOTSTRAP_ID}" type="application/json"></script>`,
                `<script id="${WEB_BOOTSTRAP_ID}" type="application/json">${scriptSafe(encodeBootstrap(boot))}</script>`),
              { contentType: "text/html; charset=utf-8", headers: { "cache-control": "no-cache" } }
            )),
          Effect.catchAll(() => Effect.succeed(HttpServerResponse.text("The database is not reachable; try again shortly", { status: 503, headers: { "retry-after": "2" } })))
        )
    })

    const asset = Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const name = new URL(request.url, "http://x").pathname.slice("/assets/".length)
      if (!/^[\w.-]+$/.test(name)) return HttpServerResponse.empty({ status: 404 })
      const file = Path.join(dir, "assets", name)
      const contentType = TYPES[Path.extname(name)] ?? "application/octet-stream"
      const accepts = request.headers["accept-encoding"] ?? ""
      for (const [encoding, suffix] of [["br", ".br"], ["gzip", ".gz"]] as const) {
        if (!accepts.includes(encoding)) continue
        const packed = yield* readOptional(file + suffix)
        if (Option.isSome(packed)) {
          return HttpServerResponse.uint8Array(packed.value, {
            contentType,
            headers: { "cache-control": IMMUTABLE, "content-encoding": encoding, vary: "Accept-Encoding" }
          })
        }
      }
      const plain = yield* readOptional(file)
      return Option.match(plain, {
        onNone: () => HttpServerResponse.empty({ status: 404 }),
        onSome: (bytes) => HttpServerResponse.uint8Array(bytes, { contentType, headers: { "cache-control": IMMUTABLE, vary: "Accept-Encoding" } })
      })
    })

    yield* router.add("GET", "/", index)
    for (const path of CLIENT_ROUTES) yield* router.add("GET", path, index)
    yield* router.add("GET", "/assets/*", asset)
  }))
