/**
 * The handler of every kind in the catalogue. The mapped type makes a missing kind a compile error:
 * all runners on one database must register the same workflows, or messages for an unknown one fail.
 * Whether a kind runs single-step or durable is the catalogue's `steps`.
 */
import { JobCatalogue } from "@mediaserver/domain"
import {
  type JobCancels,
  type JobDispatch,
  jobHandlerLayer,
  type JobLeases,
  type JobQueues,
  JobRetention,
  type JobRuns,
  type Jobs
} from "@mediaserver/server/jobs"
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
  | WorkflowEngine.WorkflowEngine | JobRuns | JobQueues | JobCancels | JobRetention | JobDispatch | JobLeases | SqlClient.SqlClient | PgClient.PgClient | AppConfig
  | Jobs | Libraries | ScansRepo | ContentRepo | Events | CacheStore | PlaybackSessions | MetadataRefresh
  | ArrInstances | ArrSyncService | ArrWebhooks | NotificationDispatch
>
type Registrations = { readonly [K in keyof JobCatalogue]: Registration }

const registrations: Registrations = {
  "auth.cleanup": jobHandlerLayer(JobCatalogue["auth.cleanup"], () =>
    Effect.asVoid(Effect.flatMap(AuthCleanup, (cleanup) => cleanup.run))).pipe(Layer.provide(AuthCleanup.layer)),
  "activity.cleanup": jobHandlerLayer(JobCatalogue["activity.cleanup"], () => Effect.asVoid(pruneActivityLog)),
  "events.cleanup": jobHandlerLayer(JobCatalogue["events.cleanup"], () => Effect.asVoid(pruneEventOutbox)),
  "scan_history.cleanup": jobHandlerLayer(JobCatalogue["scan_history.cleanup"], () => Effect.asVoid(pruneScanHistory)),
  // Sessions with no heartbeat past the idle timeout (their entity may be gone with its node).
  "playback.health": jobHandlerLayer(JobCatalogue["playback.health"], () =>
    Effect.asVoid(Effect.flatMap(PlaybackSessions, (sessions) => sessions.stopIdle))),
  "jobs.noop": jobHandlerLayer(JobCatalogue["jobs.noop"], () => Effect.void),
  "jobs.retention": jobHandlerLayer(JobCatalogue["jobs.retention"], () =>
    Effect.asVoid(Effect.flatMap(JobRetention, (retention) => retention.run))),
  "statistics.aggregate": jobHandlerLayer(JobCatalogue["statistics.aggregate"], () => Effect.asVoid(aggregateStatistics)),
  "library.scan": jobHandlerLayer(JobCatalogue["library.scan"], scanJob, scanGaveUp),
  "library.match_file": jobHandlerLayer(JobCatalogue["library.match_file"], matchFileJob),
  "library.probe": jobHandlerLayer(JobCatalogue["library.probe"], probeJob).pipe(
    Layer.provide([ProbesRepo.layer, MediaProbe.layer])
  ),
  "metadata.refresh_library": jobHandlerLayer(JobCatalogue["metadata.refresh_library"], refreshLibraryJob),
  "metadata.refresh_movie": jobHandlerLayer(JobCatalogue["metadata.refresh_movie"], refreshMovieJob, refreshGaveUp("movie", (p) => p.movieId)),
  "metadata.refresh_series": jobHandlerLayer(JobCatalogue["metadata.refresh_series"], refreshSeriesJob, refreshGaveUp("series", (p) => p.seriesId)),
  "metadata.refresh_season": jobHandlerLayer(JobCatalogue["metadata.refresh_season"], refreshSeasonJob, refreshGaveUp("season", (p) => p.seasonId)),
  "metadata.refresh_episode": jobHandlerLayer(JobCatalogue["metadata.refresh_episode"], refreshEpisodeJob, refreshGaveUp("episode", (p) => p.episodeId)),
  "metadata.refresh_person": jobHandlerLayer(JobCatalogue["metadata.refresh_person"], refreshPersonJob, refreshGaveUp("person", (p) => p.personId)),
  "metadata.enrich": jobHandlerLayer(JobCatalogue["metadata.enrich"], enrichJob),
  "metadata.download_image": jobHandlerLayer(JobCatalogue["metadata.download_image"], downloadImageJob),
  "search.reindex": jobHandlerLayer(JobCatalogue["search.reindex"], ({ scope }, { runId }) => runReindex(scope, runId)),
  "arr.sync": jobHandlerLayer(JobCatalogue["arr.sync"], arrSyncJob),
  "arr.sync_all": jobHandlerLayer(JobCatalogue["arr.sync_all"], arrSyncAllJob),
  "arr.webhook": jobHandlerLayer(JobCatalogue["arr.webhook"], arrWebhookJob),
  "notify.dispatch": jobHandlerLayer(
    JobCatalogue["notify.dispatch"],
    (payload) => Effect.flatMap(NotificationDispatch, (dispatch) => dispatch.deliver(payload)),
    (payload) => Effect.flatMap(NotificationDispatch, (dispatch) => dispatch.gaveUp(payload))
  )
}

/** Every catalogue kind's workflow, registered on this runner. */
export const JobHandlersLive = Object.values(registrations).reduce<Registration>((all, one) => Layer.merge(all, one), Layer.empty)
