/**
 * The watched threshold: crossing it marks an item watched and counts one play (one history entry),
 * once per crossing: concurrent writes past it count once, a rewatch from the start counts again,
 * and the threshold is the configured one (WATCHED_THRESHOLD_PERCENT), not a fixed 90 %.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { read, request } from "@mediaserver/testkit/Http"
import { seededServer } from "@mediaserver/testkit/Seeded"

const Progress = Schema.Struct({ positionSeconds: Schema.Number, watched: Schema.Boolean, playCount: Schema.Number })
const MoviePage = Schema.Struct({ items: Schema.Array(Schema.Struct({ id: Schema.String })) })
const History = Schema.Struct({ items: Schema.Array(Schema.Struct({ movie: Schema.NullOr(Schema.Struct({ id: Schema.String })) })) })

const DURATION = 6000

const setup = (env: Record<string, string> = {}) =>
  Effect.gen(function* () {
    const s = yield* seededServer(env)
    const call = (method: string, path: string, body?: unknown) => request(s.url, method, path, { auth: s.viewer, body })
    const movies = (yield* read(MoviePage)(yield* call("GET", "/api/v1/movies?limit=3"))).items.map((m) => m.id)
    const at = (movie: string, percent: number) =>
      Effect.flatMap(call("POST", `/api/v1/movies/${movie}/progress`, { positionSeconds: (DURATION * percent) / 100, durationSeconds: DURATION }), read(Progress))
    const plays = (movie: string) =>
      Effect.map(Effect.flatMap(call("GET", "/api/v1/movies/watch-history?limit=100"), read(History)),
        (history) => history.items.filter((h) => h.movie?.id === movie).length)
    const state = (movie: string) => Effect.flatMap(call("GET", `/api/v1/movies/${movie}/progress`), read(Progress))
    return { movies, at, plays, state }
  })

describe("the watched threshold", () => {
  it.scopedLive("concurrent writes past it count one play; a rewatch from the start counts again; heartbeats past it do not", () =>
    Effect.gen(function* () {
      const { movies, at, plays, state } = yield* setup()
      const movie = movies[0] ?? ""
      yield* at(movie, 50)
      // Ten writes past the threshold at once (two tabs, retries): one crossing.
      yield* Effect.all(Array.from({ length: 10 }, (_, i) => at(movie, 91 + (i % 5))), { concurrency: "unbounded" })
      expect(yield* state(movie)).toMatchObject({ watched: true, playCount: 1 })
      expect(yield* plays(movie)).toBe(1)
      // Heartbeats past it: still one.
      yield* at(movie, 97)
      yield* at(movie, 99)
      expect((yield* state(movie)).playCount).toBe(1)
      // A rewatch: from the start, then past the threshold again.
      yield* at(movie, 5)
      expect(yield* state(movie)).toMatchObject({ watched: true, playCount: 1 })
      expect(yield* at(movie, 95)).toMatchObject({ watched: true, playCount: 2 })
      expect(yield* plays(movie)).toBe(2)
      // The first write being past the threshold (no earlier position) counts too, once, even concurrently.
      const fresh = movies[1] ?? ""
      yield* Effect.all(Array.from({ length: 10 }, () => at(fresh, 95)), { concurrency: "unbounded" })
      expect(yield* state(fresh)).toMatchObject({ watched: true, playCount: 1 })
      expect(yield* plays(fresh)).toBe(1)
    }), 120_000)

  it.scopedLive("a non-default threshold (50 %) is the one applied", () =>
    Effect.gen(function* () {
      const { movies, at, plays } = yield* setup({ WATCHED_THRESHOLD_PERCENT: "50" })
      const movie = movies[0] ?? ""
      expect(yield* at(movie, 45)).toMatchObject({ watched: false, playCount: 0 })
      expect(yield* at(movie, 55)).toMatchObject({ watched: true, playCount: 1 })
      expect(yield* plays(movie)).toBe(1)
      // 80 % is past 50 % but the crossing was already counted.
      expect(yield* at(movie, 80)).toMatchObject({ watched: true, playCount: 1 })
    }), 120_000)
})
