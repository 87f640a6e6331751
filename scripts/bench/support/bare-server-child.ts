/**
 * Child process: a bare `node:http` server on 127.0.0.1 (free port) answering canned responses
 * (env BARE_ROUTES, JSON: path => { status, headers, body }); 404 otherwise. Sends
 * `{ _tag: "Listening", port }` over IPC, and exits when the parent goes away or sends SIGTERM.
 */
import { createServer } from "node:http"
import { Schema } from "effect"
import { BareRoutesJson } from "./protocol.js"

const routes = new Map(
  Object.entries(Schema.decodeUnknownSync(BareRoutesJson)(process.env["BARE_ROUTES"])).map(([path, response]) => {
    const body = Buffer.from(response.body)
    return [path, { status: response.status, headers: { ...response.headers, "content-length": String(body.length) }, body }]
  })
)

const server = createServer((req, res) => {
  const route = req.url === undefined ? undefined : routes.get(req.url)
  if (route === undefined) {
    res.writeHead(404, { "content-length": "0" })
    res.end()
    return
  }
  res.writeHead(route.status, route.headers)
  res.end(route.body)
})

server.listen(0, "127.0.0.1", () => {
  const address = server.address()
  if (address === null || typeof address === "string") throw new Error("bare server: no TCP address")
  process.send?.({ _tag: "Listening", port: address.port })
})

const close = () => {
  server.close()
  server.closeAllConnections()
  if (process.connected) process.disconnect()
}
process.once("disconnect", close)
process.once("SIGTERM", close)
