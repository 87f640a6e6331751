/**
 * Periodic jobs. Each schedule is a cluster cron (`tickCron`: one chain of ticks across the cluster,
 * even with many runners) whose tick enqueues its kind through `Jobs.enqueue`, so every run is a
 * `job_runs` row. A tick is delivered at least once (again on a runner that takes its shard over while
 * it runs), so its run is keyed by (schedule, tick time): a second delivery finds the first's run.
 * There is no cron run-on-start: each node enqueues the kinds marked so while it starts, and the kind's
 * uniqueness per period makes that one run across the cluster (and absorbs a tick in the same period).
 */
import type { Sharding } from "@effect/cluster"
import { JobCatalogue, JobPayloadInvalid, type JobKind } from "@mediaserver/domain"
import { Jobs, type JobSchedule, scheduleConfig, type ScheduleTick } from "@mediaserver/server/jobs"
import { DateTime, Effect, Layer, Schema } from "effect"
import { tickCron } from "./TickCron.js"

/** One run of `kind` with the empty payload (ScheduleConfig checked at start-up that it decodes). */
const enqueueEmpty = <Name extends string, S extends Schema.Schema.AnyNoContext>(kind: JobKind<Name, S>, tick?: ScheduleTick) =>
  Effect.gen(function* () {
    const payload = yield* Schema.decodeUnknown(kind.payload)({}).pipe(
      Effect.mapError((e) => new JobPayloadInvalid({ kind: kind.name, message: e.message }))
    )
    return yield* Effect.flatMap(Jobs, (jobs) => jobs.enqueue(kind, payload, tick))
  })

const kindOf = (schedule: JobSchedule): JobKind<string, Schema.Schema.AnyNoContext> => JobCatalogue[schedule.kind]

const enqueue = (schedule: JobSchedule, tick?: ScheduleTick) =>
  enqueueEmpty(kindOf(schedule), tick).pipe(
    Effect.tap((runId) => Effect.logDebug(`schedule ${schedule.name}: run ${runId}`)),
    Effect.asVoid
  )

const cron = (schedule: JobSchedule) =>
  tickCron({
    name: `jobs/${schedule.name}`,
    cron: schedule.cron,
    execute: (at) => enqueue(schedule, { schedule: schedule.name, at: DateTime.toDateUtc(at) })
  })

/** Start-up is not held up by a failed run-on-start: the next tick runs the kind anyway. */
const runOnStart = (schedules: ReadonlyArray<JobSchedule>) =>
  Layer.effectDiscard(
    Effect.forEach(
      schedules.filter((s) => s.runOnStart),
      (s) => enqueue(s).pipe(Effect.catchAll((e) => Effect.logWarning(`schedule ${s.name}: run on start failed`, e))),
      { concurrency: "unbounded", discard: true }
    )
  )

type SchedulesLayer = Layer.Layer<never, never, Jobs | Sharding.Sharding>

/** The given schedules on this runner (tests may pass their own, see `resolveSchedules`). */
export const schedulesLayer = (schedules: ReadonlyArray<JobSchedule>): SchedulesLayer =>
  schedules.reduce<SchedulesLayer>((all, s) => Layer.merge(all, cron(s)), runOnStart(schedules))

/** The table's schedules with this node's `JOB_SCHEDULE_OVERRIDES`. */
export const SchedulesLive = Layer.unwrapEffect(Effect.map(scheduleConfig, schedulesLayer))
