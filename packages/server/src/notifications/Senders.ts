/**
 * Sends one message through one agent: the HTTP agents through the shared provider client (timeouts,
 * 429 with Retry-After, 5xx: ProviderUnavailable, retried by the job; other refusals: ProviderRejected,
 * discarded), email through the mailer. The generic webhook's body is signed: HMAC-SHA256 under the
 * agent's secret of `<timestamp>.<body>`, with the timestamp in its own header so a receiver can
 * refuse a replay. An email agent writing to users sends each only the events they asked for by email
 * and may see.
 */
import {
  ALL_SCOPES,
  type ConfigurationError,
  type DatabaseError,
  DomainEvent,
  Principal,
  type ProviderError,
  ProviderRejected,
  ProviderUnavailable,
  WebhookSignatureHeader,
  WebhookTimestampHeader
} from "@mediaserver/domain"
import { Context, Duration, Effect, Layer, Option, Redacted, Schema } from "effect"
import { createHmac } from "node:crypto"
import { SecretBox } from "../auth/SecretBox.js"
import { Mailer } from "../email/Mailer.js"
import { EventPreferences } from "../events/Preferences.js"
import { eventVisibleTo } from "../events/Visibility.js"
import { LibraryAccess } from "../library/LibraryAccess.js"
import { ProviderHttp } from "../metadata/provider/ProviderHttp.js"
import { Enforcer } from "../rbac/Enforcer.js"
import { type Message, renderDigest } from "./Render.js"
import type { AgentRow, Held } from "./Repo.js"

const TIMEOUT = Duration.seconds(10)
const RATE_PER_SECOND = 10
const encodeEvent = Schema.encodeSync(DomainEvent)

export type SendError = ProviderError | ConfigurationError | DatabaseError

/** `sha256=<hex>` of `<timestamp>.<body>`: what the webhook's signature header carries. */
export const signWebhook = (secret: string, timestamp: string, body: string) =>
  `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`

const join = (base: string, path: string) => `${base.replace(/\/+$/, "")}/${path}`

export class NotificationSenders extends Context.Tag("@mediaserver/notifications/NotificationSenders")<
  NotificationSenders,
  {
    /** Sends `events` (one message, a digest when many) through the agent. */
    readonly send: (agent: AgentRow, events: ReadonlyArray<Held>) => Effect.Effect<Message, SendError>
  }
>() {
  static readonly layer = Layer.effect(
    NotificationSenders,
    Effect.gen(function* () {
      const http = yield* ProviderHttp
      const box = yield* SecretBox
      const mailer = yield* Mailer
      const preferences = yield* EventPreferences
      const enforcer = yield* Enforcer
      const visible = eventVisibleTo(yield* LibraryAccess)

      const open = (sealed: string) => (sealed === "" ? Effect.succeed("") : Effect.map(box.open(sealed), Redacted.value))

      const post = (agent: AgentRow, url: string, body: unknown, headers: Readonly<Record<string, string>> = {}) =>
        Effect.scoped(Effect.flatMap(
          http.endpoint({ name: `notify:${agent.name}`, baseUrl: "", timeout: TIMEOUT, ratePerSecond: RATE_PER_SECOND }),
          (endpoint) => endpoint.post(url, typeof body === "string" ? body : JSON.stringify(body), headers)
        ))

      const mail = (to: string, message: Message): Effect.Effect<void, ProviderError> =>
        mailer.configured
          ? mailer.send({ to, subject: message.title, text: message.body }).pipe(
            Effect.mapError((e) => new ProviderUnavailable({ provider: "email", message: e.message })))
          : Effect.fail(new ProviderRejected({ provider: "email", reason: "not_configured", message: "Email is not configured on this server (set SMTP_HOST)" }))

      /** Users who asked for some of these events by email, each with the ones they may see. */
      const subscribers = (events: ReadonlyArray<DomainEvent>) =>
        Effect.gen(function* () {
          const found = yield* preferences.emailSubscribers([...new Set(events.map((e) => e._tag))])
          return yield* Effect.forEach(found, (user) =>
            Effect.gen(function* () {
              const grants = yield* enforcer.grants(user.userId)
              if (Option.isNone(grants)) return { email: user.email, events: [] }
              const principal = new Principal({
                userId: user.userId, username: user.username, role: grants.value.role, permissions: grants.value.permissions,
                via: "session", credentialId: "notifications", scopes: ALL_SCOPES
              })
              const wanted = new Set<string>(user.types)
              const mine = yield* Effect.filter(events, (event) => (wanted.has(event._tag) ? visible(principal, event) : Effect.succeed(false)))
              return { email: user.email, events: mine }
            }))
        })

      const send = (agent: AgentRow, held: ReadonlyArray<Held>): Effect.Effect<Message, SendError> =>
        Effect.gen(function* () {
          const events = held.map((h) => h.event)
          const message = renderDigest(agent.templates, events)
          const url = yield* open(agent.url)
          const secret = yield* open(agent.secret)
          switch (agent.kind) {
            case "discord":
              yield* post(agent, url, { username: "Media server", embeds: [{ title: message.title.slice(0, 256), description: message.body.slice(0, 4000) }] })
              break
            case "gotify":
              yield* post(agent, join(url, "message"), { title: message.title, message: message.body, priority: agent.priority ?? 5 }, {
                "x-gotify-key": secret
              })
              break
            case "ntfy":
              yield* post(agent, url, { topic: agent.topic ?? "", title: message.title, message: message.body, priority: Math.min(agent.priority ?? 3, 5) },
                secret === "" ? {} : { authorization: `Bearer ${secret}` })
              break
            case "webhook": {
              const body = JSON.stringify({
                agent: agent.name,
                title: message.title,
                body: message.body,
                events: held.map((h) => ({ seq: h.seq, ...encodeEvent(h.event) }))
              })
              const timestamp = String(Math.floor(Date.now() / 1000))
              yield* post(agent, url, body, { [WebhookTimestampHeader]: timestamp, [WebhookSignatureHeader]: signWebhook(secret, timestamp, body) })
              break
            }
            case "email": {
              yield* Effect.forEach(agent.recipients, (to) => mail(to, message), { discard: true })
              if (agent.to_users) {
                const users = yield* subscribers(events)
                yield* Effect.forEach(users.filter((u) => u.events.length > 0 && !agent.recipients.includes(u.email)), (u) =>
                  mail(u.email, renderDigest(agent.templates, u.events)), { discard: true })
              }
              break
            }
          }
          return message
        }).pipe(Effect.withSpan("NotificationSenders.send", { attributes: { kind: agent.kind } }))

      return { send }
    })
  )
}
