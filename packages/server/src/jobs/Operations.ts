/** Every admin jobs operation once (named as in AdminJobsRpcs): admin only. */
import { AdminJobsRpcs } from "@mediaserver/domain"
import { Effect } from "effect"
import { requireAdmin, withPolicy } from "../access/Policy.js"
import { AdminJobs } from "./AdminJobs.js"

export const makeAdminJobsOperations = Effect.gen(function* () {
  const jobs = yield* AdminJobs
  const admin = withPolicy(requireAdmin)
  return AdminJobsRpcs.of({
    JobsList: (query) => admin(jobs.list(query)),
    JobsGet: ({ runId }) => admin(jobs.get(runId)),
    JobsRetry: ({ runId }) => admin(jobs.retry(runId)),
    JobsCancel: ({ runId }) => admin(jobs.cancel(runId)),
    JobsSchedules: () => admin(jobs.schedules),
    JobsRunSchedule: ({ name }) => admin(jobs.runSchedule(name))
  })
})
