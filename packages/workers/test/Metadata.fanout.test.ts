import { describe, expect, it } from "@effect/vitest"
import { LibraryId } from "@mediaserver/domain"
import { MetadataRefresh } from "@mediaserver/server/metadata"
import { Context, Duration, Effect, Schema } from "effect"
import { fakeTmdb } from "@mediaserver/testkit/FakeTmdb"
import { fixedClock } from "@mediaserver/testkit/FixedClock"
import { eventually } from "@mediaserver/testkit/Poll"
import { createLibrary, libraryNode, scanNow, tree } from "@mediaserver/testkit/LibraryNode"

const MOVIES = 25
const noResults = { page: 1, total_pages: 1, total_results: 0, results: [] }

describe("metadata fan-out", () => {
  it.scopedLive("a library refresh enqueues one refresh per pending item; run twice at once (a retry), it adds none", () =>
    Effect.gen(function* () {
      // Every search finds nothing: each movie's refresh ends quickly, unmatched.
      const { env } = yield* fakeTmdb([{ method: "GET", path: "/3/search/movie", response: { body: noResults } }])
      const { url, sql, admin, context } = yield* libraryNode("meta_fanout", env)
      const files: Record<string, string> = {}
      for (let i = 0; i < MOVIES; i++) files[`Film ${i} (2001)/Film ${i} (2001).mkv`] = ""
      const library = yield* createLibrary(url, admin, { name: "Films", kind: "movie", paths: [yield* tree(files)] })
      yield* scanNow(url, admin, library.id)

      const settled = { timeout: Duration.seconds(60), interval: Duration.millis(200) }
      const refreshes = sql<{ movie_id: string; state: string }>`
        SELECT payload->>'movieId' AS movie_id, state FROM job_runs WHERE kind = 'metadata.refresh_movie'`
      const done = yield* eventually(refreshes, (rows) => rows.length === MOVIES && rows.every((r) => r.state === "completed"), {
        what: "a completed refresh of every movie", ...settled
      })
      const movies = yield* sql<{ id: string; metadata_state: string }>`SELECT id, metadata_state FROM movies ORDER BY id`
      expect(new Set(done.map((r) => r.movie_id))).toEqual(new Set(movies.map((m) => m.id)))
      expect(movies.every((m) => m.metadata_state === "unmatched")).toBe(true)

      // Pending again, and two library refreshes at once (a retry), at a time fixed an hour on: past the
      // first runs' 30-minute period whatever the clock, so each movie gets exactly one new run.
      yield* sql`UPDATE movies SET metadata_state = 'pending'`
      const refresh = Context.get(context, MetadataRefresh)
      const libraryId = Schema.decodeSync(LibraryId)(library.id)
      const twiceAt = (clock: ReturnType<typeof fixedClock>) =>
        Effect.withClock(Effect.all([refresh.library(libraryId), refresh.library(libraryId)], { concurrency: "unbounded" }), clock)
      const later = fixedClock(Date.now() + Duration.toMillis(Duration.hours(1)))
      expect(yield* twiceAt(later)).toEqual([MOVIES, MOVIES])
      expect((yield* refreshes).length).toBe(2 * MOVIES)
      // Pending again within that period (once those runs are done): each finds every item, no run is added.
      yield* eventually(refreshes, (rows) => rows.every((r) => r.state === "completed"), { what: "the new runs to end", ...settled })
      yield* sql`UPDATE movies SET metadata_state = 'pending'`
      expect(yield* twiceAt(later)).toEqual([MOVIES, MOVIES])
      expect((yield* refreshes).length).toBe(2 * MOVIES)
    }), { timeout: 120_000 })
})
