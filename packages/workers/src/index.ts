/**
 * Background execution: job handlers, library-scan entities and schedules, registered on every
 * runner (all runners on one database must register the same workflows and entities).
 */
import { AdminJobs } from "@mediaserver/server/jobs"
import { NotificationDispatcherLive } from "@mediaserver/server/notifications"
import { Layer } from "effect"
import { JobHandlersLive } from "./jobs/Registry.js"
import { LibraryWatcherLive } from "./library/LibraryWatcher.js"
import { LibraryScanEntityLive } from "./library/ScanEntity.js"
import { ScanScheduleLive } from "./library/ScanSchedule.js"
import { SchedulesLive } from "./schedules/Schedules.js"

/** Everything this package adds to a node. Each slice's jobs and schedules are merged in here. */
export const WorkersLive = Layer.mergeAll(
  JobHandlersLive,
  SchedulesLive,
  LibraryScanEntityLive.pipe(Layer.provide(AdminJobs.layer)),
  ScanScheduleLive,
  LibraryWatcherLive,
  // Relayed events to notification jobs (the jobs' handler is registered with the others).
  NotificationDispatcherLive
)
