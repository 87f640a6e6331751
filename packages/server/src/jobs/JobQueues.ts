/**
 * Per-node queue caps: one Semaphore per queue around handler execution. The engine gives every
 * workflow execution its own entity, so entity concurrency cannot cap a queue; this does. Sizes come
 * from AppConfig (`JOB_QUEUE_<NAME>_CONCURRENCY`, defaults in the domain catalogue).
 */
import type { JobQueue } from "@mediaserver/domain"
import { Context, Effect, Layer } from "effect"
import { AppConfig } from "../config/AppConfig.js"

export interface JobQueuesShape {
  readonly sizes: Readonly<Record<JobQueue, number>>
  /** Runs `effect` holding one slot of `queue` on this node. */
  readonly withSlot: (queue: JobQueue) => <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

export class JobQueues extends Context.Tag("@mediaserver/jobs/JobQueues")<JobQueues, JobQueuesShape>() {
  static readonly layer = Layer.effect(
    JobQueues,
    Effect.gen(function* () {
      const sizes = (yield* AppConfig).jobQueueConcurrency
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
