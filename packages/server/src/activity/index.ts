/** The activity log: written in the background by identity and admin operations, read by admins, pruned daily. */
export { ActivityLog } from "./ActivityLog.js"
export { AdminActivityHttpLive } from "./Http.js"
export { AdminActivityRpcLive } from "./Rpc.js"
export { pruneActivityLog } from "./Retention.js"
