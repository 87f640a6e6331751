/**
 * Job visibility for admins (REST and RPC): list runs by kind, queue and state (newest first), get one,
 * retry a failed or discarded one (as a new run), cancel a queued or running one; the schedules with
 * their next run, and running a scheduled job now.
 */
import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import { Conflict, Forbidden, HttpConflict, HttpForbidden, HttpNotFound, HttpUnavailable, NotFound, Unavailable } from "./errors.js"
import { Authentication, RpcAuthentication } from "./identity.js"
import { JobQueue, JobRun, JobRunState } from "./jobs.js"
import { pageFields, pageResultFields, pageUrlFields } from "./paging.js"
import { about, doc } from "./apiDocs.js"

const filterFields = {
  kind: Schema.optional(Schema.String),
  queue: Schema.optional(JobQueue),
  state: Schema.optional(JobRunState)
}

/** The filter and page of a run listing, as services and RPC take it. */
export const JobRunsQuery = Schema.Struct({
  ...filterFields,
  ...pageFields
})
export type JobRunsQuery = typeof JobRunsQuery.Type

/** The same as URL parameters (numbers arrive as strings). */
export const JobRunsUrlParams = Schema.Struct({
  ...filterFields,
  ...pageUrlFields
})

export class JobRunsPage extends Schema.Class<JobRunsPage>("JobRunsPage")({
  items: Schema.Array(JobRun),
  ...pageResultFields
}) {}

export const JobRunId = Schema.Struct({ runId: Schema.UUID })

/** A periodic job (the schedule table with the node's JOB_SCHEDULE_OVERRIDES). */
export class JobScheduleInfo extends Schema.Class<JobScheduleInfo>("JobScheduleInfo")({
  name: Schema.String,
  /** The job kind each run enqueues. */
  kind: Schema.String,
  /** Cron expression, UTC. */
  cron: Schema.String,
  runOnStart: Schema.Boolean,
  /** When the next tick is due. */
  nextRunAt: Schema.DateTimeUtc
}) {}

export const ScheduleName = Schema.Struct({ name: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100)) })

export class AdminJobsApi extends HttpApiGroup.make("adminJobs")
  .annotateContext(about("Admin: background job runs (scans, metadata, sync, cleanup): list them by kind and state, see attempts and last error, retry or cancel them, and run a scheduled job now."))
  .add(
    HttpApiEndpoint.get("list", "/admin/jobs").setUrlParams(JobRunsUrlParams).addSuccess(JobRunsPage)
      .annotateContext(doc("List job runs", "Job runs by page, filtered by kind, queue and state, newest first."))
  )
  .add(
    HttpApiEndpoint.get("schedules", "/admin/jobs/schedules").addSuccess(Schema.Array(JobScheduleInfo))
      .annotateContext(doc("List schedules", "Every scheduled job with its kind, cron expression and when it runs next."))
  )
  .add(
    HttpApiEndpoint.post("runSchedule", "/admin/jobs/schedules/:name")
      .setPath(ScheduleName)
      .addSuccess(JobRun, { status: 201 })
      .addError(HttpNotFound)
      .annotateContext(doc("Run a scheduled job now", "Starts the scheduled job `{name}` at once, outside its schedule, and answers the new run."))
  )
  .add(
    HttpApiEndpoint.get("get", "/admin/jobs/:runId").setPath(JobRunId).addSuccess(JobRun).addError(HttpNotFound)
      .annotateContext(doc("Get a job run", "One run with its arguments, state, attempts and last error."))
  )
  .add(
    HttpApiEndpoint.post("retry", "/admin/jobs/:runId/retry")
      .setPath(JobRunId)
      .addSuccess(JobRun, { status: 201 })
      .addError(HttpNotFound)
      .addError(HttpConflict)
      .annotateContext(doc("Retry a job run", "Starts a failed, discarded or cancelled run again as a new run. 409 while it is queued or running."))
  )
  .add(
    HttpApiEndpoint.post("cancel", "/admin/jobs/:runId/cancel")
      .setPath(JobRunId)
      .addSuccess(JobRun)
      .addError(HttpNotFound)
      .addError(HttpConflict)
      .annotateContext(doc("Cancel a job run", "Cancels a queued or running run. 409 when it has already finished."))
  )
  .middleware(Authentication)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

export class AdminJobsRpcs extends RpcGroup.make(
  Rpc.make("JobsList", { payload: JobRunsQuery, success: JobRunsPage, error: Schema.Union(Forbidden, Unavailable) }),
  Rpc.make("JobsGet", { payload: JobRunId, success: JobRun, error: Schema.Union(Forbidden, NotFound, Unavailable) }),
  Rpc.make("JobsRetry", {
    payload: JobRunId,
    success: JobRun,
    error: Schema.Union(Forbidden, NotFound, Conflict, Unavailable)
  }),
  Rpc.make("JobsSchedules", { success: Schema.Array(JobScheduleInfo), error: Schema.Union(Forbidden, Unavailable) }),
  Rpc.make("JobsRunSchedule", { payload: ScheduleName, success: JobRun, error: Schema.Union(Forbidden, NotFound, Unavailable) }),
  Rpc.make("JobsCancel", {
    payload: JobRunId,
    success: JobRun,
    error: Schema.Union(Forbidden, NotFound, Conflict, Unavailable)
  })
).middleware(RpcAuthentication) {}
