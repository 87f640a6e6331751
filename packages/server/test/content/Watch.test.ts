import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Redacted, Schema } from "effect"
import { read, request } from "@mediaserver/testkit/Http"
import { cleanupPrefix, connectRedis, subscribed } from "@mediaserver/testkit/CacheNodes"
import { eventually } from "@mediaserver/testkit/Poll"
import { redisPrefix, redisUrl } from "@mediaserver/testkit/TestDatabase"
import { startServer } from "@mediaserver/testkit/TestServer"
import { partOf, seededServer } from "@mediaserver/testkit/Seeded"

const Progress = Schema.Struct({
  positionSeconds: Schema.Number,
  durationSeconds: Schema.NullOr(Schema.Number),
  percent: Schema.Number,
  watched: Schema.Boolean,
  playCount: Schema.Number
})
const Episode = Schema.Struct({ id: Schema.String, seriesId: Schema.String, seasonId: Schema.String, seasonNumber: Schema.Number, episodeNumber: Schema.NullOr(Schema.Number), hasFile: Schema.Boolean, airDate: Schema.NullOr(Schema.String) })
const Series = Schema.Struct({ id: Schema.String, title: Schema.String, seasonCount: Schema.Number, episodeCount: Schema.Number })
const SeriesPage = Schema.Struct({ items: Schema.Array(Series), total: Schema.Number })
const SeriesDetails = Schema.Struct({
  ...Series.fields,
  seasons: Schema.Array(Schema.Struct({ id: Schema.String, seasonNumber: Schema.Number, episodeCount: Schema.Number })),
  networks: Schema.Array(Schema.Struct({ name: Schema.String })),
  cast: Schema.Array(Schema.Struct({ name: Schema.String }))
})
const EpisodeDetails = Schema.Struct({ ...Episode.fields, guestStars: Schema.Array(Schema.Struct({ name: Schema.String })), files: Schema.Array(Schema.Struct({ id: Schema.String })) })
const Next = Schema.Struct({ episode: Schema.NullOr(Episode) })
const MoviePage = Schema.Struct({ items: Schema.Array(Schema.Struct({ id: Schema.String })), total: Schema.Number })
const ContinueMovie = Schema.Struct({ movie: Schema.Struct({ id: Schema.String }), progress: Progress })
const ContinueEpisode = Schema.Struct({ episode: Schema.Struct({ id: Schema.String }), progress: Progress })
const History = Schema.Struct({ items: Schema.Array(Schema.Struct({ kind: Schema.String, movie: Schema.NullOr(Schema.Struct({ id: Schema.String })) })), total: Schema.Number })

