/**
 * Runs single-step jobs on this node: per queue, one loop takes the free slots of the queue, claims as
 * many ready runs in one statement (`JobLeases.claim`) and starts a handler for each. It looks again
 * when woken (an enqueue committed on this node, a retry of this node fell due, a kind registered, a
 * notification that another node enqueued some) and at least every JOB_POLL_INTERVAL (retries falling
 * due elsewhere, a missed notification). While handlers run, their leases are renewed; runs whose lease
 * lapsed anywhere are made ready again.
 */
import { PgClient } from "@effect/sql-pg"
import { JobQueue } from "@mediaserver/domain"
import { Context, Duration, Effect, Exit, Layer, Option, Queue, Schedule, Schema, Stream } from "effect"
import { AppConfig, isSingleRunner } from "../config/AppConfig.js"
import { type ClaimedRun, JobLeases } from "./JobLeases.js"
import { JobQueues } from "./JobQueues.js"
import type { RunLease } from "./JobRuns.js"

/**
 * What runs one claimed run to its next state; succeeds with the delay of its retry, if it retries.
 * `handlerDone` gives the queue slot back as soon as the handler has ended, so the next claim does not
 * wait for the run's row to be written.
 */
export interface SingleStepRunner {
  readonly queue: JobQueue
  readonly run: (claimed: ClaimedRun, handlerDone: Effect.Effect<void>) => Effect.Effect<Option.Option<Duration.Duration>>
}

export interface JobDispatchShape {
  /** Runs of `kind` are claimed on this node from now on. */
  readonly register: (kind: string, runner: SingleStepRunner) => Effect.Effect<void>
  /** Looks for ready runs of `queue` now. */
  readonly wake: (queue: JobQueue) => Effect.Effect<void>
  /**
   * Writes a run outside any transaction. When this node runs `kind` and a slot of `queue` is free, the
   * run is written already claimed by this node (`insert(lease)`) and its handler starts at once, with
   * no claim statement in between; otherwise it is written ready (`insert(undefined)`) and the queue
   * woken. `started` says which run the write claimed (none for a duplicate).
   */
  readonly enqueueHere: <A, E>(
    kind: string,
    queue: JobQueue,
    insert: (lease: RunLease | undefined) => Effect.Effect<A, E>,
    started: (written: A) => Option.Option<ClaimedRun>
  ) => Effect.Effect<A, E>
}

