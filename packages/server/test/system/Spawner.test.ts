import { describe, expect, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import * as Path from "node:path"
import { once } from "node:events"
import { spawnTool, type ToolProcess } from "../../src/system/Spawner.js"
import { repoRoot } from "@mediaserver/testkit/NodeProcess"

const collect = (tool: ToolProcess) =>
  new Promise<{ stdout: string; stderr: string; code: number | null; signal: string | null }>((resolve) => {
    let stdout = ""
    let stderr = ""
    tool.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    tool.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    tool.once("close", (code: number | null, signal: string | null) => resolve({ stdout, stderr, code, signal }))
  })

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const pollUntil = async (check: () => boolean, deadlineMs: number) => {
  const deadline = Date.now() + deadlineMs
  while (!check()) {
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return true
}

describe("process helper (system/Spawner)", () => {
  it("runs tools to completion with their output, exit codes and signals", async () => {
    const ok = await collect(spawnTool("sh", ["-c", "printf 'out'; printf 'err' >&2"], { stdout: true, stderr: true }))
    expect(ok).toEqual({ stdout: "out", stderr: "err", code: 0, signal: null })
    const failed = await collect(spawnTool("sh", ["-c", "exit 3"], { stdout: true, stderr: true }))
    expect(failed.code).toBe(3)

    const big = await collect(spawnTool("head", ["-c", "3000000", "/dev/zero"], { stdout: true, stderr: false }))
    expect(big.stdout.length).toBe(3_000_000)

    const sleeper = spawnTool("sleep", ["30"], { stdout: false, stderr: false })
    await once(sleeper, "spawn")
    expect(sleeper.pid).toBeGreaterThan(0)
    const ended = collect(sleeper)
    sleeper.kill("SIGKILL")
    expect((await ended).signal).toBe("SIGKILL")
  })

  it("reports a tool that cannot start as an error, then closes", async () => {
    const missing = spawnTool("/nonexistent/ffprobe", [], { stdout: true, stderr: true })
    const [error] = await once(missing, "error")
    expect(String(error)).toMatch(/ENOENT/)
    await once(missing, "close")
  })

  it("suspends and resumes a tool by signal", async () => {
    const counter = spawnTool("sh", ["-c", "i=0; while [ $i -lt 400 ]; do echo $i; i=$((i+1)); sleep 0.01; done"], { stdout: true, stderr: false })
    let lines = 0
    counter.stdout.on("data", (chunk: Buffer) => (lines += chunk.toString().split("\n").length - 1))
    await pollUntil(() => lines > 5, 10_000)
    counter.kill("SIGSTOP")
    await new Promise((resolve) => setTimeout(resolve, 300))
    const stopped = lines
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(lines).toBe(stopped)
    counter.kill("SIGCONT")
    expect(await pollUntil(() => lines > stopped, 10_000)).toBe(true)
    counter.kill("SIGKILL")
    await once(counter, "close")
  })

  it("kills the tools of a server that was killed with SIGKILL", async () => {
    const server = spawn(process.execPath, ["--import", "tsx", Path.join(repoRoot, "packages/server/test/support/SpawnerChild.ts")], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "inherit"]
    })
    const [chunk] = await once(server.stdout, "data")
    const toolPid = Number.parseInt(String(chunk), 10)
    expect(alive(toolPid)).toBe(true)
    server.kill("SIGKILL")
    await once(server, "exit")
    expect(await pollUntil(() => !alive(toolPid), 10_000)).toBe(true)
  }, 30_000)
})
