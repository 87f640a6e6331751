/**
 * The job catalogue: every kind of background job, declared once (payload schema, queue, attempts,
 * backoff, timeout, uniqueness, discarding errors). No I/O: the engine lives in server, the handlers
 * in workers. Later slices add their kinds to `JobCatalogue`.
 */
import { Duration, Schema } from "effect"
import { EpisodeId, MovieId, PersonId, SeasonId, SeriesId } from "./contentIds.js"
import type { ErrorFamily } from "./errors.js"
import { ArrInstanceId } from "./integrations.js"
import { LibraryId, ScanId } from "./libraries.js"
import { DomainEvent } from "./events.js"
import { NotificationAgentId } from "./notifications.js"
import { ReindexScope } from "./search.js"

/** Queues and how many handlers of each may run at once on one node (configurable per node). */
export const JobQueue = Schema.Literal("critical", "high", "default", "low", "bulk")
export type JobQueue = typeof JobQueue.Type
export const defaultQueueConcurrency: Readonly<Record<JobQueue, number>> = {
  critical: 20,
  high: 15,
  default: 10,
  low: 5,
  bulk: 3
}

export const JobRunState = Schema.Literal(
  "queued",
  "running",
  "retrying",
  "completed",
  "failed",
  "discarded",
  "cancelled"
)
export type JobRunState = typeof JobRunState.Type
export const finishedStates: ReadonlyArray<JobRunState> = ["completed", "failed", "discarded", "cancelled"]

export interface JobBackoff {
  readonly base: Duration.Duration
  readonly max: Duration.Duration
}

export interface JobUniqueness {
  /**
   * Without a period a run is unique while it is unfinished (queued, running, retrying). With one,
   * unique per time bucket of that length, whatever its state (e.g. a sync at most once per 5 min).
   */
  readonly period?: Duration.Duration
}

/**
 * How a kind's runs execute. `single`: one handler call per attempt, claimed straight from `job_runs`
 * (many runs per statement, a lease renewed while it runs, taken over when its node stops renewing it).
 * `durable`: a workflow execution per run on the cluster's engine, for long runs whose progress the
 * engine should carry across nodes. Every guarantee (queues, retries, discard, uniqueness, cancel,
 * transactional enqueue, retention, takeover) holds for both.
 */
export const JobSteps = Schema.Literal("single", "durable")
export type JobSteps = typeof JobSteps.Type

export interface JobKind<Name extends string, S extends Schema.Schema.AnyNoContext> {
  readonly name: Name
  readonly payload: S
  readonly steps: JobSteps
  readonly queue: JobQueue
  readonly maxAttempts: number
  readonly backoff: JobBackoff
  /** Per attempt; a timed-out attempt is interrupted and counts as a retryable failure. */
  readonly timeout: Duration.Duration
  /** By args (the encoded payload); none when absent. */
  readonly unique?: JobUniqueness
}

export interface JobKindSpec<Name extends string, S extends Schema.Schema.AnyNoContext> {
  readonly name: Name
  readonly payload: S
  readonly steps: JobSteps
  readonly queue: JobQueue
  readonly maxAttempts: number
  readonly backoff: { readonly base: Duration.DurationInput; readonly max: Duration.DurationInput }
  readonly timeout: Duration.DurationInput
  readonly unique?: { readonly period?: Duration.DurationInput }
}

export const defineJob = <const Name extends string, S extends Schema.Schema.AnyNoContext>(
  spec: JobKindSpec<Name, S>
): JobKind<Name, S> => ({
  name: spec.name,
  payload: spec.payload,
  steps: spec.steps,
  queue: spec.queue,
  maxAttempts: Math.max(1, Math.floor(spec.maxAttempts)),
  backoff: { base: Duration.decode(spec.backoff.base), max: Duration.decode(spec.backoff.max) },
  timeout: Duration.decode(spec.timeout),
  ...(spec.unique === undefined
    ? {}
    : { unique: spec.unique.period === undefined ? {} : { period: Duration.decode(spec.unique.period) } })
})

/** Jitter adds up to this share of the delay, never less: a delay is never shorter than its backoff. */
const JITTER = 0.25

/**
 * Delay before attempt `attempt + 1`: base * 2^(attempt-1) capped at max, plus jitter (`random` in
 * [0, 1)); at least `retryAfterMs` when the upstream said so (429 Retry-After).
 */
