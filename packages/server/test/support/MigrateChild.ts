/**
 * A separate process running `migrate` against `argv[2]` (a Postgres URL), so tests can race two real
 * processes. Protocol on stdio: prints `READY` once its pool is open, waits for a line on stdin, migrates,
 * then prints `RESULT <json of the applied migrations>` and exits 0 (non-zero on failure).
 *
 *   node --import tsx packages/server/test/support/MigrateChild.ts postgres://...
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Logger, LogLevel } from "effect"
import { migrate } from "../../src/db/Migrations.js"
import { databaseLayer } from "@mediaserver/testkit/DatabaseLayer"

const url = process.argv[2] ?? ""

const goSignal = Effect.async<void>((resume) => {
  process.stdin.once("data", () => resume(Effect.void))
})

const program = Effect.gen(function*() {
  yield* Console.log("READY")
  yield* goSignal
  const applied = yield* migrate
  yield* Console.log(`RESULT ${JSON.stringify(applied)}`)
}).pipe(
  Effect.provide(databaseLayer(url)),
  Logger.withMinimumLogLevel(LogLevel.Warning),
  Effect.ensuring(Effect.sync(() => process.stdin.destroy()))
)

NodeRuntime.runMain(program)
