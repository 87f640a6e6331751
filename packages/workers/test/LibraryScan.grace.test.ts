import { describe, expect, it } from "@effect/vitest"
import { Events } from "@mediaserver/server/events"
import { LibraryScanDone } from "@mediaserver/domain"
import { Context, Effect, Fiber, Schema, Stream } from "effect"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { createLibrary, libraryNode, scanNow, tree } from "@mediaserver/testkit/LibraryNode"

describe("missing files and scan events", () => {
  it.scopedLive("past the grace period a vanished file and its movie are deleted; library.scan_done carries the counts", () =>
    Effect.gen(function* () {
      const { url, sql, admin, context } = yield* libraryNode("scan_grace", { LIBRARY_MISSING_GRACE: "0 seconds" })
      const root = yield* tree({ "Heat (1995)/Heat (1995).mkv": "", "Up (2009)/Up (2009).mkv": "" })
      const library = yield* createLibrary(url, admin, { name: "Movies", kind: "movie", paths: [root] })
      const events = yield* Effect.forkScoped(
        Effect.flatMap(Context.get(context, Events).subscribe, (stream) => Stream.runCollect(Stream.take(Stream.filter(stream, Schema.is(LibraryScanDone)), 2)))
      )
      yield* scanNow(url, admin, library.id)
      yield* Effect.promise(() => Fs.rm(Path.join(root, "Up (2009)"), { recursive: true }))
      const second = yield* scanNow(url, admin, library.id)
      expect(second.counts).toMatchObject({ seen: 1, removed: 1 })
      const movies = yield* sql<{ title: string }>`SELECT title FROM movies ORDER BY title`
      expect(movies.map((m) => m.title)).toEqual(["Heat"])
      const files = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM media_files`
      expect(files[0]?.n).toBe(1)

      const seen = [...(yield* Fiber.join(events))]
      expect(seen.map((e) => [e._tag, e.libraryId, e.counts.seen, e.counts.removed])).toEqual([
        ["library.scan_done", library.id, 2, 0],
        ["library.scan_done", library.id, 1, 1]
      ])
    }), { timeout: 60_000 })
})