export const backoffDelay = (
  backoff: JobBackoff,
  attempt: number,
  random: number,
  retryAfterMs?: number
): Duration.Duration => {
  const exponential = Duration.toMillis(backoff.base) * 2 ** Math.max(0, attempt - 1)
  const capped = Math.min(Duration.toMillis(backoff.max), exponential)
  const jittered = capped * (1 + JITTER * Math.min(Math.max(random, 0), 1))
  return Duration.millis(Math.ceil(Math.max(jittered, retryAfterMs ?? 0)))
}

// --- errors -----------------------------------------------------------------------------------

/** One attempt failed; what the engine keeps of a handler's error (it must survive serialisation). */
export class JobAttemptFailed extends Schema.TaggedError<JobAttemptFailed>()("JobAttemptFailed", {
  errorTag: Schema.String,
  message: Schema.String,
  discard: Schema.Boolean,
  retryAfterMs: Schema.optional(Schema.Number)
}) {
  /** The family the handler's error had. */
  get family(): ErrorFamily {
    return this.discard ? "Discard" : "Retryable"
  }
}

/** An attempt ran past its kind's timeout and was interrupted. Retryable. */
export class JobTimeout extends Schema.TaggedError<JobTimeout>()("JobTimeout", {
  kind: Schema.String,
  timeoutMs: Schema.Number,
  message: Schema.String
}) {
  get family(): "Retryable" {
    return "Retryable"
  }
}

/** The run ended without success: attempts exhausted, discarded, or a defect in its handler. */
export class JobRunFailed extends Schema.TaggedError<JobRunFailed>()("JobRunFailed", {
  runId: Schema.String,
  kind: Schema.String,
  state: Schema.Literal("failed", "discarded"),
  message: Schema.String
}) {
  get family(): "Discard" {
    return "Discard"
  }
}

/** The payload given to `enqueue` does not encode with its kind's schema. */
export class JobPayloadInvalid extends Schema.TaggedError<JobPayloadInvalid>()("JobPayloadInvalid", {
  kind: Schema.String,
  message: Schema.String
}) {
  get family(): "Discard" {
    return "Discard"
  }
}

/** A run as the run records show it (for visibility and retention). Dates encode as ISO strings (JSON APIs). */
export class JobRun extends Schema.Class<JobRun>("JobRun")({
  id: Schema.String,
  kind: Schema.String,
  queue: JobQueue,
  state: JobRunState,
  attempt: Schema.Number,
  maxAttempts: Schema.Number,
  lastError: Schema.NullOr(Schema.String),
  payload: Schema.Unknown,
  insertedAt: Schema.Date,
  startedAt: Schema.NullOr(Schema.Date),
  finishedAt: Schema.NullOr(Schema.Date)
}) {}

// --- catalogue --------------------------------------------------------------------------------

const NoPayload = Schema.Struct({})

/** Periodic upkeep (cleanups, syncs, statistics): 3 attempts, low queue; unique per hour so a run-on-start and a tick do not both run. */
const periodic = <const Name extends string>(name: Name) =>
  defineJob({
    name,
    payload: NoPayload,
    steps: "single",
    queue: "low",
    maxAttempts: 3,
    backoff: { base: "30 seconds", max: "10 minutes" },
    timeout: "10 minutes",
    unique: { period: "1 hour" }
  })

export const AuthCleanupJob = periodic("auth.cleanup")
export const ActivityCleanupJob = periodic("activity.cleanup")
/** Relayed events past the resume window (EVENTS_RETENTION). */
export const EventsCleanupJob = periodic("events.cleanup")
export const ScanHistoryCleanupJob = periodic("scan_history.cleanup")
export const JobRetentionJob = periodic("jobs.retention")
/** Hourly: the statistics of the hours and days since the last run (StatisticsAggregate). */
export const StatisticsAggregateJob = periodic("statistics.aggregate")

export const PlaybackHealthJob = defineJob({
  name: "playback.health",
  payload: NoPayload,
  steps: "single",
  queue: "high",
  maxAttempts: 3,
  backoff: { base: "5 seconds", max: "1 minute" },
  timeout: "1 minute",
  unique: { period: "5 minutes" }
})

/** One scan of one library (the LibraryScan entity enqueues it). Scans are idempotent, so a retry rescans. */
export const LibraryScanJob = defineJob({
  name: "library.scan",
  payload: Schema.Struct({ libraryId: LibraryId, scanId: ScanId }),
  steps: "durable", // hours-long and rare: the engine carries it across nodes
  queue: "low",
  maxAttempts: 3,
  backoff: { base: "30 seconds", max: "5 minutes" },
  timeout: "6 hours"
})

