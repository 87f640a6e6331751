/**
 * Per-node queue caps: a pool of slots per queue around handler execution, shared by both ways runs
 * execute. The engine gives every workflow execution its own entity, so entity concurrency cannot cap a
 * queue; this does. Single-step runs take their slots before claiming (`takeUpTo`), so a node never
 * claims more runs than it can start. Sizes come from AppConfig (`JOB_QUEUE_<NAME>_CONCURRENCY`,
 * defaults in the domain catalogue).
 */
import type { JobQueue } from "@mediaserver/domain"
import { Context, Deferred, Effect, Exit, FiberId, Layer } from "effect"
import { AppConfig } from "../config/AppConfig.js"

export interface JobQueuesShape {
  readonly sizes: Readonly<Record<JobQueue, number>>
  /** Runs `effect` holding one slot of `queue` on this node. */
  readonly withSlot: (queue: JobQueue) => <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** Waits for one free slot, then takes as many more as are free, up to `max` in all; returns how many. */
  readonly takeUpTo: (queue: JobQueue, max: number) => Effect.Effect<number>
  /** Takes a slot when one is free (none waits for it); false otherwise. */
  readonly tryTake: (queue: JobQueue) => Effect.Effect<boolean>
  readonly release: (queue: JobQueue, slots: number) => Effect.Effect<void>
}

/** Slots of one queue; waiters are served first come, first served. */
interface Pool {
  free: number
  readonly waiters: Array<Deferred.Deferred<void>>
}

const releaseTo = (pool: Pool, slots: number) => {
  for (let i = 0; i < slots; i++) {
    const waiter = pool.waiters.shift()
    if (waiter === undefined) pool.free++
    else Deferred.unsafeDone(waiter, Exit.void)
  }
}

/** One slot: at once when free, else in turn. An interrupted waiter hands on a slot it was given. */
const takeOne = (pool: Pool): Effect.Effect<void> =>
  Effect.suspend(() => {
    if (pool.free > 0) {
      pool.free--
      return Effect.void
    }
    const waiter = Deferred.unsafeMake<void>(FiberId.none)
    pool.waiters.push(waiter)
    return Effect.onInterrupt(Deferred.await(waiter), () =>
      Effect.sync(() => {
        const at = pool.waiters.indexOf(waiter)
        if (at >= 0) pool.waiters.splice(at, 1)
        else releaseTo(pool, 1)
      }))
  })

export class JobQueues extends Context.Tag("@mediaserver/jobs/JobQueues")<JobQueues, JobQueuesShape>() {
  static readonly layer = Layer.effect(
    JobQueues,
    Effect.gen(function* () {
      const sizes = (yield* AppConfig).jobQueueConcurrency
      const pool = (size: number): Pool => ({ free: size, waiters: [] })
      const pools: Record<JobQueue, Pool> = {
        critical: pool(sizes.critical),
        high: pool(sizes.high),
        default: pool(sizes.default),
        low: pool(sizes.low),
        bulk: pool(sizes.bulk)
      }
      const release = (queue: JobQueue, slots: number) => Effect.sync(() => releaseTo(pools[queue], slots))
      return {
        sizes,
        // Waiting for a slot stays interruptible (a cancel, a node stopping); holding one always gives it back.
        withSlot: (queue) => (effect) =>
          Effect.uninterruptibleMask((restore) =>
            Effect.zipRight(restore(takeOne(pools[queue])), Effect.ensuring(restore(effect), release(queue, 1)))),
        takeUpTo: (queue, max) =>
          Effect.map(takeOne(pools[queue]), () => {
            const more = Math.min(Math.max(0, max - 1), pools[queue].free)
            pools[queue].free -= more
            return 1 + more
          }),
        tryTake: (queue) =>
          Effect.sync(() => {
            if (pools[queue].free === 0) return false
            pools[queue].free--
            return true
          }),
        release
      }
    })
  )
}
