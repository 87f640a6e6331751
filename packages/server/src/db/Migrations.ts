/**
 * Migrations run at start-up, by whichever node gets there first: the whole step (our schema and the
 * cluster's tables, whose own migrator races when two runners start at once) runs under one Postgres
 * advisory lock held on a reserved connection. Embedded mode has one process and PGlite's advisory
 * locks are not exclusive, so it skips the lock.
 *
 * Each applied migration's checksum (migrations/checksums.ts) is recorded; a node whose shipped file no
 * longer matches what its database applied refuses to start, naming the migration. A database from
 * before checksums were recorded has its applied migrations recorded as they are now.
 */
import { SqlMessageStorage, SqlRunnerStorage, ShardingConfig, Snowflake } from "@effect/cluster"
import { SqlClient } from "@effect/sql"
import { PgMigrator } from "@effect/sql-pg"
import { NodeContext } from "@effect/platform-node"
import { StartupError } from "@mediaserver/domain"
import { Context, Effect, Layer } from "effect"
import { DbPool } from "./Database.js"
import { MIGRATION_CHECKSUMS } from "./migrations/checksums.js"
import { migrations } from "./migrations/index.js"

/** Arbitrary constant: the advisory lock key of the migration step. */
const MIGRATION_LOCK_KEY = 7_264_913_001

export class MigrationsDone extends Context.Tag("@mediaserver/db/MigrationsDone")<
  MigrationsDone,
  { readonly applied: ReadonlyArray<readonly [number, string]> }
>() {}

/** `0011_content_details` from the migrator's id and name. */
const keyOf = (id: number, name: string) => `${String(id).padStart(4, "0")}_${name}`

/** Fails with the applied migrations whose file changed since; records the checksums not yet recorded. */
const checkChecksums = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const [present] = yield* sql<{ readonly present: boolean }>`SELECT to_regclass('app_migrations') IS NOT NULL AS present`
  if (present?.present !== true) return
  yield* sql`CREATE TABLE IF NOT EXISTS app_migration_checksums (
    migration_id integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL)`
  const applied = yield* sql<{ readonly id: number; readonly name: string; readonly recorded: string | null }>`
    SELECT m.migration_id AS id, m.name, c.checksum AS recorded
    FROM app_migrations m LEFT JOIN app_migration_checksums c USING (migration_id) ORDER BY m.migration_id`
  const changed = applied.filter((m) => {
    const shipped = MIGRATION_CHECKSUMS[keyOf(m.id, m.name)]
    return m.recorded !== null && shipped !== undefined && shipped !== m.recorded
  })
  if (changed.length > 0) {
    const names = changed.map((m) => keyOf(m.id, m.name)).join(", ")
    return yield* new StartupError({
      component: "migrations",
      message: `${names} changed after this database applied it (checksum differs): a shipped migration is never edited; restore the file and put the change in a new migration`
    })
  }
  for (const m of applied) {
    const shipped = MIGRATION_CHECKSUMS[keyOf(m.id, m.name)]
    if (m.recorded !== null || shipped === undefined) continue
    yield* sql`INSERT INTO app_migration_checksums (migration_id, name, checksum) VALUES (${m.id}, ${m.name}, ${shipped})
      ON CONFLICT (migration_id) DO NOTHING`
  }
})

const runAll = Effect.gen(function* () {
  yield* checkChecksums
  const applied = yield* PgMigrator.run({ loader: migrations, table: "app_migrations" })
  yield* checkChecksums
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

