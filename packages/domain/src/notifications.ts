/**
 * Notification agents and per-user notification preferences. An agent is data: where to send (Discord
 * webhook, Gotify, ntfy, a signed generic webhook, email), which event types, and how the message reads
 * (templates with `{{field}}` placeholders over the event's payload; a default per type otherwise). Its
 * URL and secret are stored sealed and never shown (only the URL's origin).
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import {
  ConfigurationError,
  Conflict,
  Forbidden,
  HttpConflict,
  HttpForbidden,
  HttpNotFound,
  HttpUnavailable,
  HttpUnprocessable,
  NotFound,
  Unauthorized,
  Unavailable,
  Unprocessable
} from "./errors.js"
import { DomainEventType } from "./events.js"
import { HttpUrl } from "./integrations.js"
import { Authentication, RpcAuthentication } from "./identity.js"
import { about, doc } from "./apiDocs.js"

export const NotificationAgentId = Schema.UUID.pipe(Schema.brand("NotificationAgentId"))
export type NotificationAgentId = typeof NotificationAgentId.Type

export const NotificationAgentKind = Schema.Literal("discord", "gotify", "ntfy", "webhook", "email")
export type NotificationAgentKind = typeof NotificationAgentKind.Type

/** The header of a signed webhook: `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` under the agent's secret. */
export const WebhookSignatureHeader = "x-mediaserver-signature"
/** Unix seconds when the webhook was signed: a receiver refuses old ones (replay). */
export const WebhookTimestampHeader = "x-mediaserver-timestamp"

/** The events an agent relays when created without a filter: what a person wants to hear about. */
export const defaultAgentEvents: ReadonlyArray<typeof DomainEventType.Type> = [
  "movie.added", "series.added", "episode.added", "library.scan_failed", "metadata.refresh_failed",
  "auth.login_failed", "user.created", "integration.health", "integration.grab", "job.discarded"
]

/** A message template for one event type (or `*`: every type without its own); placeholders `{{field}}`. */
export class MessageTemplate extends Schema.Class<MessageTemplate>("MessageTemplate")({
  event: Schema.Union(DomainEventType, Schema.Literal("*")),
  title: Schema.optional(Schema.String.pipe(Schema.maxLength(300))),
  body: Schema.optional(Schema.String.pipe(Schema.maxLength(4000)))
}) {}

export class NotificationAgent extends Schema.Class<NotificationAgent>("NotificationAgent")({
  id: NotificationAgentId,
  name: Schema.String,
  kind: NotificationAgentKind,
  enabled: Schema.Boolean,
  events: Schema.Array(DomainEventType),
  templates: Schema.Array(MessageTemplate),
  /** Scheme and host of the sealed URL (a Discord URL holds its token in the path). */
  urlOrigin: Schema.NullOr(Schema.String),
  hasSecret: Schema.Boolean,
  /** ntfy: the topic. */
  topic: Schema.NullOr(Schema.String),
  /** Gotify (1-10) and ntfy (1-5) priority. */
  priority: Schema.NullOr(Schema.Int),
  /** Email: fixed recipients. */
  to: Schema.Array(Schema.String),
  /** Email: also every user whose email preferences take the event (and who may see it). */
  toUsers: Schema.Boolean
}) {}

const Name = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100))
const Secret = Schema.Redacted(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(500)))
const Email = Schema.String.pipe(Schema.pattern(/^[^\s@]+@[^\s@]+$/, { message: () => "an email address" }))
const Topic = Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]{1,64}$/, { message: () => "an ntfy topic (letters, digits, - and _)" }))

const agentFields = {
  name: Name,
  enabled: Schema.optional(Schema.Boolean),
  /** Absent: `defaultAgentEvents`. */
  events: Schema.optional(Schema.Array(DomainEventType)),
  templates: Schema.optional(Schema.Array(MessageTemplate)),
  /** Discord: the webhook URL; Gotify and ntfy: the server; webhook: the receiver. */
  url: Schema.optional(HttpUrl),
  /** Gotify: the application token; ntfy: an access token (optional); webhook: the HMAC key. */
  secret: Schema.optional(Secret),
  topic: Schema.optional(Topic),
  priority: Schema.optional(Schema.Int.pipe(Schema.between(1, 10))),
  to: Schema.optional(Schema.Array(Email)),
  toUsers: Schema.optional(Schema.Boolean)
}

export const CreateNotificationAgent = Schema.Struct({ kind: NotificationAgentKind, ...agentFields })
export type CreateNotificationAgent = typeof CreateNotificationAgent.Type

export const UpdateNotificationAgent = Schema.Struct({ ...agentFields, name: Schema.optional(Name) })
export type UpdateNotificationAgent = typeof UpdateNotificationAgent.Type

export class NotificationTestSent extends Schema.Class<NotificationTestSent>("NotificationTestSent")({
  agentId: NotificationAgentId,
  title: Schema.String
}) {}

