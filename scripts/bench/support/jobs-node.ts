/**
 * A whole node (server + workers) in this process, on the database and cluster settings given. Used by
 * the `jobs` benchmark.
 */
import { HttpServer } from "@effect/platform"
import { Context, Effect, Layer, type Scope } from "effect"
import { testNode } from "@mediaserver/testkit/TestServer"
import { WorkersLive } from "@mediaserver/workers"

export const startNode = (env: Record<string, string>) =>
  Effect.gen(function* () {
    const context = yield* Layer.build(testNode({ LOG_LEVEL: "warn", ...env }, WorkersLive))
    const server = Context.get(context, HttpServer.HttpServer)
    return { context, port: server.address._tag === "TcpAddress" ? server.address.port : 0 }
  }) satisfies Effect.Effect<unknown, unknown, Scope.Scope>
