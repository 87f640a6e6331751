#!/usr/bin/env node
/**
 * `npm test`: the type check (tsc -b) runs beside the web build and the test suite instead of before
 * them (on 2 cores the suite is CI's long pole); the command fails when either fails. The web client
 * is built before the suite, so no two test files build it at once.
 */
import { spawn } from "node:child_process"

const run = (command, args) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "inherit" })
    child.on("exit", (code, signal) => resolve(code ?? (signal === null ? 1 : 1)))
    child.on("error", () => resolve(1))
  })

const typecheck = run("npx", ["tsc", "-b"])
const built = await run("node", ["scripts/build-web.mjs"])
// --no-isolate: a worker keeps its module graph from one test file to the next (the per-project
// `isolate: false` of the configs is not honoured under the workspace); every file imported the whole
// server again, and collecting was a third of the suite's time.
const tests = built === 0 ? await run("npx", ["vitest", "run", "--maxWorkers=2", "--no-isolate", ...process.argv.slice(2)]) : built
const types = await typecheck
if (types !== 0) console.error("npm test: the type check (tsc -b) failed")
process.exit(tests !== 0 ? tests : types)
