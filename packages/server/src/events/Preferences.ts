/**
 * Per-user event preferences: which event types a user receives in the browser (the live stream;
 * every type by default) and by email (an email agent that writes to users; none by default).
 */
import { SqlClient } from "@effect/sql"
import {
  type DatabaseError,
  DomainEventType,
  NotificationPreferences,
  type UpdateNotificationPreferences,
  UserId
} from "@mediaserver/domain"
import { Context, Effect, Layer, Schema } from "effect"
import { decodeRows, jsonb, wrapSql } from "../db/Sql.js"

const ALL_TYPES: ReadonlyArray<DomainEventType> = DomainEventType.literals


const Row = Schema.Struct({
  email_events: Schema.NullOr(Schema.Array(DomainEventType)),
  browser_events: Schema.NullOr(Schema.Array(DomainEventType))
})
const decode = decodeRows(Row)

const resolve = (row: typeof Row.Type | undefined) =>
  new NotificationPreferences({ email: row?.email_events ?? [], browser: row?.browser_events ?? ALL_TYPES })

/** A user whose email preferences take some of the asked types (`types`: which), with their address. */
const Subscriber = Schema.Struct({
  userId: UserId,
  username: Schema.String,
  email: Schema.String,
  types: Schema.Array(DomainEventType)
})
export type EmailSubscriber = typeof Subscriber.Type
const decodeSubscribers = decodeRows(Subscriber)

export class EventPreferences extends Context.Tag("@mediaserver/events/EventPreferences")<
  EventPreferences,
  {
    readonly get: (userId: UserId) => Effect.Effect<NotificationPreferences, DatabaseError>
    readonly set: (userId: UserId, changes: UpdateNotificationPreferences) => Effect.Effect<NotificationPreferences, DatabaseError>
    /** Users whose email preferences take any of `types`, with which. */
    readonly emailSubscribers: (types: ReadonlyArray<DomainEventType>) => Effect.Effect<ReadonlyArray<EmailSubscriber>, DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    EventPreferences,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const get = (userId: UserId) =>
        sql`SELECT email_events, browser_events FROM notification_preferences WHERE user_id = ${userId}`.pipe(
          Effect.flatMap(decode), Effect.map((rows) => resolve(rows[0])),
          wrapSql("preferences.get"))
      return {
        get,
        set: (userId, changes) =>
          Effect.gen(function* () {
            const current = yield* get(userId)
            const email = changes.email ?? current.email
            const browser = changes.browser ?? current.browser
            yield* sql`
              INSERT INTO notification_preferences (user_id, email_events, browser_events)
              VALUES (${userId}, ${jsonb(email)}::jsonb, ${jsonb(browser)}::jsonb)
              ON CONFLICT (user_id) DO UPDATE SET email_events = EXCLUDED.email_events, browser_events = EXCLUDED.browser_events,
                updated_at = now()`.pipe(wrapSql("preferences.set"))
            return new NotificationPreferences({ email, browser })
          }),
        emailSubscribers: (types) =>
          sql`
            SELECT p.user_id AS "userId", u.username, u.email, p.email_events AS types
            FROM notification_preferences p JOIN users u ON u.id = p.user_id
            WHERE p.email_events ?| ARRAY(SELECT jsonb_array_elements_text(${jsonb(types)}::jsonb))`.pipe(
            Effect.flatMap(decodeSubscribers),
            wrapSql("preferences.emailSubscribers"))
      }
    })
  )
}
