/**
 * Child processes for benchmarks: the load generator and baseline servers run in their own process
 * (own event loop, own core), never in the process of the server under test.
 * Children run TypeScript through tsx's loader (module loading only), print to our stderr (stdout is
 * reserved for figures) and talk to us over IPC.
 */
import { fork, type ChildProcess } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { Data, Duration, Effect, ParseResult, Schema, type Scope } from "effect"

export class ChildError extends Data.TaggedError("ChildError")<{ readonly script: string; readonly message: string }> {}

const here = Path.dirname(fileURLToPath(import.meta.url))
const root = Path.resolve(here, "../../..")

const exited = (child: ChildProcess): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
    const onExit = () => resume(Effect.void)
    child.once("exit", onExit)
    return Effect.sync(() => child.off("exit", onExit))
  })

/** SIGTERM, then SIGKILL if the child has not exited within 5 s. */
const stop = (child: ChildProcess): Effect.Effect<void> =>
  Effect.suspend(() => {
    if (child.exitCode !== null || child.signalCode !== null) return Effect.void
    child.kill("SIGTERM")
    return exited(child).pipe(
      Effect.timeoutTo({ duration: Duration.seconds(5), onSuccess: () => true, onTimeout: () => false }),
      Effect.flatMap((done) => (done ? Effect.void : Effect.zipRight(Effect.sync(() => child.kill("SIGKILL")), exited(child))))
    )
  })

/** Starts `support/<name>.ts` as a child process; it is stopped (and awaited) when the scope closes. */
export const forkScript = (
  name: string,
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>> = {}
): Effect.Effect<ChildProcess, ChildError, Scope.Scope> => {
  const script = Path.join(here, `${name}.ts`)
  return Effect.acquireRelease(
    Effect.try({
      try: () =>
        fork(script, [...args], {
          cwd: root,
          execArgv: ["--import", "tsx"],
          env: { ...process.env, ...env },
          stdio: ["ignore", 2, 2, "ipc"]
        }),
      catch: (cause) => new ChildError({ script: name, message: `could not start: ${String(cause)}` })
    }),
    stop
  )
}

/** The child's first IPC message, decoded; fails if it exits or errs first. */
export const awaitMessage = <A, I>(
  name: string,
  child: ChildProcess,
  schema: Schema.Schema<A, I>
): Effect.Effect<A, ChildError> =>
  Effect.async<unknown, ChildError>((resume) => {
    const onMessage = (message: unknown) => resume(Effect.succeed(message))
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      resume(new ChildError({ script: name, message: `exited (code ${code}, signal ${signal}) before reporting` }))
    const onError = (error: Error) => resume(new ChildError({ script: name, message: error.message }))
    child.once("message", onMessage)
    child.once("exit", onExit)
    child.once("error", onError)
    return Effect.sync(() => {
      child.off("message", onMessage)
      child.off("exit", onExit)
      child.off("error", onError)
    })
  }).pipe(
    Effect.flatMap((message) =>
      Schema.decodeUnknown(schema)(message).pipe(
        Effect.mapError(
          (error) =>
            new ChildError({ script: name, message: `unexpected message: ${ParseResult.TreeFormatter.formatErrorSync(error)}` })
        )
      )
    )
  )

/** Waits for the child to exit by itself and fails unless it exited with code 0. */
export const awaitSuccess = (name: string, child: ChildProcess): Effect.Effect<void, ChildError> =>
  Effect.zipRight(
    exited(child),
    Effect.suspend(() =>
      child.exitCode === 0
        ? Effect.void
        : new ChildError({ script: name, message: `exited with code ${child.exitCode}, signal ${child.signalCode}` })
    )
  )
