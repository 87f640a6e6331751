/**
 * A TCP proxy that can stall: connections stay open but no byte moves in either direction (a
 * service that hangs rather than refusing), until `resume` forwards what was held back.
 *
 *   const proxy = yield* StallProxy.make({ host: "127.0.0.1", port: 6379 })
 *   yield* proxy.stall    // requests hang: clients see timeouts, not connection errors
 *   yield* proxy.resume
 */
import * as Net from "node:net"
import { Data, Effect, type Scope } from "effect"

export class StallProxyError extends Data.TaggedError("StallProxyError")<{ readonly message: string; readonly cause?: unknown }> {}

export interface StallProxy {
  readonly port: number
  readonly stall: Effect.Effect<void>
  readonly resume: Effect.Effect<void>
}

export const make = (target: { readonly host: string; readonly port: number }): Effect.Effect<StallProxy, StallProxyError, Scope.Scope> =>
  Effect.gen(function*() {
    let stalled = false
    const sockets = new Set<Net.Socket>()
    const held: Array<{ readonly to: Net.Socket; readonly chunk: Buffer }> = []
    const forward = (from: Net.Socket, to: Net.Socket) =>
      from.on("data", (chunk: Buffer) => {
        if (stalled) held.push({ to, chunk })
        else to.write(chunk)
      })

    const server = yield* Effect.acquireRelease(
      Effect.async<Net.Server, StallProxyError>((resume) => {
        const server = Net.createServer((client) => {
          const upstream = Net.connect({ host: target.host, port: target.port })
          for (const socket of [client, upstream]) {
            sockets.add(socket)
            socket.on("error", () => {})
            socket.on("close", () => {
              client.destroy()
              upstream.destroy()
              sockets.delete(socket)
            })
          }
          forward(client, upstream)
          forward(upstream, client)
        })
        server.once("error", (cause) => resume(Effect.fail(new StallProxyError({ message: "cannot listen", cause }))))
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
      }),
      (server) =>
        Effect.async<void>((resume) => {
          for (const socket of sockets) socket.destroy()
          server.close(() => resume(Effect.void))
        })
    )
    const address = server.address()
    if (address === null || typeof address === "string") {
      return yield* new StallProxyError({ message: `unexpected listen address ${String(address)}` })
    }
    return {
      port: address.port,
      stall: Effect.sync(() => {
        stalled = true
      }),
      resume: Effect.sync(() => {
        stalled = false
        for (const { to, chunk } of held.splice(0)) if (!to.destroyed) to.write(chunk)
      })
    }
  })

export const StallProxy = { make }
