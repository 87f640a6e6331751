/**
 * Background jobs on the cluster: the workflow engine (over the node's Sharding and SQL message
 * storage), enqueueing, run records and per-node queue caps. Handlers are registered by workers.
 */
import { ClusterWorkflowEngine } from "@effect/cluster"
import { Layer } from "effect"
import { JobCancels } from "./JobCancels.js"
import { JobQueues } from "./JobQueues.js"
import { JobRetention } from "./JobRetention.js"
import { JobRuns } from "./JobRuns.js"
import { Jobs } from "./Jobs.js"

export { AdminJobs } from "./AdminJobs.js"
export { JobCancels } from "./JobCancels.js"
export { JobQueues } from "./JobQueues.js"
export { JobRetention } from "./JobRetention.js"
export { JobRuns } from "./JobRuns.js"
export { Jobs, type ScheduleTick } from "./Jobs.js"
export * from "./ScheduleConfig.js"
export * from "./ScheduleTable.js"
export * from "./JobWorkflow.js"

export const JobsLive = Jobs.layer.pipe(
  Layer.provideMerge(Layer.mergeAll(JobRuns.layer, JobQueues.layer, JobCancels.layer, JobRetention.layer)),
  Layer.provideMerge(ClusterWorkflowEngine.layer)
)
