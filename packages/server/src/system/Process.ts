/**
 * The one runner of media tools to completion (ffprobe for scans, ffmpeg for subtitles): where the
 * binary is, stdout up to a cap, spawn failures told apart from the tool's own failures, and the
 * process killed when the caller is interrupted (a timeout, a closed request). Each caller maps the
 * two kinds of failure to its own tagged errors.
 */
import { Effect } from "effect"
import { spawnTool } from "./Spawner.js"

/** Bytes of stderr kept: its last lines say why a tool failed. */
const STDERR_TAIL = 4096

export interface RunSpec<E1, E2> {
  readonly binary: string
  readonly args: ReadonlyArray<string>
  /** Bytes of stdout kept; more fails the run (a runaway tool must not fill the memory). */
  readonly maxOutput: number
  /** It could not be started (ENOENT, EACCES, EAGAIN): the node's trouble, not the input's. */
  readonly cannotStart: (message: string) => E1
  /** It ran and failed: `stderr` is its tail, `status` what ended it (exit code, signal, output cap). */
  readonly failed: (stderr: string, status: string) => E2
}

/** Runs the tool to completion and returns its stdout (UTF-8). */
export const runToCompletion = <E1, E2>(spec: RunSpec<E1, E2>): Effect.Effect<string, E1 | E2> =>
  Effect.map(runForBytes(spec), (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"))

/** Runs the tool to completion and returns its stdout as bytes (media written to `pipe:1`). */
export const runForBytes = <E1, E2>(spec: RunSpec<E1, E2>): Effect.Effect<Uint8Array, E1 | E2> =>
  Effect.async<Uint8Array, E1 | E2>((resume) => {
    let settled = false
    const settle = (result: Effect.Effect<Uint8Array, E1 | E2>) => {
      if (settled) return
      settled = true
      resume(result)
    }
    const child = spawnTool(spec.binary, spec.args, { stdout: true, stderr: true })
    const out: Array<Buffer> = []
    let size = 0
    let stderr = ""
    let overflow = false
    child.stdout.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > spec.maxOutput) {
        overflow = true
        child.kill("SIGKILL")
      } else {
        out.push(chunk)
      }
    })
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL)))
    child.once("error", (error) => settle(Effect.fail(spec.cannotStart(`cannot run ${spec.binary}: ${error.message}`))))
    // `close`, not `exit`: only then has all of stdout been read.
    child.once("close", (code, signal) => {
      if (overflow) return settle(Effect.fail(spec.failed(stderr, `output over ${spec.maxOutput} bytes`)))
      if (code === 0) return settle(Effect.succeed(new Uint8Array(Buffer.concat(out))))
      settle(Effect.fail(spec.failed(stderr, code === null ? `killed by ${signal ?? "a signal"}` : `exit code ${code}`)))
    })
    return Effect.sync(() => void child.kill("SIGKILL"))
  })
