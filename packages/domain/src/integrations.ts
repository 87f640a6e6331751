/**
 * Radarr and Sonarr ("*arr" apps): one model for both. An integration instance is data (URL, sealed API
 * key, path mappings, the library it syncs into, a webhook secret); more than one per app is allowed.
 * The app's payloads are read through the shared schemas below (unknown fields allowed).
 */
import { Schema } from "effect"
import { LibraryId } from "./libraries.js"

export const ArrApp = Schema.Literal("radarr", "sonarr")
export type ArrApp = typeof ArrApp.Type

export const ArrInstanceId = Schema.UUID.pipe(Schema.brand("ArrInstanceId"))
export type ArrInstanceId = typeof ArrInstanceId.Type

/** An absolute http(s) URL (where this server calls an app or a notification target). */
export const HttpUrl = Schema.String.pipe(
  Schema.filter((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), { message: () => "an http(s) URL" })
)
const AbsolutePath = Schema.String.pipe(Schema.pattern(/^\//, { message: () => "an absolute path" }))

/** The app says `from/...`, this server sees `to/...`. */
export class PathMapping extends Schema.Class<PathMapping>("PathMapping")({ from: AbsolutePath, to: AbsolutePath }) {}

export class ArrInstance extends Schema.Class<ArrInstance>("ArrInstance")({
  id: ArrInstanceId,
  app: ArrApp,
  name: Schema.String,
  url: Schema.String,
  enabled: Schema.Boolean,
  isDefault: Schema.Boolean,
  libraryId: Schema.NullOr(LibraryId),
  pathMappings: Schema.Array(PathMapping),
  /** The key and webhook secret are stored sealed and never shown. */
  hasApiKey: Schema.Boolean,
  hasWebhookSecret: Schema.Boolean
}) {}

const Name = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100))
const Secret = Schema.Redacted(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(500)))

export const CreateArrInstance = Schema.Struct({
  app: ArrApp,
  name: Name,
  url: HttpUrl,
  apiKey: Secret,
  webhookSecret: Secret,
  enabled: Schema.optional(Schema.Boolean),
  isDefault: Schema.optional(Schema.Boolean),
  libraryId: Schema.optional(Schema.NullOr(LibraryId)),
  pathMappings: Schema.optional(Schema.Array(PathMapping))
})
export type CreateArrInstance = typeof CreateArrInstance.Type

export const UpdateArrInstance = Schema.Struct({
  name: Schema.optional(Name),
  url: Schema.optional(HttpUrl),
  apiKey: Schema.optional(Secret),
  webhookSecret: Schema.optional(Secret),
  enabled: Schema.optional(Schema.Boolean),
  isDefault: Schema.optional(Schema.Boolean),
  libraryId: Schema.optional(Schema.NullOr(LibraryId)),
  pathMappings: Schema.optional(Schema.Array(PathMapping))
})
export type UpdateArrInstance = typeof UpdateArrInstance.Type

// --- the apps' REST resources (shared by both) ------------------------------------------------

export class ArrSystemStatus extends Schema.Class<ArrSystemStatus>("ArrSystemStatus")({
  appName: Schema.String,
  instanceName: Schema.optional(Schema.String),
  version: Schema.String,
  startTime: Schema.optional(Schema.String),
  isDocker: Schema.optional(Schema.Boolean)
}) {}

export class ArrQualityProfile extends Schema.Class<ArrQualityProfile>("ArrQualityProfile")({
  id: Schema.Number,
  name: Schema.String,
  upgradeAllowed: Schema.optional(Schema.Boolean),
  cutoff: Schema.optional(Schema.Number)
}) {}

export class ArrRootFolder extends Schema.Class<ArrRootFolder>("ArrRootFolder")({
  id: Schema.Number,
  path: Schema.String,
  accessible: Schema.optional(Schema.Boolean),
  freeSpace: Schema.optional(Schema.Number)
}) {}

