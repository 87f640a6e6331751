/**
 * Admin: notification agents (Discord, Gotify, ntfy, a signed webhook, email): add one (its URL and
 * secret are sent once and never shown again, only the URL's host), send a test, turn it on or off,
 * delete it. Which events it relays starts from the server's defaults.
 */
import { type NotificationAgent, type NotificationAgentId, NotificationAgentKind } from "@mediaserver/domain"
import { Redacted } from "effect"
import { useState } from "preact/hooks"
import { call, type Result } from "../api.js"
import { useLoad } from "../load.js"
import { ErrorLine, Field } from "../ui/Form.js"
import { Failed, Status } from "../ui/Shell.js"
import { AdminNav } from "./AdminNav.js"

type Kind = NotificationAgentKind
const LABELS: Record<Kind, string> = { discord: "Discord webhook", gotify: "Gotify", ntfy: "ntfy", webhook: "Signed webhook", email: "Email" }
const SECRET_LABELS: Partial<Record<Kind, string>> = {
  gotify: "Application token", ntfy: "Access token (optional)", webhook: "Signing key (HMAC-SHA256)"
}

export const AdminNotifications = () => {
  const [agents, reload] = useLoad(() => call((api) => api.adminNotifications.list()), [])
  const [kind, setKind] = useState<Kind>("discord")
  const [name, setName] = useState("")
  const [url, setUrl] = useState("")
  const [secret, setSecret] = useState("")
  const [topic, setTopic] = useState("")
  const [to, setTo] = useState("")
  const [error, setError] = useState<string | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const create = async (event: Event) => {
    event.preventDefault()
    setError(null)
    const payload = {
      kind, name,
      ...(kind === "email" ? { to: to.split(",").map((s) => s.trim()).filter((s) => s !== "") } : { url }),
      ...(secret === "" || SECRET_LABELS[kind] === undefined ? {} : { secret: Redacted.make(secret) }),
      ...(kind === "ntfy" ? { topic } : {})
    }
    const result = await call((api) => api.adminNotifications.create({ payload }))
    if (!result.ok) return setError(result.error.message)
    setName("")
    setUrl("")
    setSecret("")
    setTopic("")
    setTo("")
    reload()
  }
  const act = async (run: Promise<Result<unknown>>, done?: string) => {
    setError(null)
    setMessage(null)
    const result = await run
    if (!result.ok) return setError(result.error.message)
    if (done !== undefined) setMessage(done)
    reload()
  }
  const path = (id: NotificationAgentId) => ({ path: { agentId: id } })
  const row = (a: NotificationAgent) => (
    <li class="library-row">
      <div>
        <h2>{a.name}</h2>
        <p>{LABELS[a.kind]} · {a.enabled ? "on" : "off"}{a.urlOrigin === null ? "" : ` · ${a.urlOrigin}`}{a.to.length === 0 ? "" : ` · to ${a.to.join(", ")}`} · {a.events.length} kinds of event</p>
      </div>
      <div class="actions">
        <button type="button" onClick={() => void act(call((api) => api.adminNotifications.test(path(a.id))), `Test sent through ${a.name}.`)}>Send a test through {a.name}</button>
        <button type="button" onClick={() => void act(call((api) => api.adminNotifications.update({ ...path(a.id), payload: { enabled: !a.enabled } })))}>
          {a.enabled ? `Turn ${a.name} off` : `Turn ${a.name} on`}
        </button>
        <button type="button" class="danger" aria-label={`Delete ${a.name}`} onClick={() => void act(call((api) => api.adminNotifications.delete(path(a.id))))}>Delete</button>
      </div>
    </li>
  )
  const secretLabel = SECRET_LABELS[kind]
  return (
    <div class="admin">
      <AdminNav />
      <h1>Notifications</h1>
      {message === null ? null : <p role="status">{message}</p>}
      {agents.state === "loading" ? <Status>Loading…</Status> : null}
      {agents.state === "failed" ? <Failed message={agents.error.message} retry={reload} /> : null}
      {agents.state === "ready" ? (
        agents.value.length === 0 ? <p>No agents: nothing is sent anywhere.</p> : <ul class="libraries">{agents.value.map(row)}</ul>
      ) : null}
      <form class="panel" onSubmit={create} aria-labelledby="add-agent">
        <h2 id="add-agent">Add an agent</h2>
        <label class="field">Kind
          <select value={kind} onChange={(e) => setKind(NotificationAgentKind.literals.find((k) => k === e.currentTarget.value) ?? "discord")}>
            {NotificationAgentKind.literals.map((k) => <option value={k}>{LABELS[k]}</option>)}
          </select>
        </label>
        <Field label="Name" value={name} onInput={setName} />
        {kind === "email"
          ? <Field label="Recipients (comma-separated)" value={to} onInput={setTo} />
          : <Field label={kind === "discord" ? "Webhook URL" : kind === "webhook" ? "Receiver URL" : "Server URL"} type="url" value={url} onInput={setUrl} />}
        {kind === "ntfy" ? <Field label="Topic" value={topic} onInput={setTopic} /> : null}
        {secretLabel === undefined ? null : (
          <Field label={secretLabel} type="password" value={secret} onInput={setSecret} required={kind !== "ntfy"} autocomplete="off" />
        )}
        <ErrorLine message={error} />
        <button class="primary">Add agent</button>
      </form>
    </div>
  )
}
