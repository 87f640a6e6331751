/** RPC handlers of `AdminJobsRpcs`: the same service and policy as the REST handlers. */
import { AdminJobsRpcs } from "@mediaserver/domain"
import { Effect, Layer } from "effect"
import { requireAdmin, withPolicy } from "../auth/Policy.js"
import { AdminJobs } from "./AdminJobs.js"

const admin = withPolicy(requireAdmin)

export const AdminJobsRpcLive = AdminJobsRpcs.toLayer(
  Effect.gen(function* () {
    const jobs = yield* AdminJobs
    return {
      JobsList: (query) => admin(jobs.list(query)),
      JobsGet: ({ runId }) => admin(jobs.get(runId)),
      JobsRetry: ({ runId }) => admin(jobs.retry(runId)),
      JobsCancel: ({ runId }) => admin(jobs.cancel(runId))
    }
  })
).pipe(Layer.provide(AdminJobs.layer))
