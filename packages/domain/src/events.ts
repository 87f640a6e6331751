/** Domain events: emitted where things happen; notifications and SSE (later issues) subscribe to them. */
import { Schema } from "effect"
import { MediaFileId, WatchItem } from "./contentIds.js"
import { UserId } from "./identity.js"
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

export const DomainEvent = Schema.Union(LibraryScanDone, PlaybackStarted, PlaybackStopped)
export type DomainEvent = typeof DomainEvent.Type
