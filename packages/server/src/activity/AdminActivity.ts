/**
 * Reading the activity log (admins): listings filtered by time range, user, action and resource, newest
 * first; counts by action and by day with the number of distinct users; the actions there are. Each
 * filter uses an index of the log (user, action, resource, time).
 */
import { SqlClient } from "@effect/sql"
import {
  ActivityAction,
  ActivityActions,
  ActivityCount,
  ActivityEntry,
  ActivityPage,
  type ActivityQuery,
  ActivityStats,
  type DatabaseError,
  pageWindow,
  UserId
} from "@mediaserver/domain"
import { Context, DateTime, Effect, Layer } from "effect"
import { wrapSql } from "../db/Sql.js"

type Range = Pick<ActivityQuery, "from" | "to" | "action">

interface Row {
  readonly id: number
  readonly atMs: number
  readonly user_id: string | null
  readonly action: string
  readonly resource_type: string | null
  readonly resource_id: string | null
  readonly ip: string | null
  readonly user_agent: string | null
  readonly details: unknown
}

const toEntry = (row: Row) =>
  new ActivityEntry({
    id: row.id,
    at: new Date(row.atMs).toISOString(),
    userId: row.user_id === null ? null : UserId.make(row.user_id),
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    ip: row.ip,
    userAgent: row.user_agent,
    details: row.details
  })

export class AdminActivity extends Context.Tag("@mediaserver/activity/AdminActivity")<
  AdminActivity,
  {
    readonly list: (query: ActivityQuery) => Effect.Effect<ActivityPage, DatabaseError>
    readonly stats: (range: Range) => Effect.Effect<ActivityStats, DatabaseError>
    readonly actions: Effect.Effect<ActivityActions, DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    AdminActivity,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const where = (query: ActivityQuery) =>
        sql.and([
          ...(query.from === undefined ? [] : [sql`at >= ${DateTime.toDateUtc(query.from)}`]),
          ...(query.to === undefined ? [] : [sql`at < ${DateTime.toDateUtc(query.to)}`]),
          ...(query.action === undefined ? [] : [sql`action = ${query.action}`]),
          ...(query.userId === undefined ? [] : [sql`user_id = ${query.userId}`]),
          ...(query.resourceType === undefined ? [] : [sql`resource_type = ${query.resourceType}`]),
          ...(query.resourceId === undefined ? [] : [sql`resource_id = ${query.resourceId}`])
        ])

      const list = (query: ActivityQuery) =>
        Effect.gen(function* () {
          const window = pageWindow(query, 50)
          const filter = where(query)
          const rows = yield* sql<Row>`
            SELECT id::float8 AS id, (extract(epoch FROM at) * 1000)::float8 AS "atMs", user_id, action,
              resource_type, resource_id, ip, user_agent, details
            FROM activity_log WHERE ${filter}
            ORDER BY at DESC, id DESC LIMIT ${window.limit} OFFSET ${window.offset}`
          const [count] = yield* sql<{ readonly total: number }>`SELECT count(*)::float8 AS total FROM activity_log WHERE ${filter}`
          return new ActivityPage({ items: rows.map(toEntry), total: count?.total ?? 0, ...window })
        }).pipe(wrapSql("activity.list"))

      const stats = (range: Range) =>
        Effect.gen(function* () {
          const filter = where(range)
          const [totals] = yield* sql<{ readonly total: number; readonly users: number }>`
            SELECT count(*)::float8 AS total, count(DISTINCT user_id)::float8 AS users FROM activity_log WHERE ${filter}`
          const byAction = yield* sql<{ readonly key: string; readonly count: number }>`
            SELECT action AS key, count(*)::float8 AS count FROM activity_log WHERE ${filter}
            GROUP BY action ORDER BY count DESC, action`
          const byDay = yield* sql<{ readonly key: string; readonly count: number }>`
            SELECT to_char(date_trunc('day', at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS key, count(*)::float8 AS count
            FROM activity_log WHERE ${filter} GROUP BY 1 ORDER BY 1`
          return new ActivityStats({
            total: totals?.total ?? 0,
            users: totals?.users ?? 0,
            byAction: byAction.map((r) => new ActivityCount(r)),
            byDay: byDay.map((r) => new ActivityCount(r))
          })
        }).pipe(wrapSql("activity.stats"))

      const actions = sql<{ readonly key: string; readonly count: number }>`
        SELECT action AS key, count(*)::float8 AS count FROM activity_log GROUP BY action ORDER BY action`.pipe(
        Effect.map((rows) => new ActivityActions({ known: ActivityAction.literals, recorded: rows.map((r) => new ActivityCount(r)) })),
        wrapSql("activity.actions")
      )

      return { list, stats, actions }
    })
  )
}