/** One new or changed file of a watched library, matched without a walk. Unmatched: discarded at once. */
export const LibraryMatchFileJob = defineJob({
  name: "library.match_file",
  payload: Schema.Struct({ libraryId: LibraryId, path: Schema.String }),
  steps: "single",
  queue: "default",
  maxAttempts: 3,
  backoff: { base: "5 seconds", max: "1 minute" },
  timeout: "2 minutes",
  unique: {}
})

/** Probes a library's files whose probe is missing or stale (after a scan found new or changed files). */
export const LibraryProbeJob = defineJob({
  name: "library.probe",
  payload: Schema.Struct({ libraryId: LibraryId }),
  steps: "durable", // a library's worth of work in one run
  queue: "bulk",
  maxAttempts: 3,
  backoff: { base: "30 seconds", max: "5 minutes" },
  timeout: "6 hours",
  unique: {}
})

/** Fetches metadata for a library's items still pending it: enqueues a refresh of each. */
export const MetadataRefreshLibraryJob = defineJob({
  name: "metadata.refresh_library",
  payload: Schema.Struct({ libraryId: LibraryId }),
  steps: "durable", // a library's worth of work in one run
  queue: "default",
  maxAttempts: 5,
  backoff: { base: "30 seconds", max: "10 minutes" },
  timeout: "2 hours",
  unique: {}
})

// --- metadata (refresh pipelines) -------------------------------------------------------------
// Refreshes of one item are unique per item and trigger for 30 minutes; provider refusals (404, bad
// key) discard at once; timeouts, 5xx and 429 retry with backoff.

/** Why a refresh runs: a scan found the item, an admin asked, or an admin confirmed a match. */
export const RefreshTrigger = Schema.Literal("scan", "manual", "match")
export type RefreshTrigger = typeof RefreshTrigger.Type

const refresh = <const Name extends string, S extends Schema.Schema.AnyNoContext>(name: Name, payload: S) =>
  defineJob({
    name,
    payload,
    steps: "single",
    queue: "default",
    maxAttempts: 5,
    backoff: { base: "5 seconds", max: "10 minutes" },
    timeout: "5 minutes",
    unique: { period: "30 minutes" }
  })

export const MetadataRefreshMovieJob = refresh("metadata.refresh_movie", Schema.Struct({ movieId: MovieId, trigger: RefreshTrigger }))
export const MetadataRefreshSeriesJob = refresh("metadata.refresh_series", Schema.Struct({ seriesId: SeriesId, trigger: RefreshTrigger }))
export const MetadataRefreshSeasonJob = refresh("metadata.refresh_season", Schema.Struct({ seasonId: SeasonId, trigger: RefreshTrigger }))
export const MetadataRefreshEpisodeJob = refresh("metadata.refresh_episode", Schema.Struct({ episodeId: EpisodeId, trigger: RefreshTrigger }))
export const MetadataRefreshPersonJob = refresh("metadata.refresh_person", Schema.Struct({ personId: PersonId, trigger: RefreshTrigger }))

/** After a refresh: refresh the item's people not filled yet and download its images. */
export const MetadataEnrichJob = defineJob({
  name: "metadata.enrich",
  // One id field for the four kinds: a UUID (the row's id), the kind says which table.
  payload: Schema.Struct({ kind: Schema.Literal("movie", "series", "season", "episode"), id: Schema.UUID }),
  steps: "single",
  queue: "low",
  maxAttempts: 3,
  backoff: { base: "10 seconds", max: "5 minutes" },
  timeout: "5 minutes",
  unique: {}
})

/** Fetches one provider image into the content-addressed store (a no-op once stored). */
export const MetadataDownloadImageJob = defineJob({
  name: "metadata.download_image",
  payload: Schema.Struct({ provider: Schema.String, path: Schema.String }),
  steps: "single",
  queue: "bulk",
  maxAttempts: 4,
  backoff: { base: "10 seconds", max: "10 minutes" },
  timeout: "2 minutes",
  unique: {}
})

const MetadataJobs = {
  [MetadataRefreshMovieJob.name]: MetadataRefreshMovieJob,
  [MetadataRefreshSeriesJob.name]: MetadataRefreshSeriesJob,
  [MetadataRefreshSeasonJob.name]: MetadataRefreshSeasonJob,
  [MetadataRefreshEpisodeJob.name]: MetadataRefreshEpisodeJob,
  [MetadataRefreshPersonJob.name]: MetadataRefreshPersonJob,
  [MetadataEnrichJob.name]: MetadataEnrichJob,
  [MetadataDownloadImageJob.name]: MetadataDownloadImageJob
}

