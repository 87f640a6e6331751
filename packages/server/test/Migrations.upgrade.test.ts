/**
 * Upgrading a database that holds data: migrated to the previous release's schema (every migration
 * but the latest FROM_LATEST), filled, then brought up to date by the real `migrate`. Every row and
 * every column that existed before must read back the same, and the new code must serve the data.
 */
import { SqlClient } from "@effect/sql"
import { PgMigrator } from "@effect/sql-pg"
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted, Schema } from "effect"
import { migrate } from "../src/db/Migrations.js"
import { migrations } from "../src/db/migrations/index.js"
import { account, read, request } from "@mediaserver/testkit/Http"
import { seed, SMALL } from "@mediaserver/testkit/Seeded"
import { databaseLayer } from "@mediaserver/testkit/DatabaseLayer"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"
import { startServer } from "@mediaserver/testkit/TestServer"

const Page = Schema.Struct({ items: Schema.Array(Schema.Struct({ id: Schema.String, title: Schema.String })), total: Schema.Number })

/** How many of the newest migrations the "previous release" lacks. */
const FROM_LATEST = 2

const previousRelease = Effect.map(migrations, (all) => [...all].sort((a, b) => a[0] - b[0]).slice(0, -FROM_LATEST))

/** Each table's columns, as they are now. */
const columnsByTable = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  Effect.map(
    sql<{ readonly table_name: string; readonly columns: ReadonlyArray<string> }>`
      SELECT table_name, array_agg(column_name::text ORDER BY column_name) AS columns
      FROM information_schema.columns WHERE table_schema = 'public' GROUP BY table_name ORDER BY table_name`,
    (rows) => new Map(rows.map((row) => [row.table_name, row.columns]))
  ))

/** Names come from information_schema, quoted as identifiers all the same. */
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`

/** Row count and a digest of the given columns of every row, per table. */
const contents = (tables: ReadonlyMap<string, ReadonlyArray<string>>) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.forEach([...tables], ([table, columns]) =>
      Effect.map(
        sql.unsafe<{ readonly n: number; readonly digest: string | null }>(
          `SELECT count(*)::int AS n, md5(string_agg(r::text, '|' ORDER BY r::text)) AS digest
           FROM (SELECT ${columns.map(quoted).join(", ")} FROM ${quoted(table)}) AS r`),
        (rows) => ({ table, rows: rows[0]?.n ?? -1, digest: rows[0]?.digest ?? null })
      )))

describe("upgrading a database with data", () => {
  it.scopedLive(`from the previous release's schema (all but the latest ${FROM_LATEST} migrations), filled: every old row and column reads back, the new code serves it`, () =>
    Effect.gen(function* () {
      const db = yield* freshDatabase("upgrade")
      const onDb = databaseLayer(Redacted.value(db.url))
      const older = yield* previousRelease
      const applied = yield* PgMigrator.run({ loader: Effect.succeed(older), table: "app_migrations" }).pipe(
        Effect.provide(NodeContext.layer),
        Effect.provide(onDb)
      )
      expect(applied.map(([id]) => id)).toEqual(older.map(([id]) => id))

      // What the previous release would hold: libraries, movies, series, people and credits.
      yield* seed(Redacted.value(db.url))
      // The migrator's own table gains rows by design; everything else must be as it was.
      const data = Effect.map(columnsByTable, (tables) => new Map([...tables].filter(([table]) => table !== "app_migrations")))
      const before = yield* Effect.provide(Effect.flatMap(data, (tables) => Effect.map(contents(tables), (c) => ({ tables, c }))), onDb)
      expect(before.c.find((t) => t.table === "movies")?.rows).toBe(SMALL.movies)

      const upgraded = yield* Effect.provide(migrate, onDb)
      const all = yield* Effect.map(migrations, (list) => [...list].sort((a, b) => a[0] - b[0]))
      expect(upgraded.map(([id]) => id)).toEqual(all.slice(-FROM_LATEST).map(([id]) => id))
      // Every table and column of before, with the same rows.
      const after = yield* Effect.provide(contents(before.tables), onDb)
      expect(after).toEqual(before.c)

      // The new code reads what the old schema held.
      const server = yield* startServer({ DATABASE_URL: Redacted.value(db.url) })
      const admin = (yield* account(server.url, "admin")).auth
      const movies = yield* read(Page)(yield* request(server.url, "GET", "/api/v1/movies?limit=5", { auth: admin }))
      expect(movies.total).toBe(SMALL.movies)
      const shows = yield* read(Page)(yield* request(server.url, "GET", "/api/v1/tvshows?limit=5", { auth: admin }))
      expect(shows.total).toBe(SMALL.series)
      const first = movies.items[0]
      expect((yield* request(server.url, "GET", `/api/v1/movies/${first?.id ?? "none"}`, { auth: admin })).body).toMatchObject({ title: first?.title })
    }).pipe(Effect.orDie), 120_000)
})
