/**
 * The hourly `statistics.aggregate` job: (re)computes the hours and UTC days since its last run, for the
 * whole server and per library, from the playback sessions, and stamps the current period with the
 * library sizes. Upserts only, so a run again (a retry, an admin's "run now") writes the same numbers.
 * The last hour it wrote was current then (still filling) and is computed again; a first run goes back
 * BACKFILL_HOURS. Sessions count in every period they were open in: a play where it started, its open
 * time split across periods, its user once per period.
 */
import { SqlClient } from "@effect/sql"
import type { DatabaseError } from "@mediaserver/domain"
import { Clock, Effect } from "effect"
import { wrapSql } from "../db/Sql.js"

const HOUR = 3600
const DAY = 24 * HOUR
const BACKFILL_HOURS = 7 * 24

export interface AggregateResult {
  readonly hours: number
  readonly days: number
}

const floorTo = (seconds: number, step: number) => Math.floor(seconds / step) * step

/** Writes the periods of `step` seconds from `fromSec` to the one holding `nowSec`, both included. */
const aggregatePeriods = (sql: SqlClient.SqlClient, period: "hour" | "day", step: number, fromSec: number, nowSec: number) => {
  const count = (floorTo(nowSec, step) - fromSec) / step + 1
  const endSec = fromSec + count * step
  return sql`
    WITH periods AS (
      SELECT to_timestamp(${fromSec}::float8 + n * ${step}) AS starts_at, to_timestamp(${fromSec}::float8 + (n + 1) * ${step}) AS ends_at
      FROM generate_series(0, ${count - 1}::int) AS n
    ),
    scopes AS (
      SELECT 'all'::text AS scope, NULL::uuid AS library_id
      UNION ALL SELECT id::text, id FROM libraries
    ),
    sessions AS (
      SELECT p.user_id, f.library_id, p.decision->>'method' AS method, p.created_at,
        greatest(p.created_at, coalesce(p.stopped_at, p.last_active_at)) AS ended_at
      FROM playback_sessions p JOIN media_files f ON f.id = p.media_file_id
      WHERE p.created_at < to_timestamp(${endSec}::float8)
        AND coalesce(p.stopped_at, p.last_active_at) >= to_timestamp(${fromSec}::float8)
    ),
    open_in AS (
      SELECT pe.starts_at, s.*,
        extract(epoch FROM least(s.ended_at, pe.ends_at) - greatest(s.created_at, pe.starts_at)) AS open_seconds,
        s.created_at >= pe.starts_at AS started_here
      FROM sessions s JOIN periods pe
        ON s.created_at < pe.ends_at AND (s.ended_at > pe.starts_at OR s.created_at >= pe.starts_at)
    ),
    counted AS (
      SELECT starts_at, coalesce(library_id::text, 'all') AS scope,
        count(*) FILTER (WHERE started_here) AS plays,
        sum(open_seconds) AS watch_seconds,
        count(DISTINCT user_id) AS active_users,
        count(*) FILTER (WHERE started_here AND method = 'direct') AS direct_plays,
        count(*) FILTER (WHERE started_here AND method = 'remux') AS remuxes,
        count(*) FILTER (WHERE started_here AND method = 'transcode') AS transcodes
      FROM open_in GROUP BY GROUPING SETS ((starts_at), (starts_at, library_id))
    ),
    library_sizes AS (
      SELECT l.id::text AS scope,
        (SELECT count(*) FROM movies m WHERE m.library_id = l.id) AS movies,
        (SELECT count(*) FROM series s WHERE s.library_id = l.id) AS series,
        (SELECT count(*) FROM episodes e JOIN series s ON s.id = e.series_id WHERE s.library_id = l.id) AS episodes,
        (SELECT count(*) FROM media_files f WHERE f.library_id = l.id AND f.state = 'present') AS files,
        (SELECT coalesce(sum(f.size_bytes), 0) FROM media_files f WHERE f.library_id = l.id AND f.state = 'present') AS bytes
      FROM libraries l
    ),
    sizes AS (
      SELECT * FROM library_sizes
      UNION ALL
      SELECT 'all', coalesce(sum(movies), 0), coalesce(sum(series), 0), coalesce(sum(episodes), 0),
        coalesce(sum(files), 0), coalesce(sum(bytes), 0)
      FROM library_sizes
    )
    INSERT INTO statistics AS st (period, starts_at, scope, library_id, plays, watch_seconds, active_users,
      direct_plays, remuxes, transcodes, movies, series, episodes, files, bytes, aggregated_at)
    SELECT ${period}, pe.starts_at, sc.scope, sc.library_id,
      coalesce(c.plays, 0), coalesce(c.watch_seconds, 0), coalesce(c.active_users, 0),
      coalesce(c.direct_plays, 0), coalesce(c.remuxes, 0), coalesce(c.transcodes, 0),
      z.movies, z.series, z.episodes, z.files, z.bytes, now()
    FROM periods pe CROSS JOIN scopes sc
    LEFT JOIN counted c ON c.starts_at = pe.starts_at AND c.scope = sc.scope
    LEFT JOIN sizes z ON z.scope = sc.scope AND pe.ends_at = to_timestamp(${endSec}::float8)
    ON CONFLICT (period, starts_at, scope) DO UPDATE SET
      plays = EXCLUDED.plays, watch_seconds = EXCLUDED.watch_seconds, active_users = EXCLUDED.active_users,
      direct_plays = EXCLUDED.direct_plays, remuxes = EXCLUDED.remuxes, transcodes = EXCLUDED.transcodes,
      movies = coalesce(EXCLUDED.movies, st.movies), series = coalesce(EXCLUDED.series, st.series),
      episodes = coalesce(EXCLUDED.episodes, st.episodes), files = coalesce(EXCLUDED.files, st.files),
      bytes = coalesce(EXCLUDED.bytes, st.bytes), aggregated_at = EXCLUDED.aggregated_at
  `.pipe(Effect.as(count))
}

export const aggregateStatistics: Effect.Effect<AggregateResult, DatabaseError, SqlClient.SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const nowSec = Math.floor((yield* Clock.currentTimeMillis) / 1000)
  const currentHour = floorTo(nowSec, HOUR)
  const [last] = yield* sql<{ readonly lastSec: number | null }>`
    SELECT extract(epoch FROM max(starts_at))::float8 AS "lastSec" FROM statistics WHERE period = 'hour'`
  const lastSec = last?.lastSec ?? null
  const fromHour = lastSec === null ? currentHour - BACKFILL_HOURS * HOUR : Math.min(lastSec, currentHour - HOUR)
  // One transaction: a dashboard never reads the hours of a run without its days.
  const result = yield* sql.withTransaction(Effect.all({
    hours: aggregatePeriods(sql, "hour", HOUR, fromHour, nowSec),
    days: aggregatePeriods(sql, "day", DAY, floorTo(fromHour, DAY), nowSec)
  }))
  yield* Effect.logInfo(`statistics: aggregated ${result.hours} hours and ${result.days} days`)
  return result
}).pipe(wrapSql("statistics.aggregate"), Effect.withSpan("aggregateStatistics"))
