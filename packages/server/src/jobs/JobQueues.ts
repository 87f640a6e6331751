/**
 * Per-node queue caps: one Semaphore per queue around handler execution. The engine gives every
 * workflow execution its own entity, so entity concurrency cannot cap a queue; this does. Sizes come
 * from `JOB_QUEUE_<NAME>_CONCURRENCY` (defaults in the domain catalogue).
 */
import { defaultQueueConcurrency, type JobQueue } from "@mediaserver/domain"
import { Config, Context, Effect, Layer } from "effect"

export interface JobQueuesShape {
  readonly sizes: Readonly<Record<JobQueue, number>>
  /** Runs `effect` holding one slot of `queue` on this node. */
  readonly withSlot: (queue: JobQueue) => <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

const size = (queue: JobQueue) =>
  Config.integer(`JOB_QUEUE_${queue.toUpperCase()}_CONCURRENCY`).pipe(
    Config.validate({ message: "Expected a positive integer", validation: (n) => n > 0 }),
    Config.withDefault(defaultQueueConcurrency[queue])
  )

export const jobQueuesConfig = Config.all({
  critical: size("critical"),
  high: size("high"),
  default: size("default"),
  low: size("low"),
  bulk: size("bulk")
})

export class JobQueues extends Context.Tag("@mediaserver/JobQueues")<JobQueues, JobQueuesShape>() {
  static readonly layer = Layer.effect(
    JobQueues,
    Effect.gen(function* () {
      const sizes = yield* jobQueuesConfig
      const semaphores = {
        critical: yield* Effect.makeSemaphore(sizes.critical),
        high: yield* Effect.makeSemaphore(sizes.high),
        default: yield* Effect.makeSemaphore(sizes.default),
        low: yield* Effect.makeSemaphore(sizes.low),
        bulk: yield* Effect.makeSemaphore(sizes.bulk)
      }
      return { sizes, withSlot: (queue) => semaphores[queue].withPermits(1) }
    })
  )
}
