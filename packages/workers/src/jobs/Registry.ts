/**
 * The handler of every kind in the catalogue. The mapped type makes a missing kind a compile error:
 * all runners on one database must register the same workflows, or messages for an unknown one fail.
 */
import { JobCatalogue } from "@mediaserver/domain"
import { type JobCancels, type JobQueues, JobRetention, type JobRuns, type Jobs, jobWorkflowLayer } from "@mediaserver/server/jobs"
import type { WorkflowEngine } from "@effect/workflow"
import type { SqlClient } from "@effect/sql"
import type { PgClient } from "@effect/sql-pg"
import { pruneActivityLog } from "@mediaserver/server/activity"
import { AuthCleanup } from "@mediaserver/server/auth"
import { pruneEventOutbox } from "@mediaserver/server/events"
import type { AppConfig } from "@mediaserver/server/config"
import type { ContentRepo, Events, Libraries, ScansRepo } from "@mediaserver/server/library"
import type { MetadataRefresh } from "@mediaserver/server/metadata"
import type { ArrInstances, ArrSyncService, ArrWebhooks } from "@mediaserver/server/integrations"
import { NotificationDispatch } from "@mediaserver/server/notifications"
import { MediaProbe } from "@mediaserver/server/library"
import { ProbesRepo, pruneScanHistory } from "@mediaserver/server/library"
import { PlaybackSessions } from "@mediaserver/server/playback"
import { Effect, Layer } from "effect"
import { arrSyncAllJob, arrSyncJob, arrWebhookJob } from "../integrations/ArrJobs.js"
import { matchFileJob } from "../library/MatchFileJob.js"
import { probeJob } from "../library/ProbeJob.js"
import { scanGaveUp, scanJob } from "../library/ScanJob.js"
import { CacheStore } from "@mediaserver/server/cache"
import { runReindex } from "@mediaserver/server/search"
import { aggregateStatistics } from "@mediaserver/server/statistics"
import {
  downloadImageJob,
  enrichJob,
  refreshEpisodeJob,
  refreshGaveUp,
  refreshLibraryJob,
  refreshMovieJob,
  refreshPersonJob,
  refreshSeasonJob,
  refreshSeriesJob
} from "../metadata/MetadataJobs.js"

/** What the node provides to every handler. */
type Registration = Layer.Layer<
  never,
  never,
  | WorkflowEngine.WorkflowEngine | JobRuns | JobQueues | JobCancels | JobRetention | SqlClient.SqlClient | PgClient.PgClient | AppConfig
  | Jobs | Libraries | ScansRepo | ContentRepo | Events | CacheStore | PlaybackSessions | MetadataRefresh
  | ArrInstances | ArrSyncService | ArrWebhooks | NotificationDispatch
>
type Registrations = { readonly [K in keyof JobCatalogue]: Registration }

const registrations: Registrations = {
  "auth.cleanup": jobWorkflowLayer(JobCatalogue["auth.cleanup"], () =>
    Effect.asVoid(Effect.flatMap(AuthCleanup, (cleanup) => cleanup.run))).pipe(Layer.provide(AuthCleanup.layer)),
  "activity.cleanup": jobWorkflowLayer(JobCatalogue["activity.cleanup"], () => Effect.asVoid(pruneActivityLog)),
  "events.cleanup": jobWorkflowLayer(JobCatalogue["events.cleanup"], () => Effect.asVoid(pruneEventOutbox)),
  "scan_history.cleanup": jobWorkflowLayer(JobCatalogue["scan_history.cleanup"], () => Effect.asVoid(pruneScanHistory)),
  // Sessions with no heartbeat past the idle timeout (their entity may be gone with its node).
  "playback.health": jobWorkflowLayer(JobCatalogue["playback.health"], () =>
    Effect.asVoid(Effect.flatMap(PlaybackSessions, (sessions) => sessions.stopIdle))),
  "jobs.noop": jobWorkflowLayer(JobCatalogue["jobs.noop"], () => Effect.void),
  "jobs.retention": jobWorkflowLayer(JobCatalogue["jobs.retention"], () =>
    Effect.asVoid(Effect.flatMap(JobRetention, (retention) => retention.run))),
  "statistics.aggregate": jobWorkflowLayer(JobCatalogue["statistics.aggregate"], () => Effect.asVoid(aggregateStatistics)),
  "library.scan": jobWorkflowLayer(JobCatalogue["library.scan"], scanJob, scanGaveUp),
  "library.match_file": jobWorkflowLayer(JobCatalogue["library.match_file"], matchFileJob),
  "library.probe": jobWorkflowLayer(JobCatalogue["library.probe"], probeJob).pipe(
    Layer.provide([ProbesRepo.layer, MediaProbe.layer])
  ),
  "metadata.refresh_library": jobWorkflowLayer(JobCatalogue["metadata.refresh_library"], refreshLibraryJob),
  "metadata.refresh_movie": jobWorkflowLayer(JobCatalogue["metadata.refresh_movie"], refreshMovieJob, refreshGaveUp("movie", (p) => p.movieId)),
  "metadata.refresh_series": jobWorkflowLayer(JobCatalogue["metadata.refresh_series"], refreshSeriesJob, refreshGaveUp("series", (p) => p.seriesId)),
  "metadata.refresh_season": jobWorkflowLayer(JobCatalogue["metadata.refresh_season"], refreshSeasonJob, refreshGaveUp("season", (p) => p.seasonId)),
  "metadata.refresh_episode": jobWorkflowLayer(JobCatalogue["metadata.refresh_episode"], refreshEpisodeJob, refreshGaveUp("episode", (p) => p.episodeId)),
  "metadata.refresh_person": jobWorkflowLayer(JobCatalogue["metadata.refresh_person"], refreshPersonJob, refreshGaveUp("person", (p) => p.personId)),
  "metadata.enrich": jobWorkflowLayer(JobCatalogue["metadata.enrich"], enrichJob),
  "metadata.download_image": jobWorkflowLayer(JobCatalogue["metadata.download_image"], downloadImageJob),
  "search.reindex": jobWorkflowLayer(JobCatalogue["search.reindex"], ({ scope }, { runId }) => runReindex(scope, runId)),
  "arr.sync": jobWorkflowLayer(JobCatalogue["arr.sync"], arrSyncJob),
  "arr.sync_all": jobWorkflowLayer(JobCatalogue["arr.sync_all"], arrSyncAllJob),
  "arr.webhook": jobWorkflowLayer(JobCatalogue["arr.webhook"], arrWebhookJob),
  "notify.dispatch": jobWorkflowLayer(
    JobCatalogue["notify.dispatch"],
    (payload) => Effect.flatMap(NotificationDispatch, (dispatch) => dispatch.deliver(payload)),
    (payload) => Effect.flatMap(NotificationDispatch, (dispatch) => dispatch.gaveUp(payload))
  )
}

/** Every catalogue kind's workflow, registered on this runner. */
export const JobHandlersLive = Object.values(registrations).reduce<Registration>((all, one) => Layer.merge(all, one), Layer.empty)
