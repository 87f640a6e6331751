/**
 * The ceiling of the workflow engine on this machine: N executions of a workflow that does nothing
 * (no activity, no run record), started with `execute(discard)` on a SingleRunner over Postgres. Our
 * jobs add a run record to this; they cannot be faster than it.
 */
import { ClusterWorkflowEngine, SingleRunner } from "@effect/cluster"
import { PgClient } from "@effect/sql-pg"
import { Workflow } from "@effect/workflow"
import { Deferred, Effect, Layer, type Redacted, Schema } from "effect"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"
import { withMachineCpuPer } from "./cpu.js"

const Empty = Workflow.make({ name: "bench/empty", payload: { i: Schema.Number }, idempotencyKey: ({ i }) => String(i) })

/**
 * A SingleRunner with the empty workflow registered, on the database given. `run` starts N executions
 * (`concurrency` sends at a time) and waits until the N bodies have run.
 */
export const emptyWorkflowNode = (url: Redacted.Redacted<string>, n: number, concurrency: number) =>
  Effect.gen(function* () {
    const allDone = yield* Deferred.make<void>()
    let done = 0
    const handlers = Empty.toLayer(() => Effect.suspend(() => (++done === n ? Deferred.succeed(allDone, undefined) : Effect.void)))
    const context = yield* Layer.build(
      handlers.pipe(
        Layer.provideMerge(ClusterWorkflowEngine.layer),
        Layer.provideMerge(SingleRunner.layer({ runnerStorage: "sql", shardingConfig: { simulateRemoteSerialization: false } })),
        Layer.provideMerge(PgClient.layer({ url, maxConnections: 10 }))
      )
    )
    const run = Effect.forEach(Array.from({ length: n }, (_, i) => i), (i) => Empty.execute({ i }, { discard: true }), {
      concurrency,
      discard: true
    }).pipe(Effect.zipRight(Deferred.await(allDone)), Effect.provide(context))
    return { context, run }
  })

/** Empty workflows per second, and the machine CPU (ms, every process) each cost. */
export const engineFloor = (n: number, concurrency: number) =>
  Effect.gen(function* () {
    const db = yield* freshDatabase("enginefloor")
    const node = yield* emptyWorkflowNode(db.url, n, concurrency)
    const started = performance.now()
    const { cpuMsPer } = yield* withMachineCpuPer(n, node.run)
    return { perS: n / ((performance.now() - started) / 1000), cpuMsPer }
  })
