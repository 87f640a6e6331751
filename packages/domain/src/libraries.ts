/** Libraries: folders of movies or TV, who may use them, and their scans. */
import { Schema } from "effect"
import { UserId } from "./identity.js"

export const LibraryId = Schema.UUID.pipe(Schema.brand("LibraryId"))
export type LibraryId = typeof LibraryId.Type
export const ScanId = Schema.UUID.pipe(Schema.brand("ScanId"))
export type ScanId = typeof ScanId.Type

export const LibraryKind = Schema.Literal("movie", "tvshow")
export type LibraryKind = typeof LibraryKind.Type

export const DEFAULT_VIDEO_EXTENSIONS: ReadonlyArray<string> = [
  ".mkv", ".mp4", ".m4v", ".avi", ".mov", ".wmv", ".ts", ".m2ts", ".webm", ".mpg", ".mpeg", ".flv", ".ogv", ".3gp"
]

const Extension = Schema.String.pipe(
  Schema.pattern(/^\.[a-z0-9]{1,8}$/, { message: () => "a lower-case extension with its dot, like .mkv" })
)
const RootPath = Schema.String.pipe(
  Schema.minLength(1),
  Schema.pattern(/^\//, { message: () => "an absolute path" })
)

/** How and when a library is scanned. */
export class ScanSettings extends Schema.Class<ScanSettings>("ScanSettings")({
  /** Minutes between periodic scans; 0 turns them off. */
  intervalMinutes: Schema.Int.pipe(Schema.between(0, 7 * 24 * 60)),
  /** Rescan changed folders as files appear (falls back to periodic scans when watching fails). */
  watch: Schema.Boolean,
  extensions: Schema.Array(Extension).pipe(Schema.minItems(1)),
  /** Glob patterns relative to a root (`*`, `**`, `?`): matching files and folders are skipped. */
  exclude: Schema.Array(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)))
}) {}

export const defaultScanSettings = (): ScanSettings =>
  new ScanSettings({ intervalMinutes: 360, watch: false, extensions: DEFAULT_VIDEO_EXTENSIONS, exclude: [] })

/** `off`: not asked for; `watching`; `failed`: the watcher could not run, periodic scans cover it. */
export const WatchState = Schema.Literal("off", "watching", "failed")
export type WatchState = typeof WatchState.Type

export class Library extends Schema.Class<Library>("Library")({
  id: LibraryId,
  name: Schema.String,
  kind: LibraryKind,
  paths: Schema.Array(Schema.String),
  scan: ScanSettings,
  language: Schema.String,
  country: Schema.String,
  watchState: WatchState,
  watchError: Schema.NullOr(Schema.String),
  lastScanAt: Schema.NullOr(Schema.DateTimeUtc),
  createdAt: Schema.DateTimeUtc
}) {}

const Name = Schema.Trim.pipe(Schema.minLength(1), Schema.maxLength(100))
const Language = Schema.String.pipe(Schema.pattern(/^[a-z]{2}$/, { message: () => "an ISO 639-1 code like en" }))
const Country = Schema.String.pipe(Schema.pattern(/^[A-Z]{2}$/, { message: () => "an ISO 3166-1 code like US" }))
const Paths = Schema.Array(RootPath).pipe(Schema.minItems(1), Schema.maxItems(20))

export class CreateLibraryRequest extends Schema.Class<CreateLibraryRequest>("CreateLibraryRequest")(
  Schema.Struct({
    name: Name,
    kind: LibraryKind,
    paths: Paths,
    scan: Schema.optional(ScanSettings),
    language: Schema.optional(Language),
    country: Schema.optional(Country)
  }).annotations({ examples: [{ name: "Movies", kind: "movie", paths: ["/media/movies"] }] })
) {}

export class UpdateLibraryRequest extends Schema.Class<UpdateLibraryRequest>("UpdateLibraryRequest")({
  name: Schema.optional(Name),
  paths: Schema.optional(Paths),
  scan: Schema.optional(ScanSettings),
  language: Schema.optional(Language),
  country: Schema.optional(Country)
}) {}

// --- permissions ------------------------------------------------------------------------------

export const LibraryAccessLevel = Schema.Literal("view", "download", "manage")
export type LibraryAccessLevel = typeof LibraryAccessLevel.Type

export class LibraryPermission extends Schema.Class<LibraryPermission>("LibraryPermission")({
  libraryId: LibraryId,
  userId: UserId,
  canView: Schema.Boolean,
  canDownload: Schema.Boolean,
  canManage: Schema.Boolean,
  grantedAt: Schema.DateTimeUtc
}) {}

/** Download and manage imply view. */
export class GrantLibraryPermissionRequest extends Schema.Class<GrantLibraryPermissionRequest>("GrantLibraryPermissionRequest")({
  userId: UserId,
  canDownload: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  canManage: Schema.optionalWith(Schema.Boolean, { default: () => false })
}) {}

/** A media file whose name (and NFO) says neither which movie nor which episode it is. Discard: retrying cannot help. */
export class FileUnmatched extends Schema.TaggedError<FileUnmatched>()("FileUnmatched", {
  path: Schema.String,
  message: Schema.String
}) {
  get family(): "Discard" {
    return "Discard"
  }
}

// --- scans ------------------------------------------------------------------------------------

export const ScanStatus = Schema.Literal("running", "completed", "failed", "cancelled", "interrupted")
export type ScanStatus = typeof ScanStatus.Type
export const ScanTrigger = Schema.Literal("manual", "schedule", "watch")
export type ScanTrigger = typeof ScanTrigger.Type

export class ScanCounts extends Schema.Class<ScanCounts>("ScanCounts")({
  seen: Schema.Number,
  new: Schema.Number,
  changed: Schema.Number,
  unchanged: Schema.Number,
  removed: Schema.Number,
  matched: Schema.Number,
  unmatched: Schema.Number,
  errors: Schema.Number
}) {}

export const emptyScanCounts = (): ScanCounts =>
  new ScanCounts({ seen: 0, new: 0, changed: 0, unchanged: 0, removed: 0, matched: 0, unmatched: 0, errors: 0 })

export class ScanIssue extends Schema.Class<ScanIssue>("ScanIssue")({
  path: Schema.String,
  message: Schema.String
}) {}

export class LibraryScan extends Schema.Class<LibraryScan>("LibraryScan")({
  id: ScanId,
  libraryId: LibraryId,
  status: ScanStatus,
  trigger: ScanTrigger,
  /** The phase a running scan is in: walking, matching, cleaning, done. */
  phase: Schema.String,
  counts: ScanCounts,
  /** Files seen per second so far (whole scan when finished). */
  filesPerSecond: Schema.Number,
  /** The first unmatched files and errors (at most 100 each). */
  unmatched: Schema.Array(ScanIssue),
  errors: Schema.Array(ScanIssue),
  message: Schema.NullOr(Schema.String),
  jobRunId: Schema.NullOr(Schema.String),
  startedAt: Schema.DateTimeUtc,
  finishedAt: Schema.NullOr(Schema.DateTimeUtc),
  durationMs: Schema.NullOr(Schema.Number)
}) {}
