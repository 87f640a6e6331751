/**
 * Every media tool (ffprobe, ffmpeg) is started by one small helper process, not by the server itself.
 *
 * Why: starting a process forks the caller, and a fork copies the caller's page tables while its event
 * loop stands still. The server holds the embedded database's WebAssembly memory (hundreds of MB
 * resident), and one spawn from it measured 157 ms of blocked event loop against 7 ms from a bare
 * Node process: a scan's probes froze every request. The helper is a bare Node process, started
 * once, so each spawn costs the server one IPC message.
 *
 * The helper also keeps tools from outliving the server: when the server goes away (even by SIGKILL)
 * the IPC channel closes, and the helper kills every tool it started and exits.
 *
 * `spawnTool` answers a `ToolProcess` shaped like the subset of Node's ChildProcess that callers use:
 * `stdout`/`stderr` streams, `error`/`exit`/`close` events, `kill(signal)` and `pid` (known once started).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { EventEmitter } from "node:events"
import { PassThrough } from "node:stream"

/** The helper, as plain JavaScript run with `node --input-type=module -e` (no file to locate in a bundle). */
const HELPER = `
import { spawn } from "node:child_process"
const children = new Map()
const send = (message) => { if (process.connected) process.send(message) }
process.on("message", (m) => {
  if (m.t === "spawn") {
    let child
    try {
      child = spawn(m.file, m.args, { stdio: ["ignore", m.stdout ? "pipe" : "ignore", m.stderr ? "pipe" : "ignore"], windowsHide: true })
    } catch (error) {
      send({ t: "error", id: m.id, message: String(error && error.message || error) })
      send({ t: "close", id: m.id, code: null, signal: null })
      return
    }
    children.set(m.id, child)
    if (child.pid !== undefined) send({ t: "spawned", id: m.id, pid: child.pid })
    child.stdout?.on("data", (data) => send({ t: "out", id: m.id, fd: 1, data }))
    child.stderr?.on("data", (data) => send({ t: "out", id: m.id, fd: 2, data }))
    child.once("error", (error) => send({ t: "error", id: m.id, message: error.message }))
    child.once("exit", (code, signal) => send({ t: "exit", id: m.id, code, signal }))
    child.once("close", (code, signal) => { children.delete(m.id); send({ t: "close", id: m.id, code, signal }) })
  } else if (m.t === "kill") {
    try { children.get(m.id)?.kill(m.signal) } catch {}
  }
})
process.on("disconnect", () => {
  for (const child of children.values()) { try { child.kill("SIGKILL") } catch {} }
  process.exit(0)
})
`

type HelperMessage =
  | { readonly t: "spawned"; readonly id: number; readonly pid: number }
  | { readonly t: "out"; readonly id: number; readonly fd: 1 | 2; readonly data: Uint8Array }
  | { readonly t: "error"; readonly id: number; readonly message: string }
  | { readonly t: "exit" | "close"; readonly id: number; readonly code: number | null; readonly signal: NodeJS.Signals | null }

const isHelperMessage = (value: unknown): value is HelperMessage =>
  typeof value === "object" && value !== null && "t" in value && "id" in value && typeof value.id === "number"

export class ToolProcess extends EventEmitter {
  pid: number | undefined = undefined
  exitCode: number | null = null
  signalCode: NodeJS.Signals | null = null
  readonly stdout: PassThrough
  readonly stderr: PassThrough
  private closed = false

  constructor(
    private readonly id: number,
    private readonly helper: Helper
  ) {
    super()
    this.stdout = new PassThrough()
    this.stderr = new PassThrough()
  }

  kill(signal: NodeJS.Signals = "SIGTERM"): boolean {
    if (this.closed) return false
    this.helper.send({ t: "kill", id: this.id, signal })
    return true
  }

  /** @internal */
  deliver(message: HelperMessage): void {
    switch (message.t) {
      case "spawned":
        this.pid = message.pid
        this.emit("spawn")
        return
      case "out":
        ;(message.fd === 1 ? this.stdout : this.stderr).write(Buffer.from(message.data))
        return
      case "error":
        this.emit("error", new Error(message.message))
        return
      case "exit":
        this.exitCode = message.code
        this.signalCode = message.signal
        this.emit("exit", message.code, message.signal)
        return
      case "close":
        this.closed = true
        this.exitCode ??= message.code
        this.signalCode ??= message.signal
        this.stdout.end()
        this.stderr.end()
        // After the streams' last data, as Node's own `close` is.
        setImmediate(() => this.emit("close", this.exitCode, this.signalCode))
        return
    }
  }
}

class Helper {
  private readonly running = new Map<number, ToolProcess>()
  private nextId = 1
  private readonly child: ChildProcess

  constructor(private readonly onGone: () => void) {
    this.child = spawn(process.execPath, ["--input-type=module", "-e", HELPER], {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      serialization: "advanced",
      windowsHide: true
    })
    this.child.on("message", (message: unknown) => {
      if (!isHelperMessage(message)) return
      const tool = this.running.get(message.id)
      if (tool === undefined) return
      if (message.t === "close") this.running.delete(message.id)
      tool.deliver(message)
      this.refCount()
    })
    // A helper that died takes its tools with it (it kills them on disconnect): tell their callers.
    this.child.once("exit", () => {
      this.onGone()
      for (const [id, tool] of this.running) {
        tool.deliver({ t: "error", id, message: "the process helper ended" })
        tool.deliver({ t: "close", id, code: null, signal: "SIGKILL" })
      }
      this.running.clear()
    })
    this.refCount()
  }

  spawn(file: string, args: ReadonlyArray<string>, pipes: { readonly stdout: boolean; readonly stderr: boolean }): ToolProcess {
    const id = this.nextId++
    const tool = new ToolProcess(id, this)
    this.running.set(id, tool)
    this.send({ t: "spawn", id, file, args: [...args], ...pipes })
    this.refCount()
    return tool
  }

  send(message: object): void {
    if (this.child.connected) this.child.send(message)
  }

  /** The helper keeps the server alive only while tools run (an idle server exits when it is done). */
  private refCount(): void {
    if (this.running.size > 0) {
      this.child.ref()
      this.child.channel?.ref()
    } else {
      this.child.unref()
      this.child.channel?.unref()
    }
  }
}

let helper: Helper | undefined

/** Starts `file` with `args` through the helper; stdin is ignored, stdout/stderr piped when asked. */
export const spawnTool = (
  file: string,
  args: ReadonlyArray<string>,
  pipes: { readonly stdout: boolean; readonly stderr: boolean }
): ToolProcess => {
  helper ??= new Helper(() => {
    helper = undefined
  })
  return helper.spawn(file, args, pipes)
}
