/**
 * A redis-server of our own on a free port (no persistence), for tests and benchmarks that take Redis
 * away: `kill` ends it with SIGKILL, `start` brings a new one up on the same port. The machine's shared
 * Redis is never touched. Stopped (by its pid) when the scope closes.
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as Net from "node:net"
import { Duration, Effect, Scope } from "effect"
import { freePort } from "./NodeProcess.js"
import { eventually } from "./Poll.js"

export interface RedisServer {
  readonly url: string
  /** SIGKILL: gone at once, its data with it. */
  readonly kill: Effect.Effect<void>
  /** A new server on the same port (after `kill`); resolves once it accepts connections. */
  readonly start: Effect.Effect<void, unknown>
}

const accepts = (port: number) =>
  Effect.async<boolean>((resume) => {
    const socket = Net.connect({ host: "127.0.0.1", port })
    socket.once("connect", () => {
      socket.destroy()
      resume(Effect.succeed(true))
    })
    socket.once("error", () => resume(Effect.succeed(false)))
  })

const exited = (child: ChildProcess) =>
  Effect.async<void>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
    child.once("exit", () => resume(Effect.void))
  })

export const redisServer = (binary = "redis-server"): Effect.Effect<RedisServer, unknown, Scope.Scope> =>
  Effect.gen(function* () {
    const port = yield* freePort
    let current: ChildProcess | undefined
    const kill = Effect.suspend(() => {
      const child = current
      current = undefined
      if (child === undefined) return Effect.void
      child.kill("SIGKILL")
      return exited(child)
    })
    const start = Effect.gen(function* () {
      yield* kill
      current = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" })
      yield* eventually(accepts(port), (ok) => ok, { what: `redis-server on port ${port}`, timeout: Duration.seconds(10), interval: Duration.millis(20) })
    })
    yield* Effect.acquireRelease(start, () => kill)
    return { url: `redis://127.0.0.1:${port}`, kill, start }
  })
