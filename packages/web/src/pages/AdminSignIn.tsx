/**
 * Admin: single sign-on providers (OIDC): add one (its client secret is sent once and never shown
 * again), turn it on or off, make it the default, delete it. The callback URL to register at the
 * provider is shown, since the provider refuses any other.
 */
import type { OidcProvider, OidcProviderId } from "@mediaserver/domain"
import { Redacted } from "effect"
import { useState } from "preact/hooks"
import { call, type Result } from "../api.js"
import { useLoad } from "../load.js"
import { ErrorLine, Field } from "../ui/Form.js"
import { Failed, Status } from "../ui/Shell.js"
import { AdminNav } from "./AdminNav.js"

export const AdminSignIn = () => {
  const [providers, reload] = useLoad(() => call((api) => api.adminOidc.list()), [])
  const [slug, setSlug] = useState("")
  const [name, setName] = useState("")
  const [issuer, setIssuer] = useState("")
  const [clientId, setClientId] = useState("")
  const [secret, setSecret] = useState("")
  const [error, setError] = useState<string | null>(null)
  const create = async (event: Event) => {
    event.preventDefault()
    setError(null)
    const payload = { slug, name, issuer, clientId, ...(secret === "" ? {} : { clientSecret: Redacted.make(secret) }) }
    const result = await call((api) => api.adminOidc.create({ payload }))
    if (!result.ok) return setError(result.error.message)
    setSlug("")
    setName("")
    setIssuer("")
    setClientId("")
    setSecret("")
    reload()
  }
  const act = async (run: Promise<Result<unknown>>) => {
    setError(null)
    const result = await run
    if (result.ok) reload()
    else setError(result.error.message)
  }
  const path = (id: OidcProviderId) => ({ path: { providerId: id } })
  const row = (p: OidcProvider) => (
    <li class="library-row">
      <div>
        <h2>{p.name}{p.isDefault ? " (default)" : ""}</h2>
        <p>{p.issuer} · {p.enabled ? "on" : "off"} · callback <code>{`${location.origin}/api/v1/oidc/callback/${p.slug}`}</code></p>
      </div>
      <div class="actions">
        <button type="button" onClick={() => void act(p.enabled ? call((api) => api.adminOidc.disable(path(p.id))) : call((api) => api.adminOidc.enable(path(p.id))))}>
          {p.enabled ? `Turn ${p.name} off` : `Turn ${p.name} on`}
        </button>
        {p.isDefault ? null : <button type="button" onClick={() => void act(call((api) => api.adminOidc.setDefault(path(p.id))))}>Make default</button>}
        <button type="button" class="danger" aria-label={`Delete ${p.name}`} onClick={() => void act(call((api) => api.adminOidc.delete(path(p.id))))}>Delete</button>
      </div>
    </li>
  )
  return (
    <div class="admin">
      <AdminNav />
      <h1>Single sign-on</h1>
      {providers.state === "loading" ? <Status>Loading…</Status> : null}
      {providers.state === "failed" ? <Failed message={providers.error.message} retry={reload} /> : null}
      {providers.state === "ready" ? (
        providers.value.length === 0 ? <p>No providers: people sign in with a password.</p> : <ul class="libraries">{providers.value.map(row)}</ul>
      ) : null}
      <form class="panel" onSubmit={create} aria-labelledby="add-provider">
        <h2 id="add-provider">Add a provider</h2>
        <Field label="Short name in URLs (letters, digits, dashes)" value={slug} onInput={setSlug} />
        <Field label="Name on the sign-in button" value={name} onInput={setName} />
        <Field label="Issuer URL" type="url" value={issuer} onInput={setIssuer} />
        <Field label="Client id" value={clientId} onInput={setClientId} />
        <Field label="Client secret (empty for a public client)" type="password" value={secret} onInput={setSecret} required={false} autocomplete="off" />
        <ErrorLine message={error} />
        <button class="primary">Add provider</button>
      </form>
    </div>
  )
}
