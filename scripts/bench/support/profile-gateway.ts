/**
 * Not a benchmark: where the gateway spends its CPU under load. Starts the real server in this
 * process (fresh Postgres database, LOG_LEVEL=warn), drives one path from a child autocannon and
 * samples this process with the V8 profiler during the measured run only (the warm-up and start-up
 * are left out). Writes the profile to .bench-tmp/ (open it in Chrome DevTools) and prints the top
 * self-time functions and packages to stderr.
 *
 *   npx tsx scripts/bench/support/profile-gateway.ts [PATH] [--auth]   (default /api/v1/system/info)
 *   --auth: registers an account and sends its session token (e.g. for /api/v1/users/me)
 *   env: BENCH_DURATION_S (10), BENCH_CONNECTIONS (50)
 */
import { NodeRuntime } from "@effect/platform-node"
import { Config, Effect, Schema } from "effect"
import * as Fs from "node:fs/promises"
import { Session } from "node:inspector/promises"
import * as Path from "node:path"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"
import { progress } from "../report.js"
import { owner, location, root, selfTimes, table } from "./profile.js"
import { runLoad } from "./load.js"
import { LoadRequest } from "./protocol.js"

/** Registers an account and returns its access token. */
const signIn = (base: string) =>
  Effect.promise(async () => {
    const json = { "content-type": "application/json" }
    const account = { username: "profiler", email: "profiler@example.test", password: "a profiling passphrase" }
    await fetch(`${base}/api/v1/auth/register`, { method: "POST", headers: json, body: JSON.stringify(account) })
    const res = await fetch(`${base}/api/v1/auth/login`, { method: "POST", headers: json, body: JSON.stringify(account) })
    return Schema.decodeUnknownSync(Schema.Struct({ accessToken: Schema.String }))(await res.json()).accessToken
  })

const program = Effect.scoped(
  Effect.gen(function* () {
    const { durationS, connections } = yield* Config.all({
      durationS: Config.number("BENCH_DURATION_S").pipe(Config.withDefault(10)),
      connections: Config.integer("BENCH_CONNECTIONS").pipe(Config.withDefault(50))
    })
    const path = process.argv[2] ?? "/api/v1/system/info"
    const gateway = yield* startServerWithDatabase({ LOG_LEVEL: "warn" })
    const url = `${gateway.url}${path}`
    const headers: Record<string, string> = process.argv[3] === "--auth" ? { authorization: `Bearer ${yield* signIn(gateway.url)}` } : {}

    progress("warm-up (not profiled)")
    yield* runLoad(new LoadRequest({ title: "warm-up", url, connections, durationS: 2, warmupS: 0, headers }))

    const session = new Session()
    session.connect()
    yield* Effect.addFinalizer(() => Effect.sync(() => session.disconnect()))
    yield* Effect.promise(() => session.post("Profiler.enable"))
    yield* Effect.promise(() => session.post("Profiler.setSamplingInterval", { interval: 200 }))
    yield* Effect.promise(() => session.post("Profiler.start"))
    const result = yield* runLoad(new LoadRequest({ title: "profiled", url, connections, durationS, warmupS: 0, headers }))
    const { profile } = yield* Effect.promise(() => session.post("Profiler.stop"))

    const dir = Path.join(root, ".bench-tmp")
    const file = Path.join(dir, `gateway-${new Date().toISOString().replace(/[:.]/g, "-")}.cpuprofile`)
    yield* Effect.promise(async () => {
      await Fs.mkdir(dir, { recursive: true })
      await Fs.writeFile(file, JSON.stringify(profile))
    })

    const byFunction = selfTimes(profile, (f) => `${f.functionName || "(anonymous)"}  ${location(f)}`)
    const totalMs = byFunction.reduce((sum, [, ms]) => sum + ms, 0)
    const idleMs = byFunction.filter(([name]) => name.startsWith("(idle)")).reduce((sum, [, ms]) => sum + ms, 0)
    const busyMs = totalMs - idleMs
    progress(
      `${path}: ${result.rps.toFixed(0)} req/s; profile ${file}: ${totalMs.toFixed(0)} ms sampled, ${idleMs.toFixed(0)} ms idle` +
        ` (percentages below are of the ${busyMs.toFixed(0)} ms busy)`
    )
    table("top self time by function:", byFunction.filter(([name]) => !name.startsWith("(idle)")), busyMs, 30)
    table(
      "top self time by package / file:",
      selfTimes(profile, (f) => owner(f.url, f.functionName)).filter(([name]) => name !== "(idle)"),
      busyMs,
      20
    )
  })
)

NodeRuntime.runMain(program)
