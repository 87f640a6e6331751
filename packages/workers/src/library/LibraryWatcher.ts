/**
 * Realtime updates for libraries with `scan.watch` on: chokidar watches their roots. A new or changed
 * media file is matched on its own (`library.match_file`) once quiet for SCAN_WATCH_DEBOUNCE; removals
 * and other changes become one scan after the same quiet period. Watchers follow the library list (checked
 * every SCAN_WATCH_RECONCILE). When a watcher fails (inotify limit, a network mount without events) it is
 * closed, the library says `watchState: failed` with the reason, and periodic scans take over — never a
 * silent stop. Every worker node watches; the LibraryScan entity turns duplicate triggers into one scan.
 */
import { type Library, type LibraryId, LibraryMatchFileJob } from "@mediaserver/domain"
import { AppConfig } from "@mediaserver/server/config"
import { Libraries, LibraryScans } from "@mediaserver/server/library"
import { discFolderOf, discKindOfName, isCandidateFile, isSkippedDirectory } from "@mediaserver/server/library"
import { Jobs } from "@mediaserver/server/jobs"
import { watch, type FSWatcher } from "chokidar"
import { Duration, Effect, Layer, Runtime, Schedule } from "effect"
import * as Path from "node:path"

interface Active {
  readonly key: string
  readonly watcher: FSWatcher
  timer: ReturnType<typeof setTimeout> | undefined
  readonly fileTimers: Map<string, ReturnType<typeof setTimeout>>
}

/** What a watcher depends on: restart it when this changes. */
const watchKey = (library: Library) => JSON.stringify([library.paths, library.scan.extensions, library.scan.exclude])

const message = (error: unknown) => (error instanceof Error ? error.message : String(error))

export const LibraryWatcherLive = Layer.scopedDiscard(
  Effect.gen(function* () {
    const libraries = yield* Libraries
    const scans = yield* LibraryScans
    const jobs = yield* Jobs
    const config = yield* AppConfig
    const runFork = Runtime.runFork(yield* Effect.runtime<never>())
    const active = new Map<LibraryId, Active>()
    const debounce = Duration.toMillis(config.scanWatchDebounce)

    const stop = (id: LibraryId) =>
      Effect.promise(() => {
        const current = active.get(id)
        active.delete(id)
        if (current?.timer !== undefined) clearTimeout(current.timer)
        for (const timer of current?.fileTimers.values() ?? []) clearTimeout(timer)
        return current === undefined ? Promise.resolve() : current.watcher.close()
      })

    const trigger = (library: Library) =>
      scans.start(library.id, "watch").pipe(
        Effect.tap((scan) => Effect.logInfo(`changes in ${library.name}: scan ${scan.id}`)),
        Effect.catchAll((e) => Effect.logWarning(`changes in ${library.name}: scan not started: ${e.message}`))
      )

    const matchFile = (library: Library, path: string) =>
      jobs.enqueue(LibraryMatchFileJob, { libraryId: library.id, path }).pipe(
        Effect.catchAll((e) => Effect.logWarning(`${path} in ${library.name}: not queued for matching: ${e.message}`))
      )

    const failed = (library: Library, error: unknown) =>
      Effect.gen(function* () {
        yield* stop(library.id)
        yield* Effect.logWarning(`watching ${library.name} failed (${message(error)}); periodic scans cover it`)
        yield* libraries.setWatchState(library.id, "failed", message(error)).pipe(Effect.ignore)
      })

    const start = (library: Library) =>
      Effect.gen(function* () {
        const entry: Active = {
          key: watchKey(library),
          timer: undefined,
          fileTimers: new Map(),
          watcher: watch([...library.paths], {
            ignoreInitial: true,
            // Hidden, extras and system folders never hold library media; disc folders are items (watched).
            ignored: (path, stats) =>
              stats?.isDirectory() === true && isSkippedDirectory(Path.basename(path)) && discKindOfName(Path.basename(path)) === null,
            awaitWriteFinish: false
          })
        }
        const changed = () => {
          if (entry.timer !== undefined) clearTimeout(entry.timer)
          entry.timer = setTimeout(() => {
            entry.timer = undefined
            runFork(trigger(library))
          }, debounce)
        }
        const extensions = new Set(library.scan.extensions)
        const fileTimers = entry.fileTimers
        // A new or rewritten media file is matched on its own once it has been quiet for the debounce
        // (a copy in progress writes many times); anything removed needs a scan to be marked missing.
        const fileChanged = (path: string) => {
          const previous = fileTimers.get(path)
          if (previous !== undefined) clearTimeout(previous)
          fileTimers.set(path, setTimeout(() => {
            fileTimers.delete(path)
            runFork(matchFile(library, path))
          }, debounce))
        }
        entry.watcher.on("all", (event, path) => {
          // A disc folder is one item made of many files (Disc.ts): any change in it is a scan's to weigh.
          if (discFolderOf(path) !== null || (event === "addDir" && discKindOfName(Path.basename(path)) !== null)) changed()
          else if (event === "add" || event === "change") {
            if (isCandidateFile(Path.basename(path), extensions)) fileChanged(path)
          } else if (event !== "addDir") changed()
        })
        entry.watcher.on("error", (error) => runFork(failed(library, error)))
        active.set(library.id, entry)
        yield* Effect.promise(() => new Promise<void>((resolve) => entry.watcher.once("ready", () => resolve())))
        if (active.get(library.id) === entry) {
          yield* libraries.setWatchState(library.id, "watching", null).pipe(Effect.ignore)
          yield* Effect.logInfo(`watching ${library.name} for changes`)
        }
      })

    const reconcile = Effect.gen(function* () {
      const current = yield* libraries.all
      const wanted = current.filter((library) => library.scan.watch)
      for (const id of [...active.keys()]) {
        const library = wanted.find((l) => l.id === id)
        if (library === undefined || watchKey(library) !== active.get(id)?.key) yield* stop(id)
      }
      for (const library of wanted) {
        // A failed watcher stays off until the library is saved again (a new key) or the node restarts.
        if (!active.has(library.id) && library.watchState !== "failed") yield* start(library)
      }
      const unwatched = current.filter((l) => !l.scan.watch && l.watchState !== "off")
      yield* Effect.forEach(unwatched, (l) => libraries.setWatchState(l.id, "off", null), { discard: true })
    }).pipe(Effect.catchAll((e) => Effect.logWarning(`library watchers: ${e.message}`)))

    yield* Effect.addFinalizer(() => Effect.forEach([...active.keys()], stop, { discard: true }))
    yield* Effect.forkScoped(Effect.repeat(reconcile, Schedule.spaced(config.scanWatchReconcile)))
  })
)
