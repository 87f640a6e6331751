import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Context, Effect, Layer } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import Pg from "pg"
import { AppConfig } from "../src/config/AppConfig.js"
import { DatabaseLive, DbPool } from "../src/db/Database.js"

const embeddedDatabase = (dataDir: string) =>
  DatabaseLive.pipe(
    Layer.provide(AppConfig.layer),
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["DATA_DIR", dataDir]]))))
  )

describe("embedded database socket", () => {
  it.scopedLive("keeps concurrent connections apart: parameterised queries, transactions and a client that dies mid-transaction", () =>
    Effect.gen(function* () {
      const dataDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "ms-socket-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(dataDir, { recursive: true, force: true })))
      const context = yield* Layer.build(embeddedDatabase(dataDir))
      const sql = Context.get(context, SqlClient.SqlClient)
      const { pool } = Context.get(context, DbPool)
      expect(pool.options.max).toBeGreaterThan(2)

      // Extended protocol (Parse/Bind/Execute/Sync per query) from every connection at once.
      const echoed = yield* Effect.forEach(
        Array.from({ length: 200 }, (_, i) => i),
        (i) => sql<{ n: number; label: string }>`SELECT ${i}::int AS n, ${`row-${i}`}::text AS label`,
        { concurrency: 16 }
      )
      expect(echoed.map((rows) => rows[0])).toEqual(Array.from({ length: 200 }, (_, i) => ({ n: i, label: `row-${i}` })))

      // Transactions on several connections: each sees only its own work; a rollback undoes only its own.
      yield* sql`CREATE TABLE socket_tx (tx int NOT NULL)`
      const outcomes = yield* Effect.forEach(
        Array.from({ length: 20 }, (_, tx) => tx),
        (tx) =>
          Effect.gen(function* () {
            yield* sql`INSERT INTO socket_tx (tx) VALUES (${tx}), (${tx})`
            const mine = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM socket_tx WHERE tx = ${tx}`
            expect(mine[0]?.n).toBe(2)
            if (tx % 2 === 1) return yield* Effect.fail("rolled back" as const)
            return "committed" as const
          }).pipe(sql.withTransaction, Effect.orElseSucceed(() => "rolled back" as const)),
        { concurrency: 8 }
      )
      expect(outcomes.filter((o) => o === "committed")).toHaveLength(10)
      const kept = yield* sql<{ tx: number }>`SELECT DISTINCT tx FROM socket_tx ORDER BY tx`
      expect(kept.map((row) => row.tx)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18])

      // A client that goes away inside a transaction: its work is rolled back and others carry on.
      yield* Effect.promise(async () => {
        const client = new Pg.Client({ host: dataDir, port: 5432, user: "postgres", database: "postgres" })
        await client.connect()
        await client.query("BEGIN")
        await client.query("INSERT INTO socket_tx (tx) VALUES (99)")
        client.on("error", () => {})
        client.connection.stream.destroy()
      })
      const after = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM socket_tx WHERE tx = 99`
      expect(after[0]?.n).toBe(0)
    }), { timeout: 60_000 })
})
