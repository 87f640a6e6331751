/**
 * The real server, in-process, on a free port on 127.0.0.1, configured only by the map given (the
 * environment is not read, so a developer's shell cannot change a test). `withDatabase` adds a fresh
 * Postgres database; omit it (and pass DATA_DIR) to run on the embedded database.
 */
import { migratedDatabase } from "./MigratedDatabase.js"
import { tempDir } from "./TempDir.js"
import { HttpServer } from "@effect/platform"
import { ConfigProvider, Effect, Layer, Redacted, Scope } from "effect"
import { AppConfig } from "@mediaserver/server/config"
import { makeNodeLive } from "@mediaserver/server"

export interface RunningServer {
  readonly url: string
  readonly port: number
}

/**
 * A whole node configured only by `env` (over test defaults), with `background` built before its HTTP
 * server and released after it, as in production (`makeNodeLive`). The one node builder of tests and
 * benchmarks.
 */
export const testNode = <A, E, R>(env: Record<string, string>, background: Layer.Layer<A, E, R>) =>
  Layer.unwrapScoped(Effect.map(
    // A data directory of its own unless given: nodes of parallel tests shared ./data, and a node
    // starting empties its transcode directory, deleting the segments of another test's session.
    env["DATA_DIR"] === undefined ? tempDir("ms-node-") : Effect.succeed(env["DATA_DIR"]),
    (dataDir) =>
      makeNodeLive(background).pipe(
        Layer.provideMerge(AppConfig.layer),
        Layer.provide(
          Layer.setConfigProvider(
            ConfigProvider.fromMap(new Map(Object.entries({
              // PATH as a spawned node has it (NodeProcess): ffmpeg and ffprobe are looked for there.
              HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "Warning", SECRETS_KEY: "test secrets key", PATH: process.env.PATH ?? "",
              // Tests and benchmarks drive one address (127.0.0.1) far past any real client: the general
              // per-client limit is off unless a test sets it (the test of that limit does).
              HTTP_RATE_LIMIT: "0",
              ...env,
              DATA_DIR: dataDir
            })))
          )
        )
      )
  ))

export const startServer = (env: Record<string, string>): Effect.Effect<RunningServer, unknown, Scope.Scope> =>
  Effect.gen(function* () {
    const context = yield* Layer.build(testNode(env, Layer.empty))
    const server = yield* Effect.provide(HttpServer.HttpServer, context)
    const port = server.address._tag === "TcpAddress" ? server.address.port : 0
    return { url: `http://127.0.0.1:${port}`, port }
  })

/** A server on a fresh Postgres database (dropped after the scope). */
export const startServerWithDatabase = (env: Record<string, string> = {}) =>
  Effect.gen(function* () {
    const db = yield* migratedDatabase("srv")
    const server = yield* startServer({ DATABASE_URL: Redacted.value(db.url), ...env })
    return { ...server, database: db }
  })