export class ArrTag extends Schema.Class<ArrTag>("ArrTag")({ id: Schema.Number, label: Schema.String }) {}

export const ArrLanguage = Schema.Struct({ id: Schema.Number, name: Schema.String })
export const ArrImage = Schema.Struct({ coverType: Schema.String, url: Schema.optional(Schema.String), remoteUrl: Schema.optional(Schema.String) })

/** REST: `{ quality: { name }, revision }`; webhooks: the name as a string. */
export const ArrQuality = Schema.Union(
  Schema.String,
  Schema.Struct({ quality: Schema.Struct({ id: Schema.optional(Schema.Number), name: Schema.String }) })
)
export const qualityName = (quality: typeof ArrQuality.Type | undefined): string | null =>
  quality === undefined ? null : typeof quality === "string" ? quality : quality.quality.name

export const ArrMediaInfo = Schema.Struct({
  videoCodec: Schema.optional(Schema.String),
  audioCodec: Schema.optional(Schema.String),
  audioChannels: Schema.optional(Schema.Number),
  width: Schema.optional(Schema.Number),
  height: Schema.optional(Schema.Number),
  resolution: Schema.optional(Schema.String)
})

/** A movie or episode file, as either app describes it (REST and webhook). */
export const ArrMediaFile = Schema.Struct({
  id: Schema.Number,
  path: Schema.optional(Schema.String),
  relativePath: Schema.optional(Schema.String),
  size: Schema.optional(Schema.Number),
  quality: Schema.optional(ArrQuality),
  releaseGroup: Schema.optional(Schema.String),
  sceneName: Schema.optional(Schema.String),
  languages: Schema.optional(Schema.Array(ArrLanguage)),
  mediaInfo: Schema.optional(ArrMediaInfo),
  movieId: Schema.optional(Schema.Number),
  seriesId: Schema.optional(Schema.Number),
  seasonNumber: Schema.optional(Schema.Number)
})
export type ArrMediaFile = typeof ArrMediaFile.Type

/** A Radarr movie or a Sonarr series: the title the app manages. */
export const ArrTitle = Schema.Struct({
  id: Schema.Number,
  title: Schema.String,
  year: Schema.optional(Schema.Number),
  tmdbId: Schema.optional(Schema.Number),
  imdbId: Schema.optional(Schema.String),
  tvdbId: Schema.optional(Schema.Number),
  path: Schema.optional(Schema.String),
  folderPath: Schema.optional(Schema.String),
  hasFile: Schema.optional(Schema.Boolean),
  movieFile: Schema.optional(ArrMediaFile),
  images: Schema.optional(Schema.Array(ArrImage))
})
export type ArrTitle = typeof ArrTitle.Type

export const ArrRenamedFile = Schema.Struct({ id: Schema.Number, path: Schema.String, previousPath: Schema.String })

/**
 * A webhook body of either app. `eventType` is required; what each event needs is checked by the
 * pipeline (a Download without its file is a 400 naming the field). Unknown fields are allowed.
 */
export const ArrWebhookBody = Schema.Struct({
  eventType: Schema.String.pipe(Schema.minLength(1)),
  instanceName: Schema.optional(Schema.String),
  movie: Schema.optional(ArrTitle),
  series: Schema.optional(ArrTitle),
  episodes: Schema.optional(Schema.Array(Schema.Struct({ id: Schema.Number, seasonNumber: Schema.Number, episodeNumber: Schema.Number }))),
  movieFile: Schema.optional(ArrMediaFile),
  episodeFile: Schema.optional(ArrMediaFile),
  episodeFiles: Schema.optional(Schema.Array(ArrMediaFile)),
  destinationPath: Schema.optional(Schema.String),
  /** Upgrades: the replaced files; MovieDelete/SeriesDelete: whether the app deleted the files. */
  deletedFiles: Schema.optional(Schema.Union(Schema.Boolean, Schema.Array(ArrMediaFile))),
  renamedMovieFiles: Schema.optional(Schema.Array(ArrRenamedFile)),
  renamedEpisodeFiles: Schema.optional(Schema.Array(ArrRenamedFile)),
  isUpgrade: Schema.optional(Schema.Boolean),
  downloadId: Schema.optional(Schema.String),
  release: Schema.optional(Schema.Struct({ releaseTitle: Schema.optional(Schema.String), indexer: Schema.optional(Schema.String) })),
  level: Schema.optional(Schema.String),
  message: Schema.optional(Schema.String),
  type: Schema.optional(Schema.String),
  previousVersion: Schema.optional(Schema.String),
  newVersion: Schema.optional(Schema.String)
})
export type ArrWebhookBody = typeof ArrWebhookBody.Type

