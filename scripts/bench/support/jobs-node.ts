/**
 * A whole node (server + workers) in this process, on the database and cluster settings given,
 * configured only by the map (the environment is not read). Used by the `jobs` benchmark.
 */
import { HttpServer } from "@effect/platform"
import { ConfigProvider, Context, Effect, Layer, type Scope } from "effect"
import { AppConfig } from "../../../packages/server/src/config/AppConfig.js"
import { makeNodeLive } from "../../../packages/server/src/Main.js"
import { WorkersLive } from "../../../packages/workers/src/index.js"

export const startNode = (env: Record<string, string>) =>
  Effect.gen(function* () {
    const provider = ConfigProvider.fromMap(new Map(Object.entries({ HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "warn", ...env })))
    const context = yield* Layer.build(
      makeNodeLive(WorkersLive).pipe(Layer.provideMerge(AppConfig.layer), Layer.provide(Layer.setConfigProvider(provider)))
    )
    const server = Context.get(context, HttpServer.HttpServer)
    return { context, port: server.address._tag === "TcpAddress" ? server.address.port : 0 }
  }) satisfies Effect.Effect<unknown, unknown, Scope.Scope>
