/**
 * Each user's state on movies and episodes: resume position, watched flag, play count and history.
 * Reaching the threshold (WATCHED_THRESHOLD_PERCENT of the duration) marks an item watched once per
 * crossing: heartbeats past it do not count again, a rewatch from the start does. Every write drops
 * the user's cached watch-derived answers (tag `watch:<user>`) on every node. Callers check library
 * access first; this service only knows users and items.
 */
import { PgClient } from "@effect/sql-pg"
import {
  type DatabaseError,
  EpisodeId,
  MovieId,
  NotFound,
  type UserId,
  type WatchItem,
  WatchProgress
} from "@mediaserver/domain"
import { Context, DateTime, Effect, Layer, Option, Schema } from "effect"
import { CacheStore } from "../cache/index.js"
import { AppConfig } from "../config/AppConfig.js"
import { decodeRows, wrapSql } from "../db/Sql.js"

const Row = Schema.Struct({
  movie_id: Schema.NullOr(MovieId),
  episode_id: Schema.NullOr(EpisodeId),
  position_seconds: Schema.Number,
  duration_seconds: Schema.NullOr(Schema.Number),
  watched: Schema.Boolean,
  play_count: Schema.Number,
  last_watched_at: Schema.NullOr(Schema.DateFromSelf),
  updated_at: Schema.DateFromSelf
})
type Row = typeof Row.Type
const decode = decodeRows(Row)

export const percentOf = (position: number, duration: number | null): number =>
  duration === null || duration <= 0 ? 0 : Math.min(100, Math.max(0, (position / duration) * 100))

export const toProgress = (item: WatchItem, row: Row): WatchProgress =>
  new WatchProgress({
    item,
    positionSeconds: row.position_seconds,
    durationSeconds: row.duration_seconds,
    percent: percentOf(row.position_seconds, row.duration_seconds),
    watched: row.watched,
    playCount: row.play_count,
    lastWatchedAt: row.last_watched_at === null ? null : DateTime.unsafeFromDate(row.last_watched_at),
    updatedAt: DateTime.unsafeFromDate(row.updated_at)
  })

const empty = (item: WatchItem) =>
  new WatchProgress({
    item,
    positionSeconds: 0,
    durationSeconds: null,
    percent: 0,
    watched: false,
    playCount: 0,
    lastWatchedAt: null,
    updatedAt: DateTime.unsafeMake(0)
  })

const itemNotFound = (item: WatchItem) => new NotFound({ message: `No ${item._tag} ${item.id}` })

/** The tag of every cached answer derived from a user's watch state. */
export const watchTag = (userId: UserId | string) => `watch:${userId}`