export class JobDispatch extends Context.Tag("@mediaserver/jobs/JobDispatch")<JobDispatch, JobDispatchShape>() {
  static readonly layer = Layer.scoped(
    JobDispatch,
    Effect.gen(function* () {
      const leases = yield* JobLeases
      const queues = yield* JobQueues
      const config = yield* AppConfig
      const { jobLease, jobPollInterval } = config
      const scope = yield* Effect.scope
      const runners = new Map<string, SingleStepRunner>()
      const kindsOf = new Map<JobQueue, Array<string>>()
      /** Claimed runs whose handler runs here: their leases are renewed. */
      const held = new Set<string>()
      const wakeup = Queue.sliding<void>(1)
      const wakeups: Record<JobQueue, Queue.Queue<void>> = {
        critical: yield* wakeup,
        high: yield* wakeup,
        default: yield* wakeup,
        low: yield* wakeup,
        bulk: yield* wakeup
      }
      const wake = (queue: JobQueue) => Effect.asVoid(Queue.offer(wakeups[queue], undefined))

      const wakeAfter = (queue: JobQueue, delay: Duration.Duration) =>
        Effect.asVoid(Effect.forkIn(Effect.delay(wake(queue), delay), scope))

      /** Runs a claimed run on the slot taken for it. */
      const start = (queue: JobQueue, claimed: ClaimedRun) => {
        const runner = runners.get(claimed.kind)
        if (runner === undefined) return queues.release(queue, 1)
        held.add(claimed.id)
        let slotHeld = true
        const handlerDone = Effect.suspend(() => {
          if (!slotHeld) return Effect.void
          slotHeld = false
          return queues.release(queue, 1)
        })
        return runner.run(claimed, handlerDone).pipe(
          Effect.flatMap(Option.match({ onNone: () => Effect.void, onSome: (delay) => wakeAfter(queue, delay) })),
          Effect.catchAllCause((cause) => Effect.logError(`job ${claimed.kind} ${claimed.id}: run failed; its lease will lapse`, cause)),
          Effect.ensuring(Effect.sync(() => held.delete(claimed.id))),
          Effect.ensuring(handlerDone),
          // Started from `enqueueHere`'s uninterruptible region too: the run itself must stay interruptible.
          Effect.interruptible,
          Effect.forkIn(scope),
          Effect.asVoid
        )
      }

      // Returns at once when woken during the claim (the sliding queue keeps one wake-up), so none is lost.
      const idle = (queue: JobQueue) =>
        Effect.raceFirst(Queue.take(wakeups[queue]), Effect.sleep(jobPollInterval))

      const cycle = (queue: JobQueue) =>
        Effect.gen(function* () {
          const kinds = kindsOf.get(queue) ?? []
          if (kinds.length === 0) return yield* idle(queue)
          const slots = yield* queues.takeUpTo(queue, queues.sizes[queue])
          const claimed = yield* leases.claim(queue, kinds, slots).pipe(
            Effect.catchAll((error) => Effect.as(Effect.logWarning(`jobs: claim on ${queue} failed: ${error.message}`), []))
          )
          if (claimed.length < slots) yield* queues.release(queue, slots - claimed.length)
          for (const run of claimed) yield* start(queue, run)
          if (claimed.length < slots) yield* idle(queue)
        })
      for (const queue of JobQueue.literals) yield* Effect.forkScoped(Effect.forever(cycle(queue)))

      // Runs enqueued on other nodes (a trigger notifies their queue at commit). A node alone has no one
      // else to hear from (and the embedded database never delivers notifications).
      if (!isSingleRunner(config)) {
        const pg = yield* PgClient.PgClient
        const heard = pg.listen("job_runs_ready").pipe(
          Stream.runForEach((queue) => Schema.is(JobQueue)(queue) ? wake(queue) : Effect.void),
          Effect.catchAll((error) => Effect.logWarning(`jobs: listening for ready runs failed: ${error.message}`))
        )
        yield* Effect.forkScoped(Effect.repeat(heard, Schedule.spaced(jobPollInterval)))
      }

      // Leases are renewed at a third of their length, so two renewals may fail before one lapses.
      const renew = Effect.suspend(() => leases.renew([...held])).pipe(
        Effect.catchAll((error) => Effect.logWarning(`jobs: lease renewal failed: ${error.message}`))
      )
      yield* Effect.forkScoped(Effect.repeat(renew, Schedule.spaced(Duration.times(jobLease, 1 / 3))))
      const reclaim = leases.reclaimLapsed.pipe(
        Effect.flatMap((queuesOf) => Effect.forEach(queuesOf, wake, { discard: true })),
        Effect.catchAll((error) => Effect.logWarning(`jobs: lease reclaim failed: ${error.message}`))
      )
      yield* Effect.forkScoped(Effect.repeat(reclaim, Schedule.spaced(Duration.times(jobLease, 1 / 3))))

      const enqueueHere = <A, E>(
        kind: string,
        queue: JobQueue,
        insert: (lease: RunLease | undefined) => Effect.Effect<A, E>,
        started: (written: A) => Option.Option<ClaimedRun>
      ) =>
        Effect.uninterruptibleMask((restore) =>
          Effect.gen(function* () {
            const here = runners.has(kind) && (yield* queues.tryTake(queue))
            if (!here) return yield* Effect.zipLeft(restore(insert(undefined)), wake(queue))
            const written = yield* Effect.exit(restore(insert(leases.lease)))
            const claimed = Exit.isSuccess(written) ? started(written.value) : Option.none()
            yield* Option.isSome(claimed) ? start(queue, claimed.value) : queues.release(queue, 1)
            return yield* written
          }))

      return {
        enqueueHere,
        register: (kind, runner) =>
          Effect.suspend(() => {
            runners.set(kind, runner)
            kindsOf.set(runner.queue, [...(kindsOf.get(runner.queue) ?? []), kind])
            return wake(runner.queue)
          }),
        wake
      }
    })
  )
}
