/**
 * Background jobs: enqueueing, run records, per-node queue caps, single-step runs claimed from the run
 * records and durable runs on the cluster's workflow engine (over the node's Sharding and SQL message
 * storage). Handlers are registered by workers.
 */
import { ClusterWorkflowEngine } from "@effect/cluster"
import { Layer } from "effect"
import { JobCancels } from "./JobCancels.js"
import { JobDispatch } from "./JobDispatch.js"
import { JobLeases } from "./JobLeases.js"
import { JobQueues } from "./JobQueues.js"
import { JobRetention } from "./JobRetention.js"
import { JobRuns } from "./JobRuns.js"
import { Jobs } from "./Jobs.js"

export { AdminJobs } from "./AdminJobs.js"
export { JobCancels } from "./JobCancels.js"
export { JobDispatch } from "./JobDispatch.js"
export { JobLeases } from "./JobLeases.js"
export { JobQueues } from "./JobQueues.js"
export { JobRetention } from "./JobRetention.js"
export { JobRuns } from "./JobRuns.js"
export { Jobs, type ScheduleTick } from "./Jobs.js"
export * from "./ScheduleConfig.js"
export * from "./ScheduleTable.js"
export { type AnyJobKind, type GiveUp, type JobContext, type JobHandler, type JobHandlerError } from "./JobAttempt.js"
export { jobExecutionId, jobWorkflow, startRun } from "./JobWorkflow.js"
export { jobHandlerLayer } from "./JobHandlers.js"

const JobStores = Layer.mergeAll(JobRuns.layer, JobQueues.layer, JobCancels.layer, JobRetention.layer, JobLeases.layer)

export const JobsLive = Jobs.layer.pipe(
  Layer.provideMerge(JobDispatch.layer),
  Layer.provideMerge(JobStores),
  Layer.provideMerge(ClusterWorkflowEngine.layer)
)
