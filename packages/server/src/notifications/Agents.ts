/**
 * Administration of notification agents: URL and secret sealed with SecretBox (never shown; only the
 * URL's origin), what each kind needs checked once here (422 naming the field), every change in the
 * activity log, and "send a test" straight through the agent (not through a job: the admin waits).
 */
import {
  type ConfigurationError,
  type Conflict,
  type CreateNotificationAgent,
  type DatabaseError,
  defaultAgentEvents,
  NotFound,
  NotificationAgent,
  NotificationAgentId,
  type NotificationAgentKind,
  NotificationTestSent,
  type Principal,
  type ProviderError,
  Unavailable,
  Unprocessable,
  type UpdateNotificationAgent,
  UserCreated
} from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Redacted } from "effect"
import { randomUUID } from "node:crypto"
import { ActivityLog } from "../activity/ActivityLog.js"
import { SecretBox } from "../auth/SecretBox.js"
import { type AgentFields, type AgentRow, NotificationRepo } from "./Repo.js"
import { NotificationSenders } from "./Senders.js"

export const toAgent = (row: AgentRow) =>
  new NotificationAgent({
    id: row.id,
    name: row.name,
    kind: row.kind,
    enabled: row.enabled,
    events: row.events,
    templates: row.templates,
    urlOrigin: row.url_origin,
    hasSecret: row.secret !== "",
    topic: row.topic,
    priority: row.priority,
    to: row.recipients,
    toUsers: row.to_users
  })

const noAgent = new NotFound({ message: "No such notification agent", details: { field: "agentId" } })
const missing = (field: string, kind: string) => new Unprocessable({ message: `A ${kind} agent needs ${field}`, details: { field } })

/** What each kind cannot do without. */
const check = (kind: NotificationAgentKind, f: AgentFields): Effect.Effect<void, Unprocessable> => {
  if (kind !== "email" && f.url === "") return Effect.fail(missing("url", kind))
  if ((kind === "gotify" || kind === "webhook") && f.secret === "") return Effect.fail(missing("secret", kind))
  if (kind === "ntfy" && f.topic === null) return Effect.fail(missing("topic", kind))
  if (kind === "email" && f.recipients.length === 0 && !f.toUsers) return Effect.fail(missing("to (or toUsers)", kind))
  return Effect.void
}

/** A send refused by the target: the admin's configuration (422) or the target down (503). */
const testFailure = (e: ProviderError) =>
  e._tag === "ProviderRejected"
    ? new Unprocessable({ message: e.message, details: { field: "url", status: e.status, reason: e.reason } })
    : new Unavailable({ message: e.message, details: { status: e.status, retryAfterMs: e.retryAfterMs } })

type Failure = NotFound | Conflict | Unprocessable | DatabaseError

export class NotificationAgents extends Context.Tag("@mediaserver/notifications/NotificationAgents")<
  NotificationAgents,
  {
    readonly list: Effect.Effect<ReadonlyArray<NotificationAgent>, DatabaseError>
    readonly get: (id: NotificationAgentId) => Effect.Effect<NotificationAgent, NotFound | DatabaseError>
    readonly create: (actor: Principal, request: CreateNotificationAgent) => Effect.Effect<NotificationAgent, Failure>
    readonly update: (actor: Principal, id: NotificationAgentId, changes: UpdateNotificationAgent) => Effect.Effect<NotificationAgent, Failure>
    readonly delete: (actor: Principal, id: NotificationAgentId) => Effect.Effect<void, NotFound | DatabaseError>
    readonly test: (actor: Principal, id: NotificationAgentId) => Effect.Effect<NotificationTestSent, NotFound | Unprocessable | Unavailable | ConfigurationError | DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    NotificationAgents,
    Effect.gen(function* () {
      const repo = yield* NotificationRepo
      const box = yield* SecretBox
      const activity = yield* ActivityLog
      const senders = yield* NotificationSenders

      const row = (id: NotificationAgentId) =>
        Effect.flatMap(repo.find(id), Option.match({ onNone: () => Effect.fail(noAgent), onSome: Effect.succeed }))
      const changed = (actor: Principal, id: NotificationAgentId, details: Record<string, unknown>) =>
        activity.record({ action: "notification_agent.changed", userId: actor.userId, resourceType: "notification_agent", resourceId: id, details })
      const seal = (value: Redacted.Redacted<string> | undefined, current: string) => (value === undefined ? current : box.seal(value))
      const origin = (url: string | undefined, current: string | null) => (url === undefined ? current : new URL(url).origin)

      return {
        list: Effect.map(repo.list, (rows) => rows.map(toAgent)),
        get: (id) => Effect.map(row(id), toAgent),
        create: (actor, r) =>
          Effect.gen(function* () {
            const id = NotificationAgentId.make(randomUUID())
            const fields: AgentFields = {
              name: r.name,
              enabled: r.enabled ?? true,
              events: r.events ?? defaultAgentEvents,
              templates: r.templates ?? [],
              url: r.url === undefined ? "" : box.seal(Redacted.make(r.url)),
              urlOrigin: origin(r.url, null),
              secret: seal(r.secret, ""),
              topic: r.topic ?? null,
              priority: r.priority ?? null,
              recipients: r.to ?? [],
              toUsers: r.toUsers ?? false
            }
            yield* check(r.kind, fields)
            const created = yield* repo.insert(id, r.kind, fields)
            yield* changed(actor, id, { created: r.name, kind: r.kind })
            return toAgent(created)
          }),
        update: (actor, id, c) =>
          Effect.gen(function* () {
            const current = yield* row(id)
            const fields: AgentFields = {
              name: c.name ?? current.name,
              enabled: c.enabled ?? current.enabled,
              events: c.events ?? current.events,
              templates: c.templates ?? current.templates,
              url: c.url === undefined ? current.url : box.seal(Redacted.make(c.url)),
              urlOrigin: origin(c.url, current.url_origin),
              secret: seal(c.secret, current.secret),
              topic: c.topic ?? current.topic,
              priority: c.priority ?? current.priority,
              recipients: c.to ?? current.recipients,
              toUsers: c.toUsers ?? current.to_users
            }
            yield* check(current.kind, fields)
            const updated = yield* repo.update(id, fields)
            yield* changed(actor, id, { updated: Object.keys(c) })
            return toAgent(updated)
          }),
        delete: (actor, id) =>
          Effect.gen(function* () {
            if (!(yield* repo.delete(id))) return yield* noAgent
            yield* changed(actor, id, { deleted: true })
          }),
        test: (actor, id) =>
          Effect.gen(function* () {
            const agent = yield* row(id)
            // A harmless sample every template can render: the admin's own account.
            const sample = new UserCreated({ userId: actor.userId, username: actor.username })
            const message = yield* senders.send({ ...agent, templates: [] }, [{ seq: 0, event: sample }]).pipe(
              Effect.catchTags({ ProviderRejected: (e) => Effect.fail(testFailure(e)), ProviderUnavailable: (e) => Effect.fail(testFailure(e)) })
            )
            return new NotificationTestSent({ agentId: id, title: message.title })
          })
      }
    })
  )
}
