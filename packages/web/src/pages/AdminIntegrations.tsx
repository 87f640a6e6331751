/**
 * Admin: Radarr and Sonarr instances: add one (API key and webhook secret sent once, never shown),
 * check its connection, sync it now, delete it. Each shows the webhook URL to enter in the app.
 */
import { ArrApp, type ArrInstance, type ArrInstanceId, type LibraryId } from "@mediaserver/domain"
import { Redacted } from "effect"
import { useState } from "preact/hooks"
import { call, type Result } from "../api.js"
import { useLoad } from "../load.js"
import { useSession } from "../session.js"
import { ErrorLine, Field } from "../ui/Form.js"
import { Failed, Status } from "../ui/Shell.js"
import { AdminNav } from "./AdminNav.js"

const NAMES: Record<ArrApp, string> = { radarr: "Radarr", sonarr: "Sonarr" }

export const AdminIntegrations = () => {
  const { session } = useSession()
  const [instances, reload] = useLoad(() => call((api) => api.adminIntegrations.list()), [])
  const [app, setApp] = useState<ArrApp>("radarr")
  const [name, setName] = useState("")
  const [url, setUrl] = useState("")
  const [apiKey, setApiKey] = useState("")
  const [webhookSecret, setWebhookSecret] = useState("")
  const [libraryId, setLibraryId] = useState<LibraryId | "">("")
  const [error, setError] = useState<string | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const libraries = (session?.libraries ?? []).filter((l) => l.kind === (app === "radarr" ? "movie" : "tv"))
  const create = async (event: Event) => {
    event.preventDefault()
    setError(null)
    const payload = {
      app, name, url, apiKey: Redacted.make(apiKey), webhookSecret: Redacted.make(webhookSecret),
      ...(libraryId === "" ? {} : { libraryId })
    }
    const result = await call((api) => api.adminIntegrations.create({ payload }))
    if (!result.ok) return setError(result.error.message)
    setName("")
    setUrl("")
    setApiKey("")
    setWebhookSecret("")
    reload()
  }
  const act = async <A,>(run: Promise<Result<A>>, done: (a: A) => string | null) => {
    setError(null)
    setMessage(null)
    const result = await run
    if (!result.ok) return setError(result.error.message)
    setMessage(done(result.value))
    reload()
  }
  const which = (i: ArrInstance) => ({ path: { app: i.app }, urlParams: { instanceId: i.id } })
  const remove = (id: ArrInstanceId) => call((api) => api.adminIntegrations.delete({ path: { instanceId: id } }))
  const row = (i: ArrInstance) => (
    <li class="library-row">
      <div>
        <h2>{i.name}{i.isDefault ? " (default)" : ""}</h2>
        <p>{NAMES[i.app]} at {i.url} · {i.enabled ? "on" : "off"} · webhook <code>{`${location.origin}/api/v1/webhooks/${i.app}/${i.id}`}</code></p>
      </div>
      <div class="actions">
        <button type="button" onClick={() => void act(call((api) => api.arrIntegration.status(which(i))), (s) => `${i.name}: ${s.system.appName} ${s.system.version} answers.`)}>Check {i.name}</button>
        <button type="button" onClick={() => void act(call((api) => api.arrIntegration.sync(which(i))), () => `Sync of ${i.name} started.`)}>Sync {i.name} now</button>
        <button type="button" class="danger" aria-label={`Delete ${i.name}`} onClick={() => void act(remove(i.id), () => null)}>Delete</button>
      </div>
    </li>
  )
  return (
    <div class="admin">
      <AdminNav />
      <h1>Radarr and Sonarr</h1>
      {message === null ? null : <p role="status">{message}</p>}
      {instances.state === "loading" ? <Status>Loading…</Status> : null}
      {instances.state === "failed" ? <Failed message={instances.error.message} retry={reload} /> : null}
      {instances.state === "ready" ? (
        instances.value.length === 0 ? <p>No Radarr or Sonarr connected.</p> : <ul class="libraries">{instances.value.map(row)}</ul>
      ) : null}
      <form class="panel" onSubmit={create} aria-labelledby="add-instance">
        <h2 id="add-instance">Connect an app</h2>
        <label class="field">App
          <select value={app} onChange={(e) => setApp(ArrApp.literals.find((a) => a === e.currentTarget.value) ?? "radarr")}>
            {ArrApp.literals.map((a) => <option value={a}>{NAMES[a]}</option>)}
          </select>
        </label>
        <Field label="Name" value={name} onInput={setName} />
        <Field label="URL" type="url" value={url} onInput={setUrl} hint="For example http://localhost:7878" />
        <Field label="API key" type="password" value={apiKey} onInput={setApiKey} autocomplete="off" />
        <Field label="Webhook secret (the app sends it back with each event)" type="password" value={webhookSecret} onInput={setWebhookSecret} autocomplete="off" />
        <label class="field">Library its files belong to
          <select value={libraryId} onChange={(e) => setLibraryId(libraries.find((l) => l.id === e.currentTarget.value)?.id ?? "")}>
            <option value="">Found by path</option>
            {libraries.map((l) => <option value={l.id}>{l.name}</option>)}
          </select>
        </label>
        <ErrorLine message={error} />
        <button class="primary">Connect</button>
      </form>
    </div>
  )
}