describe("series and watch state", () => {
  it.scopedLive("series, seasons, episodes; progress -> continue watching -> watched -> next episode; stats and history", () =>
    Effect.gen(function* () {
      const s = yield* seededServer()
      const call = (method: string, path: string, body?: unknown) => request(s.url, method, path, { auth: s.viewer, body })
      const shows = yield* read(SeriesPage)(yield* call("GET", "/api/v1/tvshows?sort=title"))
      expect(shows.total).toBe(6)
      const show = shows.items[0]!
      expect(show).toMatchObject({ seasonCount: 2, episodeCount: 10 })
      const details = yield* read(SeriesDetails)(yield* call("GET", `/api/v1/tvshows/${show.id}`))
      expect(details.seasons.map((x) => x.seasonNumber)).toEqual([1, 2])
      expect(details.networks).toHaveLength(1)
      expect(details.cast.length).toBeGreaterThan(0)
      // Sub-resources: the lists the details carry (in the same order), then what only they answer.
      const whole = (yield* call("GET", `/api/v1/tvshows/${show.id}`)).body
      for (const part of ["seasons", "cast", "crew", "genres", "networks"]) {
        const res = yield* call("GET", `/api/v1/tvshows/${show.id}/${part}`)
        expect(res.status, part).toBe(200)
        expect(res.body, part).toEqual(partOf(whole, part))
      }
      const episodes = yield* read(Schema.Array(Episode))(yield* call("GET", `/api/v1/tvshows/${show.id}/episodes`))
      expect(episodes.map((e) => [e.seriesId, e.seasonNumber, e.episodeNumber])).toEqual(
        [1, 2].flatMap((season) => [1, 2, 3, 4, 5].map((episode) => [show.id, season, episode])))
      expect(yield* read(Schema.Struct({ episodes: Schema.Number, watchedEpisodes: Schema.Number, inProgress: Schema.Number }))(
        yield* call("GET", `/api/v1/tvshows/${show.id}/watch-stats`))).toEqual({ episodes: 10, watchedEpisodes: 0, inProgress: 0 })
      const searched = yield* read(SeriesPage)(yield* call("GET", `/api/v1/tvshows/search?q=${encodeURIComponent(show.title)}`))
      expect(searched.items[0]?.id).toBe(show.id)
      const newest = yield* read(SeriesPage)(yield* call("GET", "/api/v1/tvshows/recently-added?limit=2"))
      expect(newest.items).toHaveLength(2)
      expect((yield* read(SeriesPage)(yield* call("GET", `/api/v1/tvshows?network=${encodeURIComponent(details.networks[0]!.name)}`))).items.map((x) => x.id)).toContain(show.id)
      const season1 = details.seasons[0]!
      expect((yield* read(Schema.Struct({ seasonNumber: Schema.Number }))(yield* call("GET", `/api/v1/tvshows/seasons/${season1.id}`))).seasonNumber).toBe(1)
      const s1 = yield* read(Schema.Array(Episode))(yield* call("GET", `/api/v1/tvshows/seasons/${season1.id}/episodes`))
      expect(s1.map((e) => e.episodeNumber)).toEqual([1, 2, 3, 4, 5])
      const e1 = yield* read(EpisodeDetails)(yield* call("GET", `/api/v1/tvshows/episodes/${s1[0]!.id}`))
      expect(e1.guestStars.length).toBe(1)
      expect(e1.files).toHaveLength(1)
      const e1Files = yield* call("GET", `/api/v1/tvshows/episodes/${s1[0]!.id}/files`)
      expect(e1Files.status).toBe(200)
      expect(e1Files.body).toEqual(partOf((yield* call("GET", `/api/v1/tvshows/episodes/${s1[0]!.id}`)).body, "files"))

      const nextUp = Effect.flatMap(call("GET", "/api/v1/tvshows/next-up"), read(Schema.Array(Episode)))
      // Nothing watched: the next episode is the first; nothing is "next up" yet.
      expect(yield* nextUp).toEqual([])
      expect((yield* read(Next)(yield* call("GET", `/api/v1/tvshows/${show.id}/next-episode`))).episode?.id).toBe(s1[0]!.id)
      // Half of episode 1: continue watching lists it; progress reads back.
      const half = yield* read(Progress)(yield* call("PUT", `/api/v1/tvshows/episodes/${s1[0]!.id}/progress`, { positionSeconds: 1350 }))
      expect(half).toMatchObject({ positionSeconds: 1350, durationSeconds: 2700, percent: 50, watched: false })
      const continuing = yield* read(Schema.Array(ContinueEpisode))(yield* call("GET", "/api/v1/tvshows/continue-watching"))
      expect(continuing.map((c) => c.episode.id)).toEqual([s1[0]!.id])
      // A series with an episode in progress is "continue watching", not "next up".
      expect(yield* nextUp).toEqual([])
      // Past 90%: watched, counted once however many heartbeats follow; it leaves continue watching.
      yield* call("PUT", `/api/v1/tvshows/episodes/${s1[0]!.id}/progress`, { positionSeconds: 2500 })
      const done = yield* read(Progress)(yield* call("PUT", `/api/v1/tvshows/episodes/${s1[0]!.id}/progress`, { positionSeconds: 2600 }))
      expect(done).toMatchObject({ watched: true, playCount: 1 })
      expect(yield* read(Schema.Array(ContinueEpisode))(yield* call("GET", "/api/v1/tvshows/continue-watching"))).toEqual([])
      expect((yield* read(Next)(yield* call("GET", `/api/v1/tvshows/${show.id}/next-episode`))).episode?.id).toBe(s1[1]!.id)
      expect((yield* nextUp).map((e) => e.id)).toEqual([s1[1]!.id])

      // The rest of season 1 in bulk: next is season 2 episode 1.
      const bulk = yield* call("POST", "/api/v1/tvshows/episodes/bulk-watched", { episodeIds: s1.slice(1).map((e) => e.id), watched: true })
      expect(bulk.status).toBe(200)
      const next = yield* read(Next)(yield* call("GET", `/api/v1/tvshows/${show.id}/next-episode`))
      expect(next.episode).toMatchObject({ seasonNumber: 2, episodeNumber: 1 })
      expect((yield* nextUp).map((e) => e.id)).toEqual([next.episode?.id])
      expect(yield* read(Schema.Array(Episode))(yield* request(s.url, "GET", "/api/v1/tvshows/next-up", { auth: s.outsider }))).toEqual([])
      const stats = yield* read(Schema.Struct({ episodes: Schema.Number, watchedEpisodes: Schema.Number, percent: Schema.Number }))(
        yield* call("GET", `/api/v1/tvshows/${show.id}/watch-stats`)
      )
      expect(stats).toMatchObject({ episodes: 10, watchedEpisodes: 5, percent: 50 })
      expect(yield* read(Schema.Struct({ watchedEpisodes: Schema.Number }))(yield* call("GET", "/api/v1/tvshows/stats"))).toMatchObject({ watchedEpisodes: 5 })
      // Unwatching episode 3 makes it the next one again.
      yield* call("POST", `/api/v1/tvshows/episodes/${s1[2]!.id}/watched`, { watched: false })
      expect((yield* read(Next)(yield* call("GET", `/api/v1/tvshows/${show.id}/next-episode`))).episode?.seasonNumber).toBe(2)
      const unwatched = yield* read(Progress)(yield* call("GET", `/api/v1/tvshows/episodes/${s1[2]!.id}/progress`))
      expect(unwatched.watched).toBe(false)

      // Movies: progress, continue watching, watched, history, stats, watched filter.
      const movies = yield* read(MoviePage)(yield* call("GET", "/api/v1/movies?limit=3"))
      const [m1, m2] = movies.items
      // PUT, as for episodes; the reference's POST still sets it too.
      expect((yield* read(Progress)(yield* call("PUT", `/api/v1/movies/${m1!.id}/progress`, { positionSeconds: 60, durationSeconds: 6000 }))).positionSeconds).toBe(60)
      yield* call("POST", `/api/v1/movies/${m2!.id}/progress`, { positionSeconds: 120, durationSeconds: 6000 })
      const cw = yield* read(Schema.Array(ContinueMovie))(yield* call("GET", "/api/v1/movies/continue-watching"))
      expect(cw.map((c) => c.movie.id)).toEqual([m2!.id, m1!.id])
      const marked = yield* read(Progress)(yield* call("POST", `/api/v1/movies/${m1!.id}/watched`, { watched: true }))
      expect(marked).toMatchObject({ watched: true, playCount: 1, positionSeconds: 0 })
      expect((yield* read(Schema.Array(ContinueMovie))(yield* call("GET", "/api/v1/movies/continue-watching"))).map((c) => c.movie.id)).toEqual([m2!.id])
      expect((yield* call("DELETE", `/api/v1/movies/${m2!.id}/progress`)).status).toBe(204)
      expect((yield* read(Progress)(yield* call("GET", `/api/v1/movies/${m2!.id}/progress`))).positionSeconds).toBe(0)
      expect(yield* read(Schema.Array(ContinueMovie))(yield* call("GET", "/api/v1/movies/continue-watching"))).toEqual([])
      const history = yield* read(History)(yield* call("GET", "/api/v1/movies/watch-history"))
      expect(history.items.map((h) => h.movie?.id)).toEqual([m1!.id])
      expect(yield* read(Schema.Struct({ total: Schema.Number, watched: Schema.Number }))(yield* call("GET", "/api/v1/movies/stats"))).toMatchObject({ total: 60, watched: 1 })
      const watchedOnly = yield* read(MoviePage)(yield* call("GET", "/api/v1/movies?watched=true"))
      expect(watchedOnly.items.map((m) => m.id)).toEqual([m1!.id])
      expect((yield* read(MoviePage)(yield* call("GET", "/api/v1/movies?watched=false&limit=100"))).total).toBe(59)
      // Another user's state is their own.
      expect(yield* read(Schema.Array(ContinueMovie))(yield* request(s.url, "GET", "/api/v1/movies/continue-watching", { auth: s.admin }))).toEqual([])

      // Bad input changes nothing.
      expect((yield* call("POST", `/api/v1/movies/${m2!.id}/progress`, { positionSeconds: -5 })).status).toBe(400)
      expect((yield* call("POST", "/api/v1/tvshows/episodes/bulk-watched", { episodeIds: [], watched: true })).status).toBe(400)
      const unknown = yield* call("POST", "/api/v1/tvshows/episodes/bulk-watched", {
        episodeIds: [s1[2]!.id, "00000000-0000-4000-8000-000000000000"], watched: true
      })
      expect(unknown.status).toBe(404)
      expect((yield* read(Progress)(yield* call("GET", `/api/v1/tvshows/episodes/${s1[2]!.id}/progress`))).watched).toBe(false)

      // Recent and upcoming episodes come from the libraries' series, by air date.
      const recent = yield* read(Schema.Struct({ items: Schema.Array(Episode) }))(yield* call("GET", "/api/v1/tvshows/episodes/recent?days=30"))
      const upcoming = yield* read(Schema.Struct({ items: Schema.Array(Episode) }))(yield* call("GET", "/api/v1/tvshows/episodes/upcoming?days=60"))
      const today = new Date().toISOString().slice(0, 10)
      expect(recent.items.length + upcoming.items.length).toBeGreaterThan(0)
      expect(recent.items.every((e) => e.airDate !== null && e.airDate <= today)).toBe(true)
      expect(upcoming.items.every((e) => e.airDate !== null && e.airDate > today)).toBe(true)
      expect((yield* request(s.url, "GET", `/api/v1/tvshows/${show.id}`, { auth: s.outsider })).status).toBe(404)
      expect((yield* request(s.url, "GET", `/api/v1/tvshows/seasons/${season1.id}`, { auth: s.outsider })).status).toBe(404)
      expect((yield* request(s.url, "GET", `/api/v1/tvshows/episodes/${s1[0]!.id}`, { auth: s.outsider })).status).toBe(404)
    }))

  it.scopedLive("a progress write on one node shows in continue watching on another", () =>
    Effect.gen(function* () {
      const redis = yield* Effect.orDie(redisUrl)
      const prefix = redisPrefix("browse")
      yield* cleanupPrefix(redis, prefix)
      const env = { REDIS_URL: redis, CACHE_KEY_PREFIX: prefix }
      const s = yield* seededServer(env)
      const other = yield* startServer({ DATABASE_URL: Redacted.value(s.db.url), ...env })
      const client = yield* connectRedis(redis)
      yield* eventually(Effect.sync(() => client.status), (status) => status === "ready", { what: "redis", timeout: Duration.seconds(5) })
      yield* subscribed(client, prefix, 2)
      const movies = yield* read(MoviePage)(yield* request(s.url, "GET", "/api/v1/movies?limit=1", { auth: s.viewer }))
      const id = movies.items[0]!.id
      // Warm the second node's cache with the empty answer first.
      expect(yield* read(Schema.Array(ContinueMovie))(yield* request(other.url, "GET", "/api/v1/movies/continue-watching", { auth: s.viewer }))).toEqual([])
      yield* request(s.url, "POST", `/api/v1/movies/${id}/progress`, { auth: s.viewer, body: { positionSeconds: 300 } })
      // The invalidation travels over Redis: the other node drops its cached answer soon, not at once.
      const continueOnOther = Effect.flatMap(
        request(other.url, "GET", "/api/v1/movies/continue-watching", { auth: s.viewer }),
        read(Schema.Array(ContinueMovie))
      )
      yield* eventually(continueOnOther, (seen) => seen.length === 1 && seen[0]?.movie.id === id, {
        what: "the other node to list the movie", timeout: Duration.seconds(10)
      })
    }))
})
