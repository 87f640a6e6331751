/** REST handlers of the admin jobs group: admin only, one policy line each. */
import { HttpApiBuilder } from "@effect/platform"
import { MediaApi } from "@mediaserver/domain"
import { Effect, Layer } from "effect"
import { requireAdmin, withPolicy } from "../auth/Policy.js"
import { AdminJobs } from "./AdminJobs.js"

const admin = withPolicy(requireAdmin)

export const AdminJobsHttpLive = HttpApiBuilder.group(MediaApi, "adminJobs", (handlers) =>
  Effect.gen(function* () {
    const jobs = yield* AdminJobs
    return handlers
      .handle("list", ({ urlParams }) => admin(jobs.list(urlParams)))
      .handle("get", ({ path }) => admin(jobs.get(path.runId)))
      .handle("retry", ({ path }) => admin(jobs.retry(path.runId)))
      .handle("cancel", ({ path }) => admin(jobs.cancel(path.runId)))
  })
).pipe(Layer.provide(AdminJobs.layer))
