/**
 * The ceiling of the workflow engine on this machine: N executions of a workflow that does nothing
 * (no activity, no run record), started with `execute(discard)` on a SingleRunner over Postgres. Our
 * jobs add an activity per attempt and a run record to this; they cannot be faster than it.
 */
import { ClusterWorkflowEngine, SingleRunner } from "@effect/cluster"
import { PgClient } from "@effect/sql-pg"
import { Workflow } from "@effect/workflow"
import { Deferred, Effect, Layer, Schema, type Scope } from "effect"
import { freshDatabase } from "../../../packages/server/test/support/TestDatabase.js"

const Empty = Workflow.make({ name: "bench/empty", payload: { i: Schema.Number }, idempotencyKey: ({ i }) => String(i) })

export const engineFloor = (n: number, concurrency: number): Effect.Effect<number, unknown, Scope.Scope> =>
  Effect.gen(function* () {
    const db = yield* freshDatabase("enginefloor")
    const allDone = yield* Deferred.make<void>()
    let done = 0
    const handlers = Empty.toLayer(() => Effect.suspend(() => (++done === n ? Deferred.succeed(allDone, undefined) : Effect.void)))
    const context = yield* Layer.build(
      handlers.pipe(
        Layer.provideMerge(ClusterWorkflowEngine.layer),
        Layer.provideMerge(SingleRunner.layer({ runnerStorage: "sql", shardingConfig: { simulateRemoteSerialization: false } })),
        Layer.provideMerge(PgClient.layer({ url: db.url, maxConnections: 10 }))
      )
    )
    const started = performance.now()
    yield* Effect.forEach(Array.from({ length: n }, (_, i) => i), (i) => Empty.execute({ i }, { discard: true }), {
      concurrency,
      discard: true
    }).pipe(Effect.provide(context))
    yield* Deferred.await(allDone)
    return n / ((performance.now() - started) / 1000)
  })
