/**
 * What a notification says. Each event type has a default title and body; an agent's template for the
 * type (else its `*` template) replaces either, with `{{field}}` placeholders over the event's encoded
 * payload (`{{counts.new}}` reaches into objects) plus `{{type}}`, `{{title_default}}` and
 * `{{body_default}}`. A digest (many events at once) lists the first few and says how many more.
 */
import { DomainEvent, type MessageTemplate } from "@mediaserver/domain"
import { Predicate, Schema } from "effect"

export interface Message {
  readonly title: string
  readonly body: string
}

/** Lines a digest lists before "… and N more". */
export const DIGEST_LINES = 10

const encodeEvent = Schema.encodeSync(DomainEvent)

export const describeEvent = (event: DomainEvent): Message => {
  switch (event._tag) {
    case "movie.added":
      return { title: "New movie", body: `${event.title} was added` }
    case "series.added":
      return { title: "New series", body: `${event.title} was added` }
    case "episode.added":
      return { title: "New episode", body: `${event.title} was added` }
    case "library.scan_started":
      return { title: "Library scan started", body: `Scan ${event.scanId} of library ${event.libraryId} started` }
    case "library.scan_done":
      return { title: "Library scan done", body: `Scan ${event.status}: ${event.counts.new} new, ${event.counts.removed} removed, ${event.counts.errors} errors` }
    case "library.scan_failed":
      return { title: "Library scan failed", body: `Scan of library ${event.libraryId} failed: ${event.reason}` }
    case "metadata.refresh_failed":
      return { title: "Metadata refresh failed", body: `Refresh of ${event.itemKind} ${event.itemId} failed: ${event.reason}` }
    case "playback.started":
      return { title: "Playback started", body: `A ${event.method} play of ${event.item._tag} ${event.item.id} started` }
    case "playback.stopped":
      return { title: "Playback stopped", body: `Playback of ${event.item._tag} ${event.item.id} stopped (${event.reason})` }
    case "auth.login":
      return { title: "Sign-in", body: `${event.username} signed in${event.ip === null ? "" : ` from ${event.ip}`}` }
    case "auth.login_failed":
      return { title: "Failed sign-in", body: `A sign-in as ${event.username} failed${event.ip === null ? "" : ` from ${event.ip}`}` }
    case "auth.password_changed":
      return { title: "Password changed", body: `The password of user ${event.userId} was changed` }
    case "auth.mfa_enabled":
      return { title: "Second factor enabled", body: `User ${event.userId} enabled ${event.method}` }
    case "user.created":
      return { title: "New user", body: `${event.username} has an account` }
    case "integration.health":
      return { title: `${event.app}: ${event.eventType}`, body: event.message }
    case "integration.grab":
      return { title: `${event.app}: ${event.eventType}`, body: event.release === null ? event.title : `${event.title} (${event.release})` }
    case "job.discarded":
      return { title: "Job discarded", body: `${event.kind} ${event.runId}: ${event.error}` }
  }
}

const lookup = (fields: Readonly<Record<string, unknown>>, path: string): string => {
  let value: unknown = fields
  for (const key of path.split(".")) {
    value = Predicate.isRecord(value) ? value[key] : undefined
  }
  return value === undefined || value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value)
}

const fill = (template: string, fields: Readonly<Record<string, unknown>>) =>
  template.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g, (_all, path: string) => lookup(fields, path))

export const render = (templates: ReadonlyArray<MessageTemplate>, event: DomainEvent): Message => {
  const defaults = describeEvent(event)
  const template = templates.find((t) => t.event === event._tag) ?? templates.find((t) => t.event === "*")
  if (template === undefined) return defaults
  const fields = { ...encodeEvent(event), type: event._tag, title_default: defaults.title, body_default: defaults.body }
  return {
    title: template.title === undefined ? defaults.title : fill(template.title, fields),
    body: template.body === undefined ? defaults.body : fill(template.body, fields)
  }
}

/** One message for many events: the first DIGEST_LINES, then how many more. */
export const renderDigest = (templates: ReadonlyArray<MessageTemplate>, events: ReadonlyArray<DomainEvent>): Message => {
  if (events.length === 1 && events[0] !== undefined) return render(templates, events[0])
  const lines = events.slice(0, DIGEST_LINES).map((event) => {
    const message = render(templates, event)
    return `${message.title}: ${message.body}`
  })
  const more = events.length - lines.length
  return {
    title: `${events.length} notifications`,
    body: [...lines, ...(more > 0 ? [`… and ${more} more`] : [])].join("\n")
  }
}
