/**
 * Child process: the floor of any Effect HTTP app on this machine. The same canned responses as the
 * bare server, served by @effect/platform's HttpServer on NodeHttpServer with nothing else (no
 * router, no middleware, no request spans). The gateway cannot be cheaper than this per request.
 */
import { HttpMiddleware, HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Effect, Layer, Schema } from "effect"
import { createServer } from "node:http"
import { BareRoutesJson } from "./protocol.js"

const routes = new Map(
  Object.entries(Schema.decodeUnknownSync(BareRoutesJson)(process.env["BARE_ROUTES"])).map(([path, response]) => [
    path,
    HttpServerResponse.text(response.body, { status: response.status, headers: response.headers, contentType: response.headers["content-type"] })
  ])
)

const app = Effect.map(HttpServerRequest.HttpServerRequest, (request) =>
  routes.get(request.url) ?? HttpServerResponse.empty({ status: 404 })
)

const server = createServer()
const main = HttpServer.serve(app).pipe(
  Layer.provide(Layer.locallyScoped(HttpMiddleware.currentTracerDisabledWhen, () => true)),
  Layer.provide(NodeHttpServer.layer(() => server, { port: 0, host: "127.0.0.1" }))
)

Effect.runFork(Layer.launch(main))
server.once("listening", () => {
  const address = server.address()
  if (address !== null && typeof address !== "string") process.send?.({ _tag: "Listening", port: address.port })
})
const close = () => process.exit(0)
process.once("disconnect", close)
process.once("SIGTERM", close)
