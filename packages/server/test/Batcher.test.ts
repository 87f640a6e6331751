import { expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Data, Effect, Layer, Redacted, type Scope } from "effect"
import { makeBatcher } from "../src/db/Batcher.js"
import { databaseLayer } from "@mediaserver/testkit/DatabaseLayer"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"

class Rollback extends Data.TaggedError("Rollback") {}

const withDatabase = <A, E>(effect: Effect.Effect<A, E, SqlClient.SqlClient | Scope.Scope>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const db = yield* freshDatabase("batcher")
      const context = yield* Layer.build(databaseLayer(Redacted.value(db.url)))
      return yield* Effect.provide(effect, context)
    })
  )

it.live("concurrent calls share statements, each gets its own answer; a call in a transaction rolls back with it", () =>
  withDatabase(
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE t (n integer PRIMARY KEY)`
      const batches: Array<number> = []
      const insert = yield* makeBatcher(100, (ns: ReadonlyArray<number>) =>
        Effect.sync(() => batches.push(ns.length)).pipe(
          Effect.zipRight(sql<{ n: number }>`
            INSERT INTO t (n) VALUES ${sql.join(", ", false)(ns.map((n) => sql`(${n})`))}
            ON CONFLICT DO NOTHING RETURNING n`),
          Effect.map((rows) => {
            const inserted = new Set(rows.map((row) => row.n))
            return (n: number) => inserted.has(n)
          })
        ))

      const answers = yield* Effect.forEach(Array.from({ length: 200 }, (_, i) => i % 150), insert, { concurrency: "unbounded" })
      // 150 distinct values: each inserted once, every duplicate told it was not.
      expect(answers.filter((inserted) => inserted)).toHaveLength(150)
      expect(batches.reduce((a, b) => a + b, 0)).toBe(200)
      expect(batches.length).toBeLessThan(20)
      expect(Math.max(...batches)).toBeLessThanOrEqual(100)

      const failed = yield* insert(1000).pipe(Effect.zipRight(new Rollback()), sql.withTransaction, Effect.flip)
      expect(failed._tag).toBe("Rollback")
      const [row] = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM t WHERE n = 1000`
      expect(row?.n).toBe(0)
    })
  ))

it.live("a failed statement fails every call of its batch, and the next batch still runs", () =>
  withDatabase(
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const select = yield* makeBatcher(10, (ns: ReadonlyArray<number>) =>
        sql<{ n: number }>`SELECT n FROM missing_table WHERE n IN ${sql.in(ns)}`.pipe(Effect.as((n: number) => n))
      )
      const results = yield* Effect.forEach([1, 2, 3], (n) => Effect.either(select(n)), { concurrency: "unbounded" })
      expect(results.every((r) => r._tag === "Left")).toBe(true)
      yield* sql`CREATE TABLE missing_table (n integer)`
      expect(yield* select(4)).toBe(4)
    })
  ))
