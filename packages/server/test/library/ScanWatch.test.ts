import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { LibraryId, NotFound, ScanId } from "@mediaserver/domain"
import { Chunk, Context, Duration, Effect, Exit, Fiber, Layer, Logger, LogLevel, Option, Redacted, Ref, Stream } from "effect"
import { randomUUID } from "node:crypto"
import { migrate } from "../../src/db/Migrations.js"
import { makeScanWatch } from "../../src/library/ScanWatch.js"
import { ScansRepo } from "../../src/library/ScansRepo.js"
import { databaseLayer } from "@mediaserver/testkit/DatabaseLayer"
import { eventually } from "@mediaserver/testkit/Poll"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"

const WATCHERS = 5

describe("scan watch", () => {
  it.scopedLive("watchers of one library share one poll; each sees the scan to its end; a later watcher sees the next scan", () =>
    Effect.gen(function* () {
      const db = yield* freshDatabase("scan_watch")
      const context = yield* Layer.build(Layer.provideMerge(ScansRepo.layer, databaseLayer(Redacted.value(db.url))))
      yield* Effect.provide(migrate, context).pipe(Logger.withMinimumLogLevel(LogLevel.Warning))
      const sql = Context.get(context, SqlClient.SqlClient)
      const scans = Context.get(context, ScansRepo)
      const libraryId = LibraryId.make(randomUUID())
      yield* sql`INSERT INTO libraries (id, name, kind, paths, scan, language, country)
        VALUES (${libraryId}, 'Films', 'movie', '[]'::jsonb, '{}'::jsonb, 'en', 'US')`

      const polls = yield* Ref.make(0)
      const latest = (id: LibraryId) =>
        Effect.zipRight(Ref.update(polls, (n) => n + 1), scans.latest(id)).pipe(
          Effect.flatMap(Option.match({ onNone: () => Effect.fail(new NotFound({ message: `no scan of ${id}` })), onSome: Effect.succeed }))
        )
      const watch = yield* makeScanWatch(latest, Duration.millis(50))

      const first = ScanId.make(randomUUID())
      yield* scans.start(first, libraryId, "manual")
      const watchers = yield* Effect.forEach(Array.from({ length: WATCHERS }), () => Effect.fork(Stream.runCollect(watch(libraryId))))
      yield* eventually(Ref.get(polls), (n) => n >= 5, { what: "a few polls", timeout: Duration.seconds(10) })
      yield* scans.finish(first, "completed", null)
      const seen = (yield* Effect.forEach(watchers, Fiber.join)).map(Chunk.toReadonlyArray)
      for (const updates of seen) {
        expect(updates.at(-1)).toMatchObject({ id: first, status: "completed" })
        expect(updates.slice(0, -1).every((scan) => scan.status === "running")).toBe(true)
      }
      // One poll per update, whatever the number of watchers (one each would be WATCHERS times as many).
      const longest = Math.max(...seen.map((updates) => updates.length))
      expect(longest).toBeGreaterThanOrEqual(2)
      expect(yield* Ref.get(polls)).toBeLessThanOrEqual(longest + 1)

      // The ended poll is not reused: a watcher of the next scan follows that one.
      const second = ScanId.make(randomUUID())
      yield* scans.start(second, libraryId, "manual")
      const next = yield* Effect.fork(Stream.runCollect(watch(libraryId)))
      yield* scans.finish(second, "cancelled", "cancelled by request")
      const nextSeen = Chunk.toReadonlyArray(yield* Fiber.join(next))
      expect(nextSeen.every((scan) => scan.id === second)).toBe(true)
      expect(nextSeen.at(-1)?.status).toBe("cancelled")
    }), { timeout: 60_000 })

  it.scopedLive("a library without scans: NotFound", () =>
    Effect.gen(function* () {
      const watch = yield* makeScanWatch((id: LibraryId) => Effect.fail(new NotFound({ message: `no scan of ${id}` })), Duration.millis(50))
      const exit = yield* Effect.exit(Stream.runCollect(watch(LibraryId.make(randomUUID()))))
      expect(Exit.isFailure(exit) && Exit.causeOption(exit).pipe(Option.map(String), Option.getOrElse(() => "")).includes("NotFound")).toBe(true)
    }))
})
