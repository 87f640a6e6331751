/**
 * Group commit for small statements that many fibers issue at once (job claims, finishes, inserts).
 * Calls made while a statement is in flight are written together by the next one, so under load each
 * call costs a fraction of a round trip, and an idle system waits for nothing (a lone call goes at
 * once). A call inside a transaction runs alone on the transaction's connection: it must commit or
 * roll back with it.
 */
import { SqlClient } from "@effect/sql"
import { Chunk, Deferred, Effect, Exit, Option, Queue, type Scope } from "effect"

/** One statement for many keys; its result answers each key. */
export type BatchStatement<K, A, E> = (keys: ReadonlyArray<K>) => Effect.Effect<(key: K) => A, E>

interface Pending<K, A, E> {
  readonly key: K
  readonly done: Deferred.Deferred<A, E>
}

export const makeBatcher = <K, A, E>(
  maxBatch: number,
  statement: BatchStatement<K, A, E>
): Effect.Effect<(key: K) => Effect.Effect<A, E>, never, Scope.Scope> =>
  Effect.gen(function* () {
    const queue = yield* Effect.acquireRelease(Queue.unbounded<Pending<K, A, E>>(), Queue.shutdown)
    const flush = Effect.gen(function* () {
      const batch = Chunk.toReadonlyArray(yield* Queue.takeBetween(queue, 1, maxBatch))
      const exit = yield* Effect.exit(statement(batch.map((pending) => pending.key)))
      for (const pending of batch) {
        Deferred.unsafeDone(pending.done, Exit.map(exit, (answer) => answer(pending.key)))
      }
    })
    yield* Effect.forkScoped(Effect.forever(flush))
    const alone = (key: K) => Effect.map(statement([key]), (answer) => answer(key))
    const queued = (key: K) =>
      Effect.flatMap(Deferred.make<A, E>(), (done) => Effect.zipRight(Queue.offer(queue, { key, done }), Deferred.await(done)))
    return (key: K) =>
      Effect.flatMap(Effect.serviceOption(SqlClient.TransactionConnection), (transaction) =>
        Option.isSome(transaction) ? alone(key) : queued(key)
      )
  })