/** What a user receives: event types by email (none by default) and in the browser (all by default). */
export class NotificationPreferences extends Schema.Class<NotificationPreferences>("NotificationPreferences")({
  email: Schema.Array(DomainEventType),
  browser: Schema.Array(DomainEventType)
}) {}

export const UpdateNotificationPreferences = Schema.Struct({
  email: Schema.optional(Schema.Array(DomainEventType)),
  browser: Schema.optional(Schema.Array(DomainEventType))
})
export type UpdateNotificationPreferences = typeof UpdateNotificationPreferences.Type

// --- HTTP --------------------------------------------------------------------------------------------

const idPath = Schema.Struct({ agentId: NotificationAgentId })

export class AdminNotificationsApi extends HttpApiGroup.make("adminNotifications")
  .annotateContext(about("Admin: notification agents (Discord, Gotify, ntfy, webhook, email, SSE) and the events they receive."))
  .add(
    HttpApiEndpoint.get("list", "/admin/notifications/agents").addSuccess(Schema.Array(NotificationAgent))
      .annotateContext(doc("List notification agents", "Every configured agent with its kind, events and whether enabled; secrets are never shown."))
  )
  .add(
    HttpApiEndpoint.post("create", "/admin/notifications/agents").setPayload(CreateNotificationAgent).addSuccess(NotificationAgent, { status: 201 })
      .annotateContext(doc("Add a notification agent", "Configures an agent (Discord, Gotify, ntfy, webhook, email) and the events it receives."))
  )
  .add(
    HttpApiEndpoint.get("get", "/admin/notifications/agents/:agentId").setPath(idPath).addSuccess(NotificationAgent)
      .annotateContext(doc("Get a notification agent", "One configured agent."))
  )
  .add(
    HttpApiEndpoint.patch("update", "/admin/notifications/agents/:agentId").setPath(idPath).setPayload(UpdateNotificationAgent)
      .addSuccess(NotificationAgent)
      .annotateContext(doc("Update a notification agent", "Changes the given fields of an agent."))
  )
  .add(
    HttpApiEndpoint.del("delete", "/admin/notifications/agents/:agentId").setPath(idPath).addSuccess(HttpApiSchema.NoContent)
      .annotateContext(doc("Delete a notification agent", "Removes an agent."))
  )
  .add(
    HttpApiEndpoint.post("test", "/admin/notifications/agents/:agentId/test").setPath(idPath).addSuccess(NotificationTestSent)
      .annotateContext(doc("Send a test notification", "Sends a test message through the agent and answers whether it was delivered."))
  )
  .middleware(Authentication)
  .addError(HttpNotFound)
  .addError(HttpConflict)
  .addError(HttpUnprocessable)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

export class NotificationPreferencesApi extends HttpApiGroup.make("notificationPreferences")
  .annotateContext(about("Which notifications the caller receives."))
  .add(
    HttpApiEndpoint.get("get", "/users/me/notifications").addSuccess(NotificationPreferences)
      .annotateContext(doc("Get my notification preferences", "Which events the caller is notified of, and how."))
  )
  .add(
    HttpApiEndpoint.put("set", "/users/me/notifications").setPayload(UpdateNotificationPreferences).addSuccess(NotificationPreferences)
      .annotateContext(doc("Set my notification preferences", "Changes which events the caller is notified of."))
  )
  .middleware(Authentication)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

// --- RPC ---------------------------------------------------------------------------------------------

const NotificationErrors = Schema.Union(Forbidden, NotFound, Conflict, Unprocessable, Unauthorized, Unavailable, ConfigurationError)

export class NotificationRpcs extends RpcGroup.make(
  Rpc.make("AdminNotificationAgentList", { success: Schema.Array(NotificationAgent), error: NotificationErrors }),
  Rpc.make("AdminNotificationAgentCreate", { payload: CreateNotificationAgent, success: NotificationAgent, error: NotificationErrors }),
  Rpc.make("AdminNotificationAgentGet", { payload: idPath, success: NotificationAgent, error: NotificationErrors }),
  Rpc.make("AdminNotificationAgentUpdate", {
    payload: Schema.Struct({ agentId: NotificationAgentId, changes: UpdateNotificationAgent }),
    success: NotificationAgent,
    error: NotificationErrors
  }),
  Rpc.make("AdminNotificationAgentDelete", { payload: idPath, error: NotificationErrors }),
  Rpc.make("AdminNotificationAgentTest", { payload: idPath, success: NotificationTestSent, error: NotificationErrors }),
  Rpc.make("NotificationPreferencesGet", { success: NotificationPreferences, error: NotificationErrors }),
  Rpc.make("NotificationPreferencesSet", { payload: UpdateNotificationPreferences, success: NotificationPreferences, error: NotificationErrors })
).middleware(RpcAuthentication) {}
