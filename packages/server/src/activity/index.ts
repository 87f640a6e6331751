/** The activity log: written in the background by identity and admin operations, pruned daily. */
export { ActivityLog } from "./ActivityLog.js"
export { pruneActivityLog } from "./Retention.js"
