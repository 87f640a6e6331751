/**
 * The server as a separate OS process (`node scripts/start.mjs`, what `npm start` runs), for tests of
 * several cluster nodes, process death and the embedded mode. The environment is only what is given
 * (plus PATH), so CI's DATABASE_URL cannot leak in. Killed on scope close.
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as Net from "node:net"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { Data, Duration, Effect, Schedule, Scope } from "effect"

export const repoRoot = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../../..")

export class NodeProcessError extends Data.TaggedError("NodeProcessError")<{ readonly message: string }> {}

export const freePort = Effect.async<number>((resume) => {
  const server = Net.createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

export interface NodeProcess {
  readonly url: string
  readonly child: ChildProcess
  /** Everything the process wrote so far (stdout + stderr). */
  readonly output: () => string
  /** Resolves with the exit code once the process ended. */
  readonly exited: Effect.Effect<number | null>
  readonly signal: (signal: NodeJS.Signals) => Effect.Effect<void>
}

export const spawnNode = (env: Record<string, string>): Effect.Effect<NodeProcess, never, Scope.Scope> =>
  Effect.gen(function* () {
    const port = env.PORT ?? String(yield* freePort)
    const child = yield* Effect.acquireRelease(
      Effect.sync(() =>
        spawn(process.execPath, ["scripts/start.mjs"], {
          cwd: repoRoot,
          env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", LOG_LEVEL: "warn", ...env, PORT: port },
          stdio: ["ignore", "pipe", "pipe"]
        })
      ),
      (child) =>
        Effect.async<void>((resume) => {
          if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
          const timer = setTimeout(() => child.kill("SIGKILL"), 10_000)
          child.once("exit", () => {
            clearTimeout(timer)
            resume(Effect.void)
          })
          child.kill("SIGTERM")
        })
    )
    let output = ""
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()))
    const exited = Effect.async<number | null>((resume) => {
      if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.succeed(child.exitCode))
      child.once("exit", (code) => resume(Effect.succeed(code)))
    })
    return {
      url: `http://127.0.0.1:${port}`,
      child,
      output: () => output,
      exited,
      signal: (signal) => Effect.sync(() => void child.kill(signal))
    }
  })

/** Polls `url` until it answers 200, or fails after `timeout` with the process output. */
export const waitFor200 = (node: NodeProcess, path: string, timeout: Duration.DurationInput = Duration.seconds(30)) =>
  Effect.tryPromise(async () => {
    const res = await fetch(`${node.url}${path}`)
    if (res.status !== 200) throw new Error(`status ${res.status}`)
  }).pipe(
    Effect.retry(Schedule.spaced(Duration.millis(100))),
    Effect.timeoutFail({
      duration: timeout,
      onTimeout: () => new NodeProcessError({ message: `${node.url}${path} not 200 in time; output:\n${node.output()}` })
    })
  )
