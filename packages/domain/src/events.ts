/**
 * Domain events: emitted where things happen, once, after the transaction that makes them true commits
 * (the server's outbox relays them). Live streams (SSE, RPC) and notification agents subscribe to them.
 */
import { Schema } from "effect"
import { EpisodeId, MediaFileId, MovieId, SeriesId, WatchItem } from "./contentIds.js"
import { UserId } from "./identity.js"
import { ArrApp, ArrInstanceId } from "./integrations.js"
import { LibraryId, ScanCounts, ScanId, ScanStatus } from "./libraries.js"
import { PlaybackSessionId, PlayMethod } from "./playback.js"

export class MovieAdded extends Schema.TaggedClass<MovieAdded>()("movie.added", {
  libraryId: LibraryId,
  movieId: MovieId,
  title: Schema.String
}) {}

export class SeriesAdded extends Schema.TaggedClass<SeriesAdded>()("series.added", {
  libraryId: LibraryId,
  seriesId: SeriesId,
  title: Schema.String
}) {}

export class EpisodeAdded extends Schema.TaggedClass<EpisodeAdded>()("episode.added", {
  libraryId: LibraryId,
  seriesId: SeriesId,
  episodeId: EpisodeId,
  title: Schema.String
}) {}

export class LibraryScanStarted extends Schema.TaggedClass<LibraryScanStarted>()("library.scan_started", {
  libraryId: LibraryId,
  scanId: ScanId
}) {}

export class LibraryScanDone extends Schema.TaggedClass<LibraryScanDone>()("library.scan_done", {
  libraryId: LibraryId,
  scanId: ScanId,
  status: ScanStatus,
  counts: ScanCounts,
  durationMs: Schema.Number
}) {}

export class LibraryScanFailed extends Schema.TaggedClass<LibraryScanFailed>()("library.scan_failed", {
  libraryId: LibraryId,
  scanId: ScanId,
  reason: Schema.String
}) {}

export class MetadataRefreshFailed extends Schema.TaggedClass<MetadataRefreshFailed>()("metadata.refresh_failed", {
  libraryId: Schema.NullOr(LibraryId),
  itemKind: Schema.String,
  itemId: Schema.String,
  reason: Schema.String
}) {}

export class PlaybackStarted extends Schema.TaggedClass<PlaybackStarted>()("playback.started", {
  sessionId: PlaybackSessionId,
  userId: UserId,
  item: WatchItem,
  fileId: MediaFileId,
  method: PlayMethod
}) {}

export class PlaybackStopped extends Schema.TaggedClass<PlaybackStopped>()("playback.stopped", {
  sessionId: PlaybackSessionId,
  userId: UserId,
  item: WatchItem,
  /** `stopped` (by the client), `idle` (no heartbeat in time). */
  reason: Schema.String,
  positionSeconds: Schema.Number
}) {}

export class AuthLogin extends Schema.TaggedClass<AuthLogin>()("auth.login", {
  userId: UserId,
  username: Schema.String,
  ip: Schema.NullOr(Schema.String)
}) {}

export class AuthLoginFailed extends Schema.TaggedClass<AuthLoginFailed>()("auth.login_failed", {
  /** Known only when the name matched an account. */
  userId: Schema.NullOr(UserId),
  username: Schema.String,
  ip: Schema.NullOr(Schema.String)
}) {}

export class AuthPasswordChanged extends Schema.TaggedClass<AuthPasswordChanged>()("auth.password_changed", {
  userId: UserId
}) {}

export class AuthMfaEnabled extends Schema.TaggedClass<AuthMfaEnabled>()("auth.mfa_enabled", {
  userId: UserId,
  method: Schema.String
}) {}

export class UserCreated extends Schema.TaggedClass<UserCreated>()("user.created", {
  userId: UserId,
  username: Schema.String
}) {}

/** Radarr/Sonarr said something about its own health: Health, HealthRestored, ApplicationUpdate. */
export class IntegrationHealth extends Schema.TaggedClass<IntegrationHealth>()("integration.health", {
  instanceId: ArrInstanceId,
  app: ArrApp,
  eventType: Schema.String,
  level: Schema.NullOr(Schema.String),
  message: Schema.String
}) {}

/** Radarr/Sonarr grabbed a release, or a download needs a person: Grab, ManualInteractionRequired. */
export class IntegrationGrab extends Schema.TaggedClass<IntegrationGrab>()("integration.grab", {
  instanceId: ArrInstanceId,
  app: ArrApp,
  eventType: Schema.String,
  title: Schema.String,
  release: Schema.NullOr(Schema.String)
}) {}

export class JobDiscarded extends Schema.TaggedClass<JobDiscarded>()("job.discarded", {
  runId: Schema.String,
  kind: Schema.String,
  error: Schema.String
}) {}

export const DomainEvent = Schema.Union(
  MovieAdded,
  SeriesAdded,
  EpisodeAdded,
  LibraryScanStarted,
  LibraryScanDone,
  LibraryScanFailed,
  MetadataRefreshFailed,
  PlaybackStarted,
  PlaybackStopped,
  AuthLogin,
  AuthLoginFailed,
  AuthPasswordChanged,
  AuthMfaEnabled,
  UserCreated,
  IntegrationHealth,
  IntegrationGrab,
  JobDiscarded
)
export type DomainEvent = typeof DomainEvent.Type
export type DomainEventType = DomainEvent["_tag"]

/** Every event type, for filters (agents, preferences) and validation of them. */
export const DomainEventType = Schema.Literal(
  "movie.added", "series.added", "episode.added",
  "library.scan_started", "library.scan_done", "library.scan_failed",
  "metadata.refresh_failed", "playback.started", "playback.stopped",
  "auth.login", "auth.login_failed", "auth.password_changed", "auth.mfa_enabled",
  "user.created", "integration.health", "integration.grab", "job.discarded"
)

/**
 * An event as live streams carry it: `seq` orders every relayed event across the cluster and is the
 * SSE id a reconnecting client sends back (`Last-Event-ID`) to resume.
 */
export class EventEnvelope extends Schema.Class<EventEnvelope>("EventEnvelope")({
  seq: Schema.Number,
  at: Schema.String,
  event: DomainEvent
}) {}

/** Where a live stream resumes: after `lastEventId` (events kept for the retention window). */
export const EventsSubscribeRequest = Schema.Struct({
  lastEventId: Schema.optional(Schema.Int.pipe(Schema.greaterThanOrEqualTo(0)))
})
