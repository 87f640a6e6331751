/**
 * The schedules a node runs: the table plus `JOB_SCHEDULE_OVERRIDES`, read through Effect Config and
 * checked at start-up (a bad cron, an unknown kind or one that needs a payload stops the node with a
 * ConfigError naming the schedule).
 *
 * `JOB_SCHEDULE_OVERRIDES` is a JSON object by schedule name. For a name in the table any of `cron`,
 * `kind`, `runOnStart` replaces the table's; a new name adds a schedule and needs `kind` and `cron`:
 *   JOB_SCHEDULE_OVERRIDES='{"jobs.retention":{"cron":"15 * * * *"},"tick":{"kind":"jobs.noop","cron":"* * * * * *"}}'
 * Every runner on one database must use the same overrides: each schedule is a cluster entity type.
 */
import { JobCatalogue } from "@mediaserver/domain"
import { Config, ConfigError, Cron, Either, Option, Schema } from "effect"
import { type JobScheduleSpec, JobScheduleTable } from "./ScheduleTable.js"

export const OVERRIDES_KEY = "JOB_SCHEDULE_OVERRIDES"

/** A schedule ready to run: its cron parsed (UTC). */
export interface JobSchedule {
  readonly name: string
  readonly kind: keyof JobCatalogue
  readonly cron: Cron.Cron
  /** The cron as written (shown to admins). */
  readonly expression: string
  readonly runOnStart: boolean
}

const isCatalogueKind = (name: string): name is keyof JobCatalogue => Object.hasOwn(JobCatalogue, name)

const CatalogueKind = Schema.String.pipe(
  Schema.filter(isCatalogueKind, { message: (issue) => `unknown job kind ${JSON.stringify(issue.actual)}` })
)

const Override = Schema.Struct({
  kind: Schema.optional(CatalogueKind),
  cron: Schema.optional(Schema.String),
  runOnStart: Schema.optional(Schema.Boolean)
})

export const ScheduleOverrides = Schema.parseJson(Schema.Record({ key: Schema.String, value: Override }))
export type ScheduleOverrides = typeof ScheduleOverrides.Type

const invalid = (name: string, message: string) => ConfigError.InvalidData([], `${OVERRIDES_KEY}: schedule "${name}": ${message}`)

const resolveOne = (name: string, spec: JobScheduleSpec): Either.Either<JobSchedule, ConfigError.ConfigError> =>
  Either.gen(function* () {
    const cron = yield* Either.mapLeft(Cron.parse(spec.cron, "UTC"), (e) => invalid(name, e.message))
    // Ticks enqueue with an empty payload; a kind that needs more cannot be scheduled.
    const payload: Schema.Schema.AnyNoContext = JobCatalogue[spec.kind].payload
    yield* Either.mapLeft(Schema.decodeUnknownEither(payload)({}), () =>
      invalid(name, `kind ${spec.kind} needs a payload; only kinds with an empty payload can be scheduled`))
    return { name, kind: spec.kind, cron, expression: spec.cron, runOnStart: spec.runOnStart }
  })

/** A table with overrides applied, every entry parsed. Tests use it to build schedules of their own. */
export const resolveSchedules = (
  table: Readonly<Record<string, JobScheduleSpec>>,
  overrides: ScheduleOverrides = {}
): Either.Either<ReadonlyArray<JobSchedule>, ConfigError.ConfigError> =>
  Either.gen(function* () {
    const specs: Record<string, JobScheduleSpec> = { ...table }
    for (const [name, override] of Object.entries(overrides)) {
      const base = specs[name]
      const kind = override.kind ?? base?.kind
      const cron = override.cron ?? base?.cron
      if (kind === undefined || cron === undefined) return yield* Either.left(invalid(name, "a new schedule needs kind and cron"))
      specs[name] = { kind, cron, runOnStart: override.runOnStart ?? base?.runOnStart ?? false }
    }
    return yield* Either.all(Object.entries(specs).map(([name, spec]) => resolveOne(name, spec)))
  })

/** The node's schedules: the table, with `JOB_SCHEDULE_OVERRIDES` when set. */
export const scheduleConfig: Config.Config<ReadonlyArray<JobSchedule>> = Config.option(Config.string(OVERRIDES_KEY)).pipe(
  Config.mapOrFail((raw) =>
    Either.flatMap(
      Option.match(raw, {
        onNone: () => Either.right({}),
        onSome: (json) =>
          Either.mapLeft(Schema.decodeUnknownEither(ScheduleOverrides)(json), (e) =>
            ConfigError.InvalidData([], `${OVERRIDES_KEY}: ${e.message.replace(/\s+/g, " ")}`))
      }),
      (overrides) => resolveSchedules(JobScheduleTable, overrides)
    )
  )
)
