/**
 * Migrations run at start-up, by whichever node gets there first: the whole step (our schema and the
 * cluster's tables, whose own migrator races when two runners start at once) runs under one Postgres
 * advisory lock held on a reserved connection. Embedded mode has one process and PGlite's advisory
 * locks are not exclusive, so it skips the lock.
 */
import { SqlMessageStorage, SqlRunnerStorage, ShardingConfig, Snowflake } from "@effect/cluster"
import { SqlClient } from "@effect/sql"
import { PgMigrator } from "@effect/sql-pg"
import { NodeContext } from "@effect/platform-node"
import { StartupError } from "@mediaserver/domain"
import { Context, Effect, Layer } from "effect"
import { DbPool } from "./Database.js"
import { migrations } from "./migrations/index.js"

/** Arbitrary constant: the advisory lock key of the migration step. */
const MIGRATION_LOCK_KEY = 7_264_913_001

export class MigrationsDone extends Context.Tag("@mediaserver/MigrationsDone")<
  MigrationsDone,
  { readonly applied: ReadonlyArray<readonly [number, string]> }
>() {}

const runAll = Effect.gen(function* () {
  const applied = yield* PgMigrator.run({ loader: migrations, table: "app_migrations" })
  // Creating the cluster's tables here, under our lock, keeps two runners from racing on them later.
  yield* Effect.scoped(SqlMessageStorage.make()).pipe(Effect.provide(Snowflake.layerGenerator))
  yield* Effect.scoped(SqlRunnerStorage.make({})).pipe(Effect.provide(ShardingConfig.layer()))
  return applied
})

const withLock = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* Effect.scoped(
      Effect.gen(function* () {
        const conn = yield* sql.reserve
        yield* Effect.acquireRelease(
          conn.executeRaw(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`, []),
          () => conn.executeRaw(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`, []).pipe(Effect.ignore)
        )
        return yield* effect
      })
    )
  })

export const migrate = Effect.gen(function* () {
  const { embedded } = yield* DbPool
  const applied = yield* (embedded ? runAll : withLock(runAll))
  for (const [id, name] of applied) yield* Effect.logInfo(`migration applied: ${id}_${name}`)
  return applied
}).pipe(
  Effect.catchTags({
    MigrationError: (e) => new StartupError({ component: "migrations", message: e.message }),
    SqlError: (e) => new StartupError({ component: "migrations", message: `${e.message}: ${String(e.cause)}` })
  }),
  Effect.provide(NodeContext.layer),
  Effect.withSpan("migrate")
)

export const MigrationsLive = Layer.effect(
  MigrationsDone,
  Effect.map(migrate, (applied) => ({ applied }))
)

