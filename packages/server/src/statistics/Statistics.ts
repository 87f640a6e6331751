/**
 * Reading the aggregated statistics (admins): the points of one granularity in a time range, for the
 * server and each library or for one library. A range longer than a dashboard needs is refused, naming
 * the field, rather than cut short without saying.
 */
import { SqlClient } from "@effect/sql"
import {
  BadRequest,
  type DatabaseError,
  LibraryId,
  STATISTICS_MAX_PERIODS,
  type StatisticsGranularity,
  StatisticsPoint,
  type StatisticsQuery,
  StatisticsReport
} from "@mediaserver/domain"
import { Clock, Context, DateTime, Effect, Layer } from "effect"
import { wrapSql } from "../db/Sql.js"

const STEP_MS: Readonly<Record<StatisticsGranularity, number>> = { hour: 3_600_000, day: 86_400_000 }
/** Without `from`: a month of days, two days of hours. */
const DEFAULT_PERIODS: Readonly<Record<StatisticsGranularity, number>> = { hour: 48, day: 30 }

interface Row {
  readonly startsAtMs: number
  readonly library_id: string | null
  readonly plays: number
  readonly watch_seconds: number
  readonly active_users: number
  readonly direct_plays: number
  readonly remuxes: number
  readonly transcodes: number
  readonly movies: number | null
  readonly series: number | null
  readonly episodes: number | null
  readonly files: number | null
  readonly bytes: number | null
}

const toPoint = (row: Row) =>
  new StatisticsPoint({
    startsAt: new Date(row.startsAtMs).toISOString(),
    libraryId: row.library_id === null ? null : LibraryId.make(row.library_id),
    plays: row.plays,
    watchSeconds: row.watch_seconds,
    activeUsers: row.active_users,
    directPlays: row.direct_plays,
    remuxes: row.remuxes,
    transcodes: row.transcodes,
    movies: row.movies,
    series: row.series,
    episodes: row.episodes,
    files: row.files,
    bytes: row.bytes
  })

export class Statistics extends Context.Tag("@mediaserver/statistics/Statistics")<
  Statistics,
  { readonly list: (query: StatisticsQuery) => Effect.Effect<StatisticsReport, BadRequest | DatabaseError> }
>() {
  static readonly layer = Layer.effect(
    Statistics,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const list = (query: StatisticsQuery) =>
        Effect.gen(function* () {
          const granularity = query.granularity ?? "day"
          const step = STEP_MS[granularity]
          const toMs = query.to === undefined ? yield* Clock.currentTimeMillis : DateTime.toEpochMillis(query.to)
          const fromMs = query.from === undefined ? toMs - DEFAULT_PERIODS[granularity] * step : DateTime.toEpochMillis(query.from)
          if (fromMs >= toMs) {
            return yield* new BadRequest({ message: "from must be before to", details: { field: "from" } })
          }
          const max = STATISTICS_MAX_PERIODS[granularity]
          if (toMs - fromMs > max * step) {
            return yield* new BadRequest({
              message: `A range of at most ${max} ${granularity}s per request`,
              details: { field: "from", limit: max }
            })
          }
          // Periods that overlap the range: the one `from` falls in is included.
          const from = new Date(Math.floor(fromMs / step) * step)
          const to = new Date(toMs)
          const rows = yield* sql<Row>`
            SELECT (extract(epoch FROM starts_at) * 1000)::float8 AS "startsAtMs", library_id, plays, watch_seconds,
              active_users, direct_plays, remuxes, transcodes, movies, series, episodes, files, bytes::float8 AS bytes
            FROM statistics
            WHERE period = ${granularity} AND starts_at >= ${from} AND starts_at < ${to}
              ${query.libraryId === undefined ? sql`` : sql`AND library_id = ${query.libraryId}`}
            ORDER BY starts_at, library_id NULLS FIRST`
          const [last] = yield* sql<{ readonly atMs: number | null }>`
            SELECT (extract(epoch FROM max(aggregated_at)) * 1000)::float8 AS "atMs" FROM statistics`
          const aggregatedMs = last?.atMs ?? null
          return new StatisticsReport({
            granularity,
            from: from.toISOString(),
            to: to.toISOString(),
            aggregatedAt: aggregatedMs === null ? null : new Date(aggregatedMs).toISOString(),
            items: rows.map(toPoint)
          })
        }).pipe(wrapSql("statistics.list"))
      return { list }
    })
  )
}
