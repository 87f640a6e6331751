/**
 * A TCP proxy on 127.0.0.1 in front of a real service, to simulate an outage without touching the
 * service itself (never stop the machine's Postgres in a test).
 *
 *   const proxy = yield* TcpProxy.make({ host: "127.0.0.1", port: 5432 })
 *   // point the client at 127.0.0.1:proxy.port
 *   yield* proxy.cut      // every open connection is destroyed, new ones are closed on accept
 *   yield* proxy.restore  // new connections go through again
 *
 * The listening socket and every connection are closed when the scope closes.
 */
import * as Net from "node:net"
import { Data, Effect, Scope } from "effect"

export class TcpProxyError extends Data.TaggedError("TcpProxyError")<{ readonly message: string; readonly cause?: unknown }> {}

export interface TcpProxy {
  readonly host: string
  readonly port: number
  /** Destroys all current connections (both sides) and refuses new ones until `restore`. */
  readonly cut: Effect.Effect<void>
  readonly restore: Effect.Effect<void>
  /** Client connections currently proxied. */
  readonly openConnections: Effect.Effect<number>
  /** Connections accepted since start (including refused ones). */
  readonly acceptedTotal: Effect.Effect<number>
}

export const make = (target: { readonly host: string; readonly port: number }): Effect.Effect<TcpProxy, TcpProxyError, Scope.Scope> =>
  Effect.gen(function*() {
    const sockets = new Set<Net.Socket>()
    const clients = new Set<Net.Socket>()
    let isCut = false
    let accepted = 0

    const destroyAll = () => {
      for (const socket of sockets) socket.destroy()
      sockets.clear()
      clients.clear()
    }

    const server = yield* Effect.acquireRelease(
      Effect.async<Net.Server, TcpProxyError>((resume) => {
        const server = Net.createServer((client) => {
          accepted++
          client.on("error", () => {})
          if (isCut) {
            client.destroy()
            return
          }
          const upstream = Net.connect({ host: target.host, port: target.port })
          upstream.on("error", () => {})
          sockets.add(client)
          sockets.add(upstream)
          clients.add(client)
          const close = () => {
            client.destroy()
            upstream.destroy()
            sockets.delete(client)
            sockets.delete(upstream)
            clients.delete(client)
          }
          client.on("close", close)
          upstream.on("close", close)
          client.pipe(upstream)
          upstream.pipe(client)
        })
        server.once("error", (cause) => resume(Effect.fail(new TcpProxyError({ message: "cannot listen", cause }))))
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
      }),
      (server) =>
        Effect.async<void>((resume) => {
          destroyAll()
          server.close(() => resume(Effect.void))
        })
    )

    const address = server.address()
    if (address === null || typeof address === "string") {
      return yield* new TcpProxyError({ message: `unexpected listen address ${String(address)}` })
    }

    return {
      host: "127.0.0.1",
      port: address.port,
      cut: Effect.sync(() => {
        isCut = true
        destroyAll()
      }),
      restore: Effect.sync(() => {
        isCut = false
      }),
      openConnections: Effect.sync(() => clients.size),
      acceptedTotal: Effect.sync(() => accepted)
    }
  })

/** A proxy in front of the Postgres of `databaseUrl`, and the same URL through it (cut it to lose the database). */
const forDatabase = (databaseUrl: string) =>
  Effect.map(
    Effect.suspend(() => {
      const target = new URL(databaseUrl)
      return make({ host: target.hostname, port: Number(target.port || "5432") })
    }),
    (proxy) => {
      const via = new URL(databaseUrl)
      via.hostname = proxy.host
      via.port = String(proxy.port)
      return { proxy, url: via.toString() }
    }
  )

export const TcpProxy = { make, forDatabase }
