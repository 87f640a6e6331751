/** Server statistics: aggregated hourly by a job (workers), read by admins for a dashboard. */
export { type AggregateResult, aggregateStatistics } from "./Aggregate.js"
export { AdminStatisticsHttpLive } from "./Http.js"
export { AdminStatisticsRpcLive } from "./Rpc.js"
export { Statistics } from "./Statistics.js"
