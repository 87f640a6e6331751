/** Domain events: emitted where things happen; notifications and SSE (later issues) subscribe to them. */
import { Schema } from "effect"
import { MediaFileId, WatchItem } from "./contentIds.js"
import { UserId } from "./identity.js"
import { ArrApp, ArrInstanceId } from "./integrations.js"
import { LibraryId, ScanCounts, ScanId, ScanStatus } from "./libraries.js"
import { PlaybackSessionId, PlayMethod } from "./playback.js"

export class LibraryScanDone extends Schema.TaggedClass<LibraryScanDone>()("library.scan_done", {
  libraryId: LibraryId,
  scanId: ScanId,
  status: ScanStatus,
  counts: ScanCounts,
  durationMs: Schema.Number
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

export const DomainEvent = Schema.Union(LibraryScanDone, PlaybackStarted, PlaybackStopped, IntegrationHealth, IntegrationGrab)
export type DomainEvent = typeof DomainEvent.Type
