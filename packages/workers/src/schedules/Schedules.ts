/**
 * Periodic jobs. Each schedule is a `ClusterCron` (one run per tick across the cluster, even with many
 * runners) whose tick enqueues its kind through `Jobs.enqueue`, so every run is a `job_runs` row and
 * the kind's uniqueness per period applies. ClusterCron has no run-on-start: each node enqueues the
 * kinds marked so while it starts, and that same uniqueness makes it one run across the cluster.
 * That uniqueness (a period at least the cron's interval, true of every entry in the table) also
 * absorbs a tick ClusterCron runs twice, seen rarely while a runner joins and shards move.
 * Not `calculateNextRunFromPrevious`: its fixed "initial" entity id breaks the chain on restart
 * (Effect-TS/effect#5960); ticks are keyed by their time instead.
 */
import { ClusterCron, type Sharding } from "@effect/cluster"
import { JobCatalogue, JobPayloadInvalid, type JobKind } from "@mediaserver/domain"
import { Jobs } from "@mediaserver/server/jobs"
import { Effect, Layer, Schema } from "effect"
import { type JobSchedule, scheduleConfig } from "./ScheduleConfig.js"

/** One run of `kind` with the empty payload (ScheduleConfig checked at start-up that it decodes). */
const enqueueEmpty = <Name extends string, S extends Schema.Schema.AnyNoContext>(kind: JobKind<Name, S>) =>
  Effect.gen(function* () {
    const payload = yield* Schema.decodeUnknown(kind.payload)({}).pipe(
      Effect.mapError((e) => new JobPayloadInvalid({ kind: kind.name, message: e.message }))
    )
    return yield* Effect.flatMap(Jobs, (jobs) => jobs.enqueue(kind, payload))
  })

const kindOf = (schedule: JobSchedule): JobKind<string, Schema.Schema.AnyNoContext> => JobCatalogue[schedule.kind]

const tick = (schedule: JobSchedule) =>
  enqueueEmpty(kindOf(schedule)).pipe(
    Effect.tap((runId) => Effect.logDebug(`schedule ${schedule.name}: run ${runId}`)),
    Effect.asVoid
  )

const cron = (schedule: JobSchedule) =>
  ClusterCron.make({ name: `jobs/${schedule.name}`, cron: schedule.cron, execute: tick(schedule) })

/** Start-up is not held up by a failed run-on-start: the next tick runs the kind anyway. */
const runOnStart = (schedules: ReadonlyArray<JobSchedule>) =>
  Layer.effectDiscard(
    Effect.forEach(
      schedules.filter((s) => s.runOnStart),
      (s) => tick(s).pipe(Effect.catchAll((e) => Effect.logWarning(`schedule ${s.name}: run on start failed`, e))),
      { concurrency: "unbounded", discard: true }
    )
  )

type SchedulesLayer = Layer.Layer<never, never, Jobs | Sharding.Sharding>

/** The given schedules on this runner (tests may pass their own, see `resolveSchedules`). */
export const schedulesLayer = (schedules: ReadonlyArray<JobSchedule>): SchedulesLayer =>
  schedules.reduce<SchedulesLayer>((all, s) => Layer.merge(all, cron(s)), runOnStart(schedules))

/** The table's schedules with this node's `JOB_SCHEDULE_OVERRIDES`. */
export const SchedulesLive = Layer.unwrapEffect(Effect.map(scheduleConfig, schedulesLayer))
