/** REST handlers of the admin jobs group: each maps its request onto one operation (Operations.ts). */
import { HttpApiBuilder } from "@effect/platform"
import { MediaApi } from "@mediaserver/domain"
import { Effect, Layer } from "effect"
import { AdminJobs } from "./AdminJobs.js"
import { makeAdminJobsOperations } from "./Operations.js"

export const AdminJobsHttpLive = HttpApiBuilder.group(MediaApi, "adminJobs", (handlers) =>
  Effect.map(makeAdminJobsOperations, (op) =>
    handlers
      .handle("list", ({ urlParams }) => op.JobsList(urlParams))
      .handle("get", ({ path }) => op.JobsGet(path))
      .handle("retry", ({ path }) => op.JobsRetry(path))
      .handle("cancel", ({ path }) => op.JobsCancel(path))
      .handle("schedules", () => op.JobsSchedules())
      .handle("runSchedule", ({ path }) => op.JobsRunSchedule(path))
  )).pipe(Layer.provide(AdminJobs.layer))
