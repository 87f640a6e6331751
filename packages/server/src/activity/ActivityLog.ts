/**
 * The activity log, written without slowing the request: `record` only puts the entry on a bounded
 * in-process queue; one fiber takes what has gathered (up to a batch) and writes it in a single
 * INSERT. On shutdown what is left is written once more. Best effort by design: when the queue is full
 * (the database is down for long) new entries are dropped and counted, requests never wait.
 */
import { SqlClient } from "@effect/sql"
import type { ActivityAction, UserId } from "@mediaserver/domain"
import { Chunk, Context, Duration, Effect, Layer, Queue, Schedule } from "effect"
import { wrapSql } from "../db/Sql.js"

export interface ActivityEntry {
  readonly action: ActivityAction
  readonly userId: UserId | null
  readonly resourceType?: string
  readonly resourceId?: string
  readonly ip?: string | null
  readonly userAgent?: string | null
  readonly details?: Readonly<Record<string, unknown>>
}

const CAPACITY = 10_000
const BATCH = 500

export class ActivityLog extends Context.Tag("@mediaserver/activity/ActivityLog")<
  ActivityLog,
  {
    readonly record: (entry: ActivityEntry) => Effect.Effect<void>
  }
>() {
  static readonly layer = Layer.scoped(
    ActivityLog,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const queue = yield* Queue.dropping<ActivityEntry & { readonly at: string }>(CAPACITY)
      let dropped = 0

      const insert = (entries: ReadonlyArray<ActivityEntry & { readonly at: string }>) =>
        sql`
          INSERT INTO activity_log (at, user_id, action, resource_type, resource_id, ip, user_agent, details)
          SELECT at, user_id, action, resource_type, resource_id, ip, user_agent, details
          FROM jsonb_to_recordset(${JSON.stringify(entries.map((e) => ({
            at: e.at,
            user_id: e.userId,
            action: e.action,
            resource_type: e.resourceType ?? null,
            resource_id: e.resourceId ?? null,
            ip: e.ip ?? null,
            user_agent: e.userAgent ?? null,
            details: e.details ?? null
          })))}::jsonb) AS v(at timestamptz, user_id uuid, action text, resource_type text, resource_id text,
            ip text, user_agent text, details jsonb)
        `.pipe(
          wrapSql("activity.insert"),
          // A short outage (failover, restart) loses nothing; a long one drops this batch, not requests.
          Effect.retry(Schedule.exponential(Duration.millis(200)).pipe(Schedule.intersect(Schedule.recurs(4)))),
          Effect.catchAll((e) => Effect.logWarning(`activity log: ${entries.length} entries not written (${e.message})`))
        )

      const drainOnce = Effect.flatMap(Queue.takeBetween(queue, 1, BATCH), (batch) => insert(Chunk.toReadonlyArray(batch)))
      yield* Effect.forkScoped(Effect.forever(drainOnce))
      // Runs before the fiber above is interrupted (finalizers run in reverse): write what is left.
      yield* Effect.addFinalizer(() =>
        Effect.flatMap(Queue.takeAll(queue), (rest) => (Chunk.isEmpty(rest) ? Effect.void : insert(Chunk.toReadonlyArray(rest)))).pipe(
          Effect.timeout(Duration.seconds(5)),
          Effect.ignore
        )
      )

      return {
        record: (entry) =>
          Effect.flatMap(Queue.offer(queue, { ...entry, at: new Date().toISOString() }), (accepted) => {
            if (accepted) return Effect.void
            dropped++
            // One line per thousand, not one per request, while the database is away.
            return dropped % 1000 === 1 ? Effect.logWarning(`activity log queue full: ${dropped} entries dropped so far`) : Effect.void
          })
      }
    })
  )
}
