/** Domain events: emitted where things happen; notifications and SSE (later issues) subscribe to them. */
import { Schema } from "effect"
import { LibraryId, ScanCounts, ScanId, ScanStatus } from "./libraries.js"

export class LibraryScanDone extends Schema.TaggedClass<LibraryScanDone>()("library.scan_done", {
  libraryId: LibraryId,
  scanId: ScanId,
  status: ScanStatus,
  counts: ScanCounts,
  durationMs: Schema.Number
}) {}

export const DomainEvent = Schema.Union(LibraryScanDone)
export type DomainEvent = typeof DomainEvent.Type