/** Does nothing: the `jobs` benchmark and operators use it to measure the pipeline end to end. */
export const NoopJob = defineJob({
  name: "jobs.noop",
  payload: Schema.Struct({ note: Schema.optional(Schema.String) }),
  steps: "single",
  queue: "default",
  maxAttempts: 1,
  backoff: { base: "1 second", max: "1 second" },
  timeout: "10 seconds"
})

/**
 * Rebuilds the search documents of a scope (an upgrade of the ranking rules; never needed for
 * correctness: triggers keep them). Unique while unfinished: a second request joins the running one.
 */
export const SearchReindexJob = defineJob({
  name: "search.reindex",
  payload: Schema.Struct({ scope: ReindexScope }),
  steps: "durable", // a long rebuild, rare
  queue: "bulk",
  maxAttempts: 3,
  backoff: { base: "5 seconds", max: "1 minute" },
  timeout: "30 minutes",
  unique: {}
})

// --- *arr integrations --------------------------------------------------------------------------

/** A full sync of one Radarr/Sonarr instance: at most one per instance per 5 minutes. */
export const ArrSyncJob = defineJob({
  name: "arr.sync",
  payload: Schema.Struct({ instanceId: ArrInstanceId }),
  steps: "durable", // a full sync of an instance, rare
  queue: "low",
  maxAttempts: 3,
  backoff: { base: "30 seconds", max: "5 minutes" },
  timeout: "1 hour",
  unique: { period: "5 minutes" }
})

/** The schedule's tick (hourly by default): a sync of every enabled instance. */
export const ArrSyncAllJob = periodic("arr.sync_all")

/** One recorded webhook event, processed once (the event's identity is its id). */
export const ArrWebhookJob = defineJob({
  name: "arr.webhook",
  payload: Schema.Struct({ eventId: Schema.String }),
  steps: "single",
  queue: "default",
  maxAttempts: 5,
  backoff: { base: "5 seconds", max: "5 minutes" },
  timeout: "5 minutes",
  unique: {}
})

// --- notifications -----------------------------------------------------------------------------

/**
 * One event to one notification agent (unique by agent and event): 429, 5xx and timeouts retry with
 * backoff (Retry-After honoured), any other refusal discards at once. `digest`: the event opens a
 * coalesced message (the agent's burst is spent) that also carries every event held for the agent
 * until its window ends. The event is in the payload, so a discarded send shows what it was.
 */
export const NotifyDispatchJob = defineJob({
  name: "notify.dispatch",
  payload: Schema.Struct({ agentId: NotificationAgentId, seq: Schema.Number, event: DomainEvent, digest: Schema.Boolean }),
  steps: "single",
  queue: "high",
  maxAttempts: 5,
  backoff: { base: "2 seconds", max: "5 minutes" },
  timeout: "2 minutes",
  unique: {}
})

/** Every kind, by name. Every runner registers a workflow for each (workers enforce a handler each). */
export const JobCatalogue = {
  [AuthCleanupJob.name]: AuthCleanupJob,
  [ActivityCleanupJob.name]: ActivityCleanupJob,
  [EventsCleanupJob.name]: EventsCleanupJob,
  [ScanHistoryCleanupJob.name]: ScanHistoryCleanupJob,
  [PlaybackHealthJob.name]: PlaybackHealthJob,
  [JobRetentionJob.name]: JobRetentionJob,
  [StatisticsAggregateJob.name]: StatisticsAggregateJob,
  [NoopJob.name]: NoopJob,
  [LibraryScanJob.name]: LibraryScanJob,
  [LibraryProbeJob.name]: LibraryProbeJob,
  [LibraryMatchFileJob.name]: LibraryMatchFileJob,
  [MetadataRefreshLibraryJob.name]: MetadataRefreshLibraryJob,
  [SearchReindexJob.name]: SearchReindexJob,
  ...MetadataJobs,
  [ArrSyncJob.name]: ArrSyncJob,
  [ArrSyncAllJob.name]: ArrSyncAllJob,
  [ArrWebhookJob.name]: ArrWebhookJob,
  [NotifyDispatchJob.name]: NotifyDispatchJob
}
export type JobCatalogue = typeof JobCatalogue
