/**
 * Starting, cancelling and reading scans. Start and cancel go through the library's `LibraryScan`
 * entity (workers implement it), which handles one message at a time on one runner: two triggers, from
 * any node, start one scan. Reads come from `library_scans`, which the running scan keeps current.
 */
import {
  type Conflict,
  type DatabaseError,
  type LibraryId,
  type LibraryScan,
  LibraryScanEntity,
  LibraryScansPage,
  NotFound,
  pageWindow,
  type ScanTrigger,
  Unavailable
} from "@mediaserver/domain"
import { Context, Duration, Effect, Layer, Option, type Stream } from "effect"
import { entityCall } from "../cluster/EntityCall.js"
import { makeScanWatch } from "./ScanWatch.js"
import { ScansRepo } from "./ScansRepo.js"

const ENTITY_TIMEOUT = Duration.seconds(30)
const DEFAULT_PAGE_SIZE = 20
const WATCH_INTERVAL = Duration.seconds(1)

export class LibraryScans extends Context.Tag("@mediaserver/library/LibraryScans")<
  LibraryScans,
  {
    /** The new scan, or the one already running. */
    readonly start: (libraryId: LibraryId, trigger: ScanTrigger) => Effect.Effect<LibraryScan, NotFound | Unavailable>
    readonly cancel: (libraryId: LibraryId) => Effect.Effect<LibraryScan, NotFound | Conflict | Unavailable>
    readonly page: (libraryId: LibraryId, params: Parameters<typeof pageWindow>[0]) => Effect.Effect<LibraryScansPage, DatabaseError>
    /**
     * The latest scan now and once a second while it runs; ends when it is no longer running. Watchers
     * of one library on a node share one poll.
     */
    readonly watch: (libraryId: LibraryId) => Stream.Stream<LibraryScan, NotFound | DatabaseError>
  }
>() {
  static readonly layer = Layer.scoped(
    LibraryScans,
    Effect.gen(function* () {
      const repo = yield* ScansRepo
      const client = yield* LibraryScanEntity.client
      const viaEntity = <A, E>(libraryId: LibraryId, call: Effect.Effect<A, E>) =>
        entityCall(`LibraryScan/${libraryId}`, ENTITY_TIMEOUT)(call)
      const latest = (libraryId: LibraryId) =>
        Effect.flatMap(repo.latest(libraryId), Option.match({
          onNone: () => Effect.fail(new NotFound({ message: `Library ${libraryId} has no scan` })),
          onSome: Effect.succeed
        }))
      const watch = yield* makeScanWatch(latest, WATCH_INTERVAL)
      return {
        start: (libraryId, trigger) => viaEntity(libraryId, client(libraryId).Start({ trigger })),
        cancel: (libraryId) => viaEntity(libraryId, client(libraryId).Cancel()),
        page: (libraryId, params) => {
          const window = pageWindow(params, DEFAULT_PAGE_SIZE)
          return Effect.map(repo.page(libraryId, window.limit, window.offset), ({ items, total }) =>
            new LibraryScansPage({ items, total, ...window }))
        },
        watch
      }
    })
  )
}
