/**
 * Server statistics for an admin dashboard: plays, watch time, active users, how streams were served
 * and library sizes, per hour and per UTC day, for the whole server and per library. An hourly job
 * aggregates them from the playback sessions (it replaces none of the per-user stats of browsing).
 */
import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import { BadRequest, Forbidden, HttpForbidden, HttpUnavailable, Unavailable } from "./errors.js"
import { Authentication, RpcAuthentication } from "./identity.js"
import { LibraryId } from "./libraries.js"
import { about, doc } from "./apiDocs.js"

export const StatisticsGranularity = Schema.Literal("hour", "day")
export type StatisticsGranularity = typeof StatisticsGranularity.Type

/** The longest range one request may cover, per granularity (a dashboard's month of hours, year of days). */
export const STATISTICS_MAX_PERIODS: Readonly<Record<StatisticsGranularity, number>> = { hour: 24 * 31, day: 366 }

/** One period of one scope: the whole server (`libraryId` null) or one library. */
export class StatisticsPoint extends Schema.Class<StatisticsPoint>("StatisticsPoint")({
  /** Start of the hour or UTC day (ISO instant). */
  startsAt: Schema.String,
  libraryId: Schema.NullOr(LibraryId),
  /** Sessions started in the period. */
  plays: Schema.Number,
  /** Time sessions were open within the period, in seconds (a paused player counts). */
  watchSeconds: Schema.Number,
  /** Users with a session open during the period. */
  activeUsers: Schema.Number,
  directPlays: Schema.Number,
  remuxes: Schema.Number,
  transcodes: Schema.Number,
  /**
   * Library sizes when the period was last aggregated while it was current; null for a period first
   * aggregated after it ended (the sizes of the past are not known).
   */
  movies: Schema.NullOr(Schema.Number),
  series: Schema.NullOr(Schema.Number),
  episodes: Schema.NullOr(Schema.Number),
  files: Schema.NullOr(Schema.Number),
  bytes: Schema.NullOr(Schema.Number)
}) {}

export class StatisticsReport extends Schema.Class<StatisticsReport>("StatisticsReport")({
  granularity: StatisticsGranularity,
  from: Schema.String,
  to: Schema.String,
  /** When the aggregation job last ran (null: never yet). */
  aggregatedAt: Schema.NullOr(Schema.String),
  /** Oldest first; the server's point before its libraries' for each period. */
  items: Schema.Array(StatisticsPoint)
}) {}

const queryFields = {
  granularity: Schema.optional(StatisticsGranularity),
  /** Inclusive; default: 30 days (48 hours) before `to`. */
  from: Schema.optional(Schema.DateTimeUtc),
  /** Exclusive; default: now. */
  to: Schema.optional(Schema.DateTimeUtc),
  libraryId: Schema.optional(LibraryId)
}
export const StatisticsQuery = Schema.Struct(queryFields)
export type StatisticsQuery = typeof StatisticsQuery.Type

export class AdminStatisticsApi extends HttpApiGroup.make("adminStatistics")
  .annotateContext(about("Admin: server statistics for a dashboard: plays, watch time, active users, direct play/remux/transcode and library sizes, per hour or UTC day, for the server and per library."))
  .add(
    HttpApiEndpoint.get("list", "/admin/statistics").setUrlParams(StatisticsQuery).addSuccess(StatisticsReport)
      .annotateContext(doc("Get server statistics", "Statistics per period (`granularity` hour or day) from `from` (default: 30 days before `to` by day, 48 hours by hour) to `to` (default: now), for the whole server and each library, or for one `libraryId`. Aggregated hourly from the playback sessions; `aggregatedAt` says when. A range too long for its granularity is a 400 naming the field."))
  )
  .middleware(Authentication)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

export class AdminStatisticsRpcs extends RpcGroup.make(
  Rpc.make("StatisticsList", {
    payload: StatisticsQuery,
    success: StatisticsReport,
    error: Schema.Union(BadRequest, Forbidden, Unavailable)
  })
).middleware(RpcAuthentication) {}
