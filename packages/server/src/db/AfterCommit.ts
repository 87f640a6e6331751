/**
 * Work that must wait for the commit of the current transaction (start a job, relay an event): inside
 * `withAfterCommit(sql)(effect)` it is queued and runs once the outermost transaction committed, and a
 * rollback drops it (of a nested one, only what that part queued). Outside one it runs at once.
 */
import type { SqlClient } from "@effect/sql"
import { Effect, FiberRef } from "effect"

const pending = FiberRef.unsafeMake<Array<Effect.Effect<void>> | undefined>(undefined)

export const afterCommit = (effect: Effect.Effect<void>): Effect.Effect<void> =>
  Effect.flatMap(FiberRef.get(pending), (queued) => (queued === undefined ? effect : Effect.sync(() => queued.push(effect))))

/** True inside `withAfterCommit` (where `afterCommit` waits for the commit). */
export const inAfterCommitScope: Effect.Effect<boolean> = Effect.map(FiberRef.get(pending), (queued) => queued !== undefined)

export const withAfterCommit = (sql: SqlClient.SqlClient) =>
<A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const outer = yield* FiberRef.get(pending)
    if (outer !== undefined) {
      const mark = outer.length
      return yield* sql.withTransaction(effect).pipe(Effect.tapError(() => Effect.sync(() => outer.splice(mark))))
    }
    const queued: Array<Effect.Effect<void>> = []
    const result = yield* sql.withTransaction(Effect.locally(effect, pending, queued))
    yield* Effect.forEach(queued, (run) => run, { discard: true })
    return result
  })
