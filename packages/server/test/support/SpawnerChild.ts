/**
 * A stand-in server for the Spawner test: starts a long `sleep` through the process helper, prints its
 * pid, and waits to be killed.
 */
import { spawnTool } from "../../src/system/Spawner.js"

const tool = spawnTool("sleep", ["300"], { stdout: false, stderr: false })
tool.once("spawn", () => process.stdout.write(`${tool.pid}\n`))
setInterval(() => undefined, 60_000)
