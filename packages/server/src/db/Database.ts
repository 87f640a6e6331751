/**
 * The database: real Postgres from DATABASE_URL, or embedded PGlite served on a unix socket in
 * DATA_DIR. PGlite runs one query at a time; the extra connections only keep a reserved one (the
 * cluster holds one for its shard locks) from starving everyone else.
 */
import { PgClient } from "@effect/sql-pg"
import { StartupError } from "@mediaserver/domain"
import { Context, Duration, Effect, Layer, Option, Redacted, Runtime } from "effect"
import Pg from "pg"
import { AppConfig } from "../config/AppConfig.js"
import { startEmbeddedPostgres } from "./Embedded.js"
import { guardedStream } from "./GuardedSocket.js"

export interface DbPoolShape {
  readonly pool: Pg.Pool
  readonly embedded: boolean
  /** What to show in logs: a redacted URL or the embedded data directory. */
  readonly description: string
}

export class DbPool extends Context.Tag("@mediaserver/db/DbPool")<DbPool, DbPoolShape>() {}

const EMBEDDED_CONNECTIONS = 4

const openPool = (config: Pg.PoolConfig, description: string, embedded: boolean) =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      const runtime = yield* Effect.runtime<never>()
      const onFault = (fault: Error) =>
        Runtime.runFork(runtime)(
          Effect.logError("database protocol fault: the connection is closed, its queries fail and are retried on a new one").pipe(
            Effect.annotateLogs({ database: description, fault: fault.message })
          )
        )
      const pool = new Pg.Pool({
        connectionTimeoutMillis: 5_000,
        idleTimeoutMillis: 30_000,
        stream: guardedStream(onFault),
        ...config
      })
      // The pool emits errors for idle clients whose server went away; readiness reports them.
      pool.on("error", () => {})
      yield* Effect.tryPromise({
        try: () => pool.query("SELECT 1"),
        catch: (cause) =>
          new StartupError({ component: "database", message: `cannot connect to ${description}: ${String(cause)}` })
      }).pipe(
        Effect.timeoutFail({
          duration: Duration.seconds(10),
          onTimeout: () => new StartupError({ component: "database", message: `timed out connecting to ${description}` })
        }),
        Effect.tapError(() => Effect.promise(() => pool.end()))
      )
      return { pool, embedded, description }
    }),
    ({ pool }) => Effect.promise(() => pool.end()).pipe(Effect.timeoutOption(Duration.seconds(5)))
  )

const externalPool = (url: Redacted.Redacted<string>, max: number) =>
  openPool({ connectionString: Redacted.value(url), max, application_name: "mediaserver" }, redactedHost(url), false)

const redactedHost = (url: Redacted.Redacted<string>): string => {
  const raw = Redacted.value(url)
  if (!URL.canParse(raw)) return "DATABASE_URL"
  const parsed = new URL(raw)
  return `postgres://${parsed.host}${parsed.pathname}`
}

export const DbPoolLive = Layer.scoped(
  DbPool,
  Effect.gen(function* () {
    const config = yield* AppConfig
    if (Option.isSome(config.databaseUrl)) {
      return yield* externalPool(config.databaseUrl.value, config.databaseMaxConnections)
    }
    // Same scope: on shutdown the pool ends first, then the socket server and PGlite close.
    const embedded = yield* startEmbeddedPostgres(config.dataDir)
    return yield* openPool(
      { host: embedded.socketDir, port: embedded.port, user: "postgres", database: "postgres", max: EMBEDDED_CONNECTIONS },
      `embedded database in ${embedded.dataDir}`,
      true
    )
  })
)

/** SqlClient + PgClient over the pool we own (so metrics can read its counts), plus DbPool. */
export const DatabaseLive = Layer.unwrapEffect(
  Effect.map(DbPool, (db) => PgClient.layerFromPool({ acquire: Effect.succeed(db.pool), applicationName: "mediaserver" }))
).pipe(Layer.provideMerge(DbPoolLive))
