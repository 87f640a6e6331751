/**
 * The schedule table: which catalogue kinds run periodically, when, and which also run at start-up.
 * Plain data (cron strings, parsed at start-up) so a node's config can override or add entries
 * (`JOB_SCHEDULE_OVERRIDES`, see ScheduleConfig.ts) and tests can run their own per-second ones.
 * Workers run them (workers/src/schedules); API nodes show them to admins and run one on request.
 */
import type { JobCatalogue } from "@mediaserver/domain"

export interface JobScheduleSpec {
  /** The catalogue kind each tick enqueues (with an empty payload). */
  readonly kind: keyof JobCatalogue
  /** Effect `Cron` syntax in UTC; an optional sixth, leading field gives seconds. */
  readonly cron: string
  /**
   * Also enqueue once when a node starts. Every node does; the kind's uniqueness per period makes it
   * one run across the cluster (and absorbs a tick in the same period).
   */
  readonly runOnStart: boolean
}

/** By schedule name (also the ClusterCron name: every runner on one database must have the same). */
export const JobScheduleTable: Readonly<Record<string, JobScheduleSpec>> = {
  // Daily ones staggered at night so they do not compete for the database.
  "auth.cleanup": { kind: "auth.cleanup", cron: "0 3 * * *", runOnStart: true },
  "activity.cleanup": { kind: "activity.cleanup", cron: "15 3 * * *", runOnStart: false },
  // Hourly: the outbox holds every relayed event of the resume window (EVENTS_RETENTION, a day).
  "events.cleanup": { kind: "events.cleanup", cron: "45 * * * *", runOnStart: false },
  "scan_history.cleanup": { kind: "scan_history.cleanup", cron: "30 3 * * *", runOnStart: false },
  "playback.health": { kind: "playback.health", cron: "*/5 * * * *", runOnStart: false },
  "jobs.retention": { kind: "jobs.retention", cron: "30 * * * *", runOnStart: false },
  // Hourly, just after the hour ends. A run covers every hour since the last one written, so ticks
  // missed while the cluster was down are caught up by the next.
  "statistics.aggregate": { kind: "statistics.aggregate", cron: "2 * * * *", runOnStart: false },
  // Radarr/Sonarr: a full sync of every enabled instance hourly (webhooks keep it current between).
  "arr.sync_all": { kind: "arr.sync_all", cron: "45 * * * *", runOnStart: false }
}