export class UserProgress extends Context.Tag("@mediaserver/content/UserProgress")<
  UserProgress,
  {
    readonly thresholdPercent: number
    readonly get: (userId: UserId, item: WatchItem) => Effect.Effect<WatchProgress, DatabaseError>
    /** Records a position (seconds) of a play; crossing the threshold marks the item watched. */
    readonly setProgress: (
      userId: UserId,
      item: WatchItem,
      positionSeconds: number,
      durationSeconds: number | null
    ) => Effect.Effect<WatchProgress, NotFound | DatabaseError>
    /** Forgets the resume position; the watched flag and history stay. */
    readonly clearProgress: (userId: UserId, item: WatchItem) => Effect.Effect<WatchProgress, DatabaseError>
    /** Marks items watched (a play, in history) or unwatched (flag, position and count reset). */
    readonly setWatched: (
      userId: UserId,
      items: ReadonlyArray<WatchItem>,
      watched: boolean
    ) => Effect.Effect<ReadonlyArray<WatchProgress>, NotFound | DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    UserProgress,
    Effect.gen(function* () {
      const sql = yield* PgClient.PgClient
      const config = yield* AppConfig
      const threshold = config.watchedThresholdPercent
      const store = yield* CacheStore
      const invalidate = (userId: UserId) => store.invalidateTag(watchTag(userId))
      // The stored row's position was below the threshold (nothing stored counts as 0 %).
      const belowThreshold = sql`coalesce(w.position_seconds / nullif(w.duration_seconds, 0) * 100, 0) < ${threshold}`

      // The item row (with its series for an episode), or nothing if it does not exist.
      const target = (item: WatchItem) =>
        item._tag === "movie"
          ? sql`SELECT id AS movie_id, NULL::uuid AS episode_id, NULL::uuid AS series_id FROM movies WHERE id = ${item.id}`
          : sql`SELECT NULL::uuid AS movie_id, id AS episode_id, series_id FROM episodes WHERE id = ${item.id}`
      const where = (userId: UserId, item: WatchItem) =>
        item._tag === "movie"
          ? sql`user_id = ${userId} AND movie_id = ${item.id}`
          : sql`user_id = ${userId} AND episode_id = ${item.id}`
      const conflict = (item: WatchItem) =>
        item._tag === "movie"
          ? sql`(user_id, movie_id) WHERE movie_id IS NOT NULL`
          : sql`(user_id, episode_id) WHERE episode_id IS NOT NULL`

      const get = (userId: UserId, item: WatchItem) =>
        sql`SELECT * FROM watch_state WHERE ${where(userId, item)}`.pipe(
          Effect.flatMap(decode),
          Effect.map((rows) => Option.match(Option.fromNullable(rows[0]), { onNone: () => empty(item), onSome: (row) => toProgress(item, row) })),
          wrapSql("watchState.get")
        )

      const one = (item: WatchItem) => (rows: ReadonlyArray<Row>) =>
        rows[0] === undefined ? Effect.fail(itemNotFound(item)) : Effect.succeed(toProgress(item, rows[0]))

      const setProgress = (userId: UserId, item: WatchItem, position: number, duration: number | null) => {
        const reached = percentOf(position, duration) >= threshold
        // Whether this write crosses the threshold is decided against the row as the upsert finds it
        // (ON CONFLICT sees the latest committed version), not a snapshot read before it: two writes
        // past the threshold at once would both see the old position and count two plays.
        // `crossed` in RETURNING: only a crossing sets last_watched_at to this transaction's now().
        return sql`
          WITH t AS (${target(item)}),
          up AS (
            INSERT INTO watch_state AS w (user_id, movie_id, episode_id, series_id, position_seconds, duration_seconds,
              watched, play_count, last_watched_at, updated_at)
            SELECT ${userId}, t.movie_id, t.episode_id, t.series_id, ${position}, ${duration}, ${reached},
              CASE WHEN ${reached} THEN 1 ELSE 0 END, CASE WHEN ${reached} THEN now() END, now()
            FROM t
            ON CONFLICT ${conflict(item)} DO UPDATE SET
              position_seconds = EXCLUDED.position_seconds,
              duration_seconds = coalesce(EXCLUDED.duration_seconds, w.duration_seconds),
              watched = w.watched OR EXCLUDED.watched,
              play_count = w.play_count + CASE WHEN EXCLUDED.watched AND ${belowThreshold} THEN 1 ELSE 0 END,
              last_watched_at = CASE WHEN EXCLUDED.watched AND ${belowThreshold} THEN now() ELSE w.last_watched_at END,
              updated_at = now()
            RETURNING w.*, w.last_watched_at IS NOT DISTINCT FROM now() AND ${reached} AS crossed
          ),
          hist AS (
            INSERT INTO watch_history (id, user_id, movie_id, episode_id, series_id, position_seconds, duration_seconds)
            SELECT gen_random_uuid(), user_id, movie_id, episode_id, series_id, position_seconds, duration_seconds
            FROM up WHERE up.crossed
          )
          SELECT * FROM up
        `.pipe(
          Effect.flatMap(decode),
          wrapSql("watchState.setProgress"),
          Effect.flatMap(one(item)),
          Effect.tap(() => invalidate(userId))
        )
      }

      const clearProgress = (userId: UserId, item: WatchItem) =>
        sql`UPDATE watch_state SET position_seconds = 0, updated_at = now() WHERE ${where(userId, item)}`.pipe(
          wrapSql("watchState.clearProgress"),
          Effect.zipRight(invalidate(userId)),
          Effect.zipRight(get(userId, item))
        )

      const setOne = (userId: UserId, item: WatchItem, watched: boolean) =>
        (watched
          ? sql`
            WITH t AS (${target(item)}),
            up AS (
              INSERT INTO watch_state AS w (user_id, movie_id, episode_id, series_id, position_seconds, duration_seconds,
                watched, play_count, last_watched_at, updated_at)
              SELECT ${userId}, t.movie_id, t.episode_id, t.series_id, 0, NULL, true, 1, now(), now() FROM t
              ON CONFLICT ${conflict(item)} DO UPDATE SET
                position_seconds = 0, watched = true, play_count = w.play_count + 1,
                last_watched_at = now(), updated_at = now()
              RETURNING w.*
            ),
            hist AS (
              INSERT INTO watch_history (id, user_id, movie_id, episode_id, series_id, position_seconds, duration_seconds)
              SELECT gen_random_uuid(), user_id, movie_id, episode_id, series_id, NULL, duration_seconds FROM up
            )
            SELECT * FROM up`
          : sql`
            WITH t AS (${target(item)}),
            up AS (
              INSERT INTO watch_state AS w (user_id, movie_id, episode_id, series_id, watched, updated_at)
              SELECT ${userId}, t.movie_id, t.episode_id, t.series_id, false, now() FROM t
              ON CONFLICT ${conflict(item)} DO UPDATE SET
                position_seconds = 0, watched = false, play_count = 0, updated_at = now()
              RETURNING w.*
            )
            SELECT * FROM up`).pipe(Effect.flatMap(decode), wrapSql("watchState.setWatched"), Effect.flatMap(one(item)))

      const setWatched = (userId: UserId, items: ReadonlyArray<WatchItem>, watched: boolean) =>
        sql.withTransaction(Effect.forEach(items, (item) => setOne(userId, item, watched))).pipe(
          wrapSql("watchState.setWatched"),
          Effect.tap(() => invalidate(userId))
        )

      return { thresholdPercent: threshold, get, setProgress, clearProgress, setWatched }
    })
  )
}
