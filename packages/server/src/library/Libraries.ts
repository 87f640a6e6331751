/**
 * Libraries: create, update and delete (admin), list and get (whoever has access). Root paths must be
 * readable directories when saved (422 naming `paths[i]` otherwise). The list of libraries is small and
 * read by every content request, so it is cached whole (namespace `libraries`) and dropped on writes.
 */
import {
  type Conflict,
  type CreateLibraryRequest,
  type DatabaseError,
  defaultScanSettings,
  Library,
  LibraryId,
  type NotFound,
  type Principal,
  Unprocessable,
  type UpdateLibraryRequest,
  type WatchState
} from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { randomUUID } from "node:crypto"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { CacheAside } from "../cache/index.js"
import { LibrariesRepo } from "./LibrariesRepo.js"
import { isAccessible, LibraryAccess, libraryNotFound } from "./LibraryAccess.js"

const LIST_KEY = "all"

const orNotFound = (id: LibraryId) =>
  Option.match({ onNone: () => Effect.fail(libraryNotFound(id)), onSome: (library: Library) => Effect.succeed(library) })

/** Absolute, normalised, without duplicates; each a directory this process can list. */
const validatePaths = (paths: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<string>, Unprocessable> =>
  Effect.forEach(paths, (raw, index) => {
    const path = Path.resolve(raw)
    const invalid = (reason: string) =>
      new Unprocessable({ message: `paths[${index}] (${raw}) ${reason}`, details: { field: `paths[${index}]` } })
    return Effect.tryPromise({
      try: async () => {
        const stat = await Fs.stat(path)
        if (stat.isDirectory()) await Fs.access(path, Fs.constants.R_OK | Fs.constants.X_OK)
        return stat.isDirectory()
      },
      catch: () => invalid("does not exist or cannot be read")
    }).pipe(Effect.flatMap((isDirectory) => (isDirectory ? Effect.succeed(path) : Effect.fail(invalid("is not a directory")))))
  }).pipe(Effect.map((resolved) => [...new Set(resolved)]))

export class Libraries extends Context.Tag("@mediaserver/library/Libraries")<
  Libraries,
  {
    readonly list: (caller: Principal) => Effect.Effect<ReadonlyArray<Library>, DatabaseError>
    /** Every library, for schedulers and the scanner (no access check). */
    readonly all: Effect.Effect<ReadonlyArray<Library>, DatabaseError>
    readonly get: (id: LibraryId) => Effect.Effect<Library, NotFound | DatabaseError>
    /** From the database, not the cache: for work that must act on the current settings (scans). */
    readonly load: (id: LibraryId) => Effect.Effect<Library, NotFound | DatabaseError>
    readonly create: (request: CreateLibraryRequest) => Effect.Effect<Library, Conflict | Unprocessable | DatabaseError>
    readonly update: (id: LibraryId, request: UpdateLibraryRequest) => Effect.Effect<Library, NotFound | Conflict | Unprocessable | DatabaseError>
    readonly delete: (id: LibraryId) => Effect.Effect<void, NotFound | DatabaseError>
    readonly setWatchState: (id: LibraryId, state: WatchState, error: string | null) => Effect.Effect<void, DatabaseError>
    readonly markScanned: (id: LibraryId) => Effect.Effect<void, DatabaseError>
  }
>() {
  static readonly layer = Layer.scoped(
    Libraries,
    Effect.gen(function* () {
      const repo = yield* LibrariesRepo
      const access = yield* LibraryAccess
      const cache = yield* CacheAside.make({
        namespace: "libraries",
        schema: Schema.Array(Library),
        ttl: { l1: "1 minute", l2: "10 minutes" }
      })
      const all = cache.get(LIST_KEY, repo.list)
      const changed = cache.invalidate(LIST_KEY)
      const get = (id: LibraryId) =>
        Effect.flatMap(all, (libraries) => orNotFound(id)(Option.fromNullable(libraries.find((library) => library.id === id))))

      return {
        all,
        get,
        load: (id) => Effect.flatMap(repo.findById(id), orNotFound(id)),
        list: (caller) =>
          Effect.gen(function* () {
            const accessible = yield* access.accessible(caller)
            return (yield* all).filter((library) => isAccessible(accessible, library.id))
          }),
        create: (request) =>
          Effect.gen(function* () {
            const paths = yield* validatePaths(request.paths)
            const library = yield* repo.insert(LibraryId.make(randomUUID()), request.kind, {
              name: request.name,
              paths,
              scan: request.scan ?? defaultScanSettings(),
              language: request.language ?? "en",
              country: request.country ?? "US"
            })
            yield* changed
            return library
          }),
        update: (id, request) =>
          Effect.gen(function* () {
            const current = yield* get(id)
            const paths = request.paths === undefined ? current.paths : yield* validatePaths(request.paths)
            const updated = yield* repo.update(id, {
              name: request.name ?? current.name,
              paths,
              scan: request.scan ?? current.scan,
              language: request.language ?? current.language,
              country: request.country ?? current.country
            })
            yield* changed
            return yield* orNotFound(id)(updated)
          }),
        delete: (id) =>
          Effect.gen(function* () {
            if (!(yield* repo.delete(id))) return yield* libraryNotFound(id)
            yield* changed
            yield* access.forgetAll
          }),
        setWatchState: (id, state, error) => Effect.zipRight(repo.setWatchState(id, state, error), changed),
        markScanned: (id) => Effect.zipRight(repo.markScanned(id), changed)
      }
    })
  )
}
