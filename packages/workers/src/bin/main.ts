/** `npm start`: one process, every role, embedded defaults unless DATABASE_URL is set. */
import { NodeRuntime } from "@effect/platform-node"
import { Cause, Console, Effect, Exit, Layer, Option, Predicate } from "effect"
import { AppConfig, formatConfigError } from "@mediaserver/server/config"
import { makeNodeLive } from "@mediaserver/server"
import { WorkersLive } from "../index.js"

/** The whole node: the application (server) plus background execution (workers). */
const MainLive = makeNodeLive(WorkersLive).pipe(Layer.provideMerge(AppConfig.layer))

/** One line for an expected failure (a StartupError names its component); the full cause otherwise. */
const explain = (cause: Cause.Cause<unknown>): string =>
  Option.match(Cause.failureOption(cause), {
    onNone: () => Cause.pretty(cause),
    onSome: (error) =>
      Predicate.hasProperty(error, "component") && Predicate.hasProperty(error, "message")
        ? `${String(error.component)}: ${String(error.message)}`
        : String(error)
  })

Layer.launch(MainLive).pipe(
  Effect.catchTag("ConfigError", (error) =>
    Effect.zipRight(Console.error(formatConfigError(error)), Effect.failCause(Cause.empty))
  ),
  Effect.tapErrorCause((cause) =>
    Cause.isEmpty(cause) || Cause.isInterruptedOnly(cause) ? Effect.void : Console.error(`Start-up failed: ${explain(cause)}`)
  ),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    // The node's own logger (LOG_FORMAT) writes every entry once; runMain's pretty logger would add a
    // second, multi-line copy of each.
    disablePrettyLogger: true,
    // A config error ends with an empty cause (already printed); the default teardown counts an empty
    // cause as "interrupted only" and exits 0.
    teardown: (exit, onExit) =>
      onExit(Exit.isFailure(exit) && (Cause.isEmpty(exit.cause) || !Cause.isInterruptedOnly(exit.cause)) ? 1 : 0)
  })
)
