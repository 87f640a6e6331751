/**
 * `ClusterCron` with the tick's time handed to the work. A tick is a persisted entity message, and
 * like every such message it is delivered at least once: a tick whose shard moves while it runs (a
 * second runner joining) runs again on the new owner. ClusterCron's `execute` is not told which tick
 * it runs, so the work cannot make itself idempotent; here it is, and the schedule keys its run by it.
 * Same entity type, message and scheduling as ClusterCron (ticks persisted by either carry on), minus
 * `calculateNextRunFromPrevious`, whose fixed "initial" entity id breaks the chain on restart
 * (Effect-TS/effect#5960): the next tick is the cron's next time after the one that just ran.
 */
import { ClusterSchema, DeliverAt, Entity, type Sharding, Singleton } from "@effect/cluster"
import { Rpc } from "@effect/rpc"
import { Cron, DateTime, Duration, Effect, Exit, Layer, PrimaryKey, Schedule, Schema } from "effect"

class TickPayload extends Schema.Class<TickPayload>("@effect/cluster/ClusterCron/CronPayload")({
  dateTime: Schema.DateTimeUtc
}) {
  // One message per (entity, tick): the entity id is the tick's time.
  [PrimaryKey.symbol]() {
    return ""
  }
  [DeliverAt.symbol]() {
    return this.dateTime
  }
}

/** Ticks older than this when they arrive (a cluster down for long) are skipped, as ClusterCron does. */
const SKIP_OLDER_THAN = Duration.days(1)

const retryNext = Schedule.exponential(200, 1.5).pipe(Schedule.union(Schedule.spaced("1 minute")))

export const tickCron = <E, R>(options: {
  readonly name: string
  readonly cron: Cron.Cron
  readonly execute: (tick: DateTime.Utc) => Effect.Effect<void, E, R>
}): Layer.Layer<never, never, Sharding.Sharding | R> => {
  const TickEntity = Entity.make(`ClusterCron/${options.name}`, [
    Rpc.make("run", { payload: TickPayload }).annotate(ClusterSchema.Persisted, true).annotate(ClusterSchema.Uninterruptible, true)
  ]).annotate(ClusterSchema.ClientTracingEnabled, false)

  const schedule = (client: Effect.Effect.Success<typeof TickEntity.client>, next: DateTime.Utc) =>
    client(DateTime.formatIso(next)).run(new TickPayload({ dateTime: next }), { discard: true })

  const nextTick = Effect.map(DateTime.now, (now) => DateTime.unsafeFromDate(Cron.next(options.cron, now)))

  const first = Singleton.make(
    `ClusterCron/${options.name}`,
    Effect.gen(function* () {
      const client = yield* TickEntity.client
      yield* schedule(client, yield* nextTick)
    })
  )

  const ticks = TickEntity.toLayer(Effect.gen(function* () {
    const client = yield* TickEntity.client
    return {
      run: (request) =>
        Effect.gen(function* () {
          const tick = request.payload.dateTime
          const now = yield* DateTime.now
          const exit = DateTime.lessThan(tick, DateTime.subtractDuration(now, SKIP_OLDER_THAN))
            ? Exit.void
            : yield* Effect.exit(options.execute(tick))
          if (Exit.isFailure(exit)) yield* Effect.logWarning(exit.cause)
          yield* schedule(client, yield* nextTick).pipe(
            Effect.tapErrorCause((cause) => Effect.logWarning("Failed to schedule next run, retrying", cause)),
            Effect.sandbox,
            Effect.retry(retryNext),
            Effect.orDie
          )
        }).pipe(Effect.annotateLogs({ module: "ClusterCron", name: options.name, dateTime: request.payload.dateTime }))
    }
  }))

  return Layer.merge(first, ticks)
}
