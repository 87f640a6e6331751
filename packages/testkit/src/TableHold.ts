/**
 * Holding work at a known point: an ACCESS EXCLUSIVE lock on a table, in a transaction of its own,
 * stops every statement that touches the table (reads too) until released. A test starts the work,
 * waits until a statement is queued behind the lock (`waiting`), then does what must find the work
 * still running (a cancel, a kill), however fast the machine.
 */
import { SqlClient } from "@effect/sql"
import { Deferred, Effect, Fiber } from "effect"

export const holdTable = (table: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const locked = yield* Deferred.make<void>()
    const released = yield* Deferred.make<void>()
    const holder = yield* Effect.fork(sql.withTransaction(Effect.gen(function* () {
      yield* sql`LOCK TABLE ${sql(table)} IN ACCESS EXCLUSIVE MODE`
      yield* Deferred.succeed(locked, undefined)
      yield* Deferred.await(released)
    })))
    yield* Deferred.await(locked)
    const release = Effect.zipRight(Deferred.succeed(released, undefined), Effect.ignore(Fiber.join(holder)))
    // A failing test must not leave the lock held (the node's shutdown would wait on it).
    yield* Effect.addFinalizer(() => release)
    const waiting = Effect.map(
      sql<{ readonly n: number }>`
        SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
        WHERE c.relname = ${table} AND NOT l.granted`,
      (rows) => (rows[0]?.n ?? 0) > 0
    )
    return { waiting, release }
  })
