/** RPC handlers of `AdminJobsRpcs`: the operations of Operations.ts. */
import { AdminJobsRpcs } from "@mediaserver/domain"
import { Layer } from "effect"
import { AdminJobs } from "./AdminJobs.js"
import { makeAdminJobsOperations } from "./Operations.js"

export const AdminJobsRpcLive = AdminJobsRpcs.toLayer(makeAdminJobsOperations).pipe(Layer.provide(AdminJobs.layer))
