/**
 * A full sync of one instance: every title and file the app has, reconciled with the instance's
 * library. Titles match our items by TMDb / IMDb / TVDb id first, then by the mapped path of one of
 * their files; files we do not know go through the library's match-file job (the one matcher). The
 * app's ids, quality and release group are stored as links; links the app no longer has are marked
 * removed (nothing is deleted). Progress and the result (counts, errors) are on the sync's row.
 */
import {
  type ArrInstanceId,
  type ArrMediaFile,
  type ArrSyncCounts,
  type ArrTitle,
  type ConfigurationError,
  type DatabaseError,
  type JobPayloadInvalid,
  LibraryMatchFileJob,
  type NotFound,
  qualityName,
  Unprocessable
} from "@mediaserver/domain"
import { Chunk, Context, Effect, Layer, Ref, Stream } from "effect"
import { Jobs } from "../jobs/Jobs.js"
import type { ArrError } from "./ArrClient.js"
import { ArrInstances } from "./ArrInstances.js"
import { ArrLibrary, type LinkRow, mapPath } from "./ArrLibrary.js"
import { ArrRepo } from "./ArrRepo.js"

const BATCH = 200
/** Titles whose files are read at once (Sonarr: one request per series). */
const FILE_READS = 4

type SyncError = ArrError | Unprocessable | NotFound | DatabaseError | JobPayloadInvalid | ConfigurationError

const zero: ArrSyncCounts = { titles: 0, files: 0, matchedById: 0, matchedByPath: 0, newFiles: 0, removed: 0, errors: 0 }

export class ArrSyncService extends Context.Tag("@mediaserver/integrations/ArrSync")<
  ArrSyncService,
  { readonly run: (instanceId: ArrInstanceId, syncId: string) => Effect.Effect<ArrSyncCounts, SyncError> }
>() {
  static readonly layer = Layer.effect(
    ArrSyncService,
    Effect.gen(function* () {
      const instances = yield* ArrInstances
      const repo = yield* ArrRepo
      const library = yield* ArrLibrary
      const jobs = yield* Jobs

      const sync = (instanceId: ArrInstanceId, syncId: string) =>
        Effect.scoped(Effect.gen(function* () {
          const row = yield* instances.row(instanceId)
          if (row.library_id === null) {
            return yield* new Unprocessable({ message: `${row.name} syncs into no library: set its libraryId`, details: { field: "libraryId" } })
          }
          const libraryId = row.library_id
          const client = yield* instances.client(row)
          const kind = client.spec.titleKind
          yield* repo.startSync(syncId, instanceId)
          const titles = yield* client.titles
          const index = yield* library.index(libraryId, kind)
          const counts = yield* Ref.make({ ...zero, titles: titles.length })
          const errors = yield* Ref.make<ReadonlyArray<string>>([])
          const map = (path: string) => mapPath(row.path_mappings, path)
          const count = (key: keyof ArrSyncCounts, n = 1) => Ref.update(counts, (c) => ({ ...c, [key]: c[key] + n }))

          // One title: its files, the item it is, the links to store and the files to match.
          const reconcile = (title: ArrTitle) =>
            Effect.gen(function* () {
              const files: ReadonlyArray<ArrMediaFile> = yield* client.files(title).pipe(
                Effect.catchAll((e) =>
                  Effect.as(Effect.zipRight(count("errors"), Ref.update(errors, (all) => [...all, `${title.title}: ${e.message}`])), []))
              )
              yield* count("files", files.length)
              const known = files.flatMap((f) => (f.path === undefined ? [] : [{ file: f, path: map(f.path), found: index.byPath(map(f.path)) }]))
              let itemId = index.byId(title)
              if (itemId !== undefined) yield* count("matchedById")
              else {
                itemId = known.find((k) => k.found?.itemId != null)?.found?.itemId ?? undefined
                if (itemId !== undefined) yield* count("matchedByPath")
              }
              const fresh = known.filter((k) => k.found === undefined)
              yield* count("newFiles", fresh.length)
              const folder = title.path ?? title.folderPath
              const links: Array<LinkRow> = [
                {
                  instance_id: row.id, kind, arr_id: title.id,
                  movie_id: kind === "movie" ? itemId ?? null : null, series_id: kind === "series" ? itemId ?? null : null,
                  media_file_id: null, path: folder === undefined ? null : map(folder), quality: null, release_group: null
                },
                ...known.map((k): LinkRow => ({
                  instance_id: row.id, kind: "file", arr_id: k.file.id, movie_id: null, series_id: null,
                  media_file_id: k.found?.fileId ?? null, path: k.path, quality: qualityName(k.file.quality), release_group: k.file.releaseGroup ?? null
                }))
              ]
              return { links, fresh: fresh.map((k) => k.path) }
            })

          yield* Stream.fromIterable(titles).pipe(
            Stream.mapEffect(reconcile, { concurrency: FILE_READS }),
            Stream.grouped(BATCH),
            Stream.runFoldEffect(0, (done, batch) =>
              Effect.gen(function* () {
                const all = Chunk.toReadonlyArray(batch)
                yield* library.upsertLinks(all.flatMap((r) => r.links))
                yield* Effect.forEach(all.flatMap((r) => r.fresh), (path) => jobs.enqueue(LibraryMatchFileJob, { libraryId, path }), { discard: true })
                const now = done + all.length
                yield* repo.syncProgress(syncId, now, titles.length)
                yield* Effect.logInfo(`${row.app} sync of ${row.name}: ${now}/${titles.length} titles`)
                return now
              }))
          )
          yield* count("removed", yield* library.markUnseen(instanceId, syncId))
          const result = yield* Ref.get(counts)
          yield* repo.finishSync(syncId, "completed", result, yield* Ref.get(errors))
          return result
        }))

      return {
        run: (instanceId, syncId) =>
          sync(instanceId, syncId).pipe(
            Effect.tapError((e) => Effect.ignore(repo.finishSync(syncId, "failed", null, [e.message])))
          )
      }
    })
  )
}
