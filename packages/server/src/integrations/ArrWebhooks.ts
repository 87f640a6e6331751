/**
 * The webhook pipeline of both apps. Receiving: the instance's secret (constant-time), then the body
 * (400 naming the field), then the event is recorded under its identity (a hash of instance and body)
 * and its job enqueued in the same transaction: a repeat finds the record and is not processed again,
 * a burst waits in the job queue, and a node dying mid-way leaves the job to be resumed. Processing
 * claims the record and applies the event's effects in one transaction (all or nothing).
 */
import {
  type ArrApp,
  type ArrInstanceId,
  type ArrMediaFile,
  ArrWebhookAccepted,
  ArrWebhookBody,
  ArrWebhookJob,
  BadRequest,
  type DatabaseError,
  type DomainEvent,
  IntegrationGrab,
  IntegrationHealth,
  type JobPayloadInvalid,
  LibraryMatchFileJob,
  type LibraryId,
  MetadataRefreshMovieJob,
  MetadataRefreshSeriesJob,
  MovieId,
  NotFound,
  qualityName,
  SeriesId,
  Unauthorized,
  type ConfigurationError
} from "@mediaserver/domain"
import { Context, Effect, Layer, Option, ParseResult, Schema } from "effect"
import { createHash } from "node:crypto"
import { Events } from "../events/Events.js"
import { Jobs } from "../jobs/Jobs.js"
import { ArrInstances } from "./ArrInstances.js"
import { ArrLibrary, type LinkRow, mapPath } from "./ArrLibrary.js"
import { ArrRepo, type InstanceRow } from "./ArrRepo.js"
import { arrApps } from "./ArrApps.js"

type Action = "import" | "rename" | "fileDeleted" | "titleDeleted" | "wanted" | "grab" | "health" | "test"

/** What each event type does; types not listed are accepted, recorded as ignored and logged. */
const actions: Readonly<Record<string, Action>> = {
  Download: "import",
  Rename: "rename",
  MovieFileDelete: "fileDeleted",
  EpisodeFileDelete: "fileDeleted",
  MovieDelete: "titleDeleted",
  SeriesDelete: "titleDeleted",
  MovieAdded: "wanted",
  SeriesAdd: "wanted",
  Grab: "grab",
  ManualInteractionRequired: "grab",
  Health: "health",
  HealthRestored: "health",
  ApplicationUpdate: "health",
  Test: "test"
}

const titleField = (app: ArrApp) => (arrApps[app].titleKind === "movie" ? "movie" : "series")
const fileField = (app: ArrApp) => (app === "radarr" ? "movieFile" : "episodeFile")

/** A Download's files: Radarr's movieFile, Sonarr's episodeFile, or (import complete) its episodeFiles. */
const filesOf = (body: ArrWebhookBody): ReadonlyArray<ArrMediaFile> =>
  [body.movieFile, body.episodeFile, ...(body.episodeFiles ?? [])].filter((f): f is ArrMediaFile => f !== undefined)

const missing = (field: string) => new BadRequest({ message: `Invalid request: ${field} is required for this event`, details: { fields: [{ field, message: "is missing" }] } })

/** The fields an event needs (the apps always send them; a body without them is not from the app). */
const validate = (app: ArrApp, action: Action | undefined, body: ArrWebhookBody): Effect.Effect<void, BadRequest> => {
  const title = body.movie ?? body.series
  switch (action) {
    case "import":
      return filesOf(body).some((f) => f.path !== undefined) ? Effect.void : Effect.fail(missing(`${fileField(app)}.path`))
    case "fileDeleted":
      return filesOf(body).some((f) => f.path !== undefined) ? Effect.void : Effect.fail(missing(`${fileField(app)}.path`))
    case "rename":
      return (body.renamedMovieFiles ?? body.renamedEpisodeFiles) !== undefined
        ? Effect.void
        : Effect.fail(missing(app === "radarr" ? "renamedMovieFiles" : "renamedEpisodeFiles"))
    case "titleDeleted":
    case "wanted":
    case "grab":
      return title !== undefined ? Effect.void : Effect.fail(missing(titleField(app)))
    case "health":
      return body.message !== undefined ? Effect.void : Effect.fail(missing("message"))
    default:
      return Effect.void
  }
}