// --- results ----------------------------------------------------------------------------------

export class ArrWebhookAccepted extends Schema.Class<ArrWebhookAccepted>("ArrWebhookAccepted")({
  eventType: Schema.String,
  /** False when this exact event was received before (it is processed once). */
  recorded: Schema.Boolean
}) {}

export const ArrSyncCounts = Schema.Struct({
  titles: Schema.Number,
  files: Schema.Number,
  matchedById: Schema.Number,
  matchedByPath: Schema.Number,
  newFiles: Schema.Number,
  removed: Schema.Number,
  errors: Schema.Number
})
export type ArrSyncCounts = typeof ArrSyncCounts.Type

export class ArrSync extends Schema.Class<ArrSync>("ArrSync")({
  id: Schema.String,
  instanceId: ArrInstanceId,
  state: Schema.Literal("queued", "running", "completed", "failed"),
  /** Titles read so far / in all (progress while it runs). */
  done: Schema.Number,
  total: Schema.Number,
  counts: Schema.NullOr(ArrSyncCounts),
  errors: Schema.Array(Schema.String),
  startedAt: Schema.NullOr(Schema.Date),
  finishedAt: Schema.NullOr(Schema.Date)
}) {}

export class ArrSyncStarted extends Schema.Class<ArrSyncStarted>("ArrSyncStarted")({
  instanceId: ArrInstanceId,
  runId: Schema.String
}) {}

export class ArrStatus extends Schema.Class<ArrStatus>("ArrStatus")({
  instance: ArrInstance,
  system: ArrSystemStatus,
  lastSync: Schema.NullOr(ArrSync)
}) {}

/** A title the app added (MovieAdded / SeriesAdd): wanted, not in the library yet. */
export class ArrWanted extends Schema.Class<ArrWanted>("ArrWanted")({
  instanceId: ArrInstanceId,
  app: ArrApp,
  arrId: Schema.Number,
  title: Schema.String,
  year: Schema.NullOr(Schema.Number),
  tmdbId: Schema.NullOr(Schema.Number),
  tvdbId: Schema.NullOr(Schema.Number),
  imdbId: Schema.NullOr(Schema.String),
  addedAt: Schema.Date
}) {}

/** Adds a title found through the metadata search to an instance. */
export const AddArrTitle = Schema.Struct({
  instanceId: Schema.optional(ArrInstanceId),
  /** TMDb id (movies); TVDb id (series). */
  tmdbId: Schema.optional(Schema.Int.pipe(Schema.positive())),
  tvdbId: Schema.optional(Schema.Int.pipe(Schema.positive())),
  qualityProfileId: Schema.Int.pipe(Schema.positive()),
  rootFolderPath: Schema.String.pipe(Schema.minLength(1)),
  monitored: Schema.optional(Schema.Boolean),
  search: Schema.optional(Schema.Boolean)
})
export type AddArrTitle = typeof AddArrTitle.Type

export class ArrTitleState extends Schema.Class<ArrTitleState>("ArrTitleState")({
  instanceId: ArrInstanceId,
  arrId: Schema.Number,
  title: Schema.String,
  year: Schema.NullOr(Schema.Number),
  monitored: Schema.Boolean,
  hasFile: Schema.Boolean
}) {}