const badBody = (error: ParseResult.ParseError) => {
  const fields = ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => ({ field: issue.path.map(String).join("."), message: issue.message }))
  const first = fields[0]
  return new BadRequest({ message: `Invalid request: ${first === undefined ? "body" : `${first.field || "body"}: ${first.message}`}`, details: { fields } })
}

/** JSON with sorted keys: the same event sent twice has one identity whatever its key order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v) ?? "null"

const decodeBody = Schema.decodeUnknown(ArrWebhookBody)

export interface Received {
  readonly app: ArrApp
  readonly instanceId: ArrInstanceId | undefined
  readonly secret: string | undefined
  readonly body: unknown
}

type ProcessError = NotFound | DatabaseError | JobPayloadInvalid

export class ArrWebhooks extends Context.Tag("@mediaserver/integrations/ArrWebhooks")<
  ArrWebhooks,
  {
    readonly receive: (request: Received) => Effect.Effect<ArrWebhookAccepted, Unauthorized | BadRequest | DatabaseError | JobPayloadInvalid | ConfigurationError>
    /** Applies a recorded event once (a second call finds it processed and does nothing). */
    readonly process: (eventId: string) => Effect.Effect<void, ProcessError>
  }
>() {
  static readonly layer = Layer.effect(
    ArrWebhooks,
    Effect.gen(function* () {
      const instances = yield* ArrInstances
      const repo = yield* ArrRepo
      const library = yield* ArrLibrary
      const jobs = yield* Jobs
      const events = yield* Events

      const unauthorized = new Unauthorized({ message: "The webhook secret is missing or wrong" })

      // Each effect of an event, given its instance; events to publish once the transaction committed.
      const effects = (row: InstanceRow, body: ArrWebhookBody, action: Action | undefined) =>
        Effect.gen(function* () {
          const spec = arrApps[row.app]
          const title = body.movie ?? body.series
          const map = (path: string) => mapPath(row.path_mappings, path)
          const libraryOf = (path: string) => library.libraryFor(row.library_id, path)
          const published: Array<DomainEvent> = []
          const eachFile = (files: ReadonlyArray<{ readonly path?: string | undefined }>, f: (libraryId: LibraryId, path: string) => Effect.Effect<unknown, ProcessError>) =>
            Effect.forEach(files, (file) =>
              file.path === undefined
                ? Effect.void
                : Effect.flatMap(libraryOf(map(file.path)), Option.match({
                  onNone: () => Effect.logWarning(`${row.app} webhook: ${map(file.path ?? "")} is in no library`),
                  onSome: (libraryId) => f(libraryId, map(file.path ?? ""))
                })), { discard: true })
          switch (action) {
            case "import": {
              const files = filesOf(body)
              // The new file through the library's own match path; the replaced ones (upgrade) are missing now.
              yield* eachFile(files, (libraryId, path) => jobs.enqueue(LibraryMatchFileJob, { libraryId, path }))
              const deleted = Array.isArray(body.deletedFiles) ? body.deletedFiles : []
              yield* eachFile(deleted, (libraryId, path) => library.markMissing(libraryId, path))
              yield* library.upsertLinks(files.map((f): LinkRow => ({
                instance_id: row.id, kind: "file", arr_id: f.id, movie_id: null, series_id: null, media_file_id: null,
                path: f.path === undefined ? null : map(f.path), quality: qualityName(f.quality), release_group: f.releaseGroup ?? null
              })))
              if (title !== undefined && files[0]?.path !== undefined) {
                const libraryId = yield* libraryOf(map(files[0].path))
                const item = Option.isNone(libraryId) ? Option.none() : yield* library.itemById(libraryId.value, spec.titleKind, title)
                if (Option.isSome(item)) {
                  yield* spec.titleKind === "movie"
                    ? jobs.enqueue(MetadataRefreshMovieJob, { movieId: MovieId.make(item.value), trigger: "manual" })
                    : jobs.enqueue(MetadataRefreshSeriesJob, { seriesId: SeriesId.make(item.value), trigger: "manual" })
                }
              }
              break
            }
            case "rename":
              yield* Effect.forEach(body.renamedMovieFiles ?? body.renamedEpisodeFiles ?? [], (f) =>
                Effect.flatMap(libraryOf(map(f.path)), Option.match({
                  onNone: () => Effect.void,
                  onSome: (libraryId) => Effect.asVoid(library.renameFile(libraryId, map(f.previousPath), map(f.path)))
                })), { discard: true })
              break
            case "fileDeleted":
              yield* eachFile(filesOf(body), (libraryId, path) => library.markMissing(libraryId, path))
              yield* Effect.forEach(filesOf(body), (f) => library.markRemoved(row.id, "file", f.id), { discard: true })
              break
            case "titleDeleted":
              if (title !== undefined) {
                const folder = title.path ?? title.folderPath
                if (folder !== undefined) {
                  yield* eachFile([{ path: folder }], (libraryId, path) => library.markMissingUnder(libraryId, path))
                }
                yield* library.markRemoved(row.id, spec.titleKind, title.id)
              }
              break
            case "wanted":
              if (title !== undefined) {
                yield* repo.addWanted(row.id, {
                  arrId: title.id, title: title.title, year: title.year ?? null, tmdbId: title.tmdbId ?? null,
                  tvdbId: title.tvdbId ?? null, imdbId: title.imdbId ?? null
                })
              }
              break
            case "grab":
              published.push(new IntegrationGrab({
                instanceId: row.id, app: row.app, eventType: body.eventType, title: title?.title ?? "",
                release: body.release?.releaseTitle ?? null
              }))
              break
            case "health":
              published.push(new IntegrationHealth({
                instanceId: row.id, app: row.app, eventType: body.eventType, level: body.level ?? null,
                message: body.message ?? `${body.previousVersion ?? "?"} -> ${body.newVersion ?? "?"}`
              }))
              break
            default:
              break
          }
          return published
        })

      return {
        receive: ({ app, body, instanceId, secret }) =>
          Effect.gen(function* () {
            const row = yield* instances.resolve(app, instanceId).pipe(Effect.catchTag("NotFound", () => Effect.fail(unauthorized)))
            if (!(yield* instances.secretMatches(row, secret))) return yield* unauthorized
            const decoded = yield* decodeBody(body).pipe(Effect.mapError(badBody))
            const action = actions[decoded.eventType]
            yield* validate(app, action, decoded)
            if (action === "test") return new ArrWebhookAccepted({ eventType: decoded.eventType, recorded: false })
            const id = createHash("sha256").update(`${row.id}\n${canonical(body)}`).digest("hex")
            if (action === undefined) {
              yield* Effect.logInfo(`${app} webhook: event type ${decoded.eventType} is not handled; recorded as ignored`)
              const recorded = yield* repo.recordEvent(id, row.id, decoded.eventType, body, "ignored")
              return new ArrWebhookAccepted({ eventType: decoded.eventType, recorded })
            }
            const recorded = yield* jobs.withTransaction(
              Effect.flatMap(repo.recordEvent(id, row.id, decoded.eventType, body, "queued"), (fresh) =>
                fresh ? Effect.as(jobs.enqueue(ArrWebhookJob, { eventId: id }), true) : Effect.succeed(false))
            )
            return new ArrWebhookAccepted({ eventType: decoded.eventType, recorded })
          }),
        process: (eventId) =>
          Effect.gen(function* () {
            const event = yield* Effect.flatMap(repo.event(eventId), Option.match({
              onNone: () => Effect.fail(new NotFound({ message: `No webhook event ${eventId}` })),
              onSome: Effect.succeed
            }))
            if (event.state !== "queued") return
            const row = yield* instances.row(event.instance_id)
            const body = yield* decodeBody(event.body).pipe(Effect.mapError(() => new NotFound({ message: `Webhook event ${eventId} no longer decodes` })))
            // Claiming first holds the record's row lock: a second delivery waits, then finds it done.
            const published = yield* jobs.withTransaction(
              Effect.flatMap(repo.finishEvent(eventId, "done", null), (claimed) =>
                claimed ? effects(row, body, actions[body.eventType]) : Effect.succeed([]))
            )
            yield* Effect.forEach(published, events.publish, { discard: true })
          })
      }
    })
  )
}
