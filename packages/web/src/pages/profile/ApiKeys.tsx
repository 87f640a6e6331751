/** API keys: list, create (the secret is shown once, never again), revoke. */
import type { ApiKeyId, ApiKeyScope } from "@mediaserver/domain"
import { Redacted } from "effect"
import { useState } from "preact/hooks"
import { call } from "../../api.js"
import { useLoad } from "../../load.js"
import { ErrorLine, Field } from "../../ui/Form.js"
import { Failed, Status } from "../../ui/Shell.js"

const SCOPES: ReadonlyArray<ApiKeyScope> = ["read", "write", "admin"]

export const ApiKeys = (props: { readonly isAdmin: boolean }) => {
  const [keys, reload] = useLoad(() => call((api) => api.apiKeys.list()), [])
  const [name, setName] = useState("")
  const [scopes, setScopes] = useState<ReadonlyArray<ApiKeyScope>>(["read"])
  const [error, setError] = useState<string | null>(null)
  const [secret, setSecret] = useState<string | null>(null)
  const toggle = (scope: ApiKeyScope) =>
    setScopes(scopes.includes(scope) ? scopes.filter((s) => s !== scope) : [...scopes, scope])
  const create = async (event: Event) => {
    event.preventDefault()
    setError(null)
    const [first, ...rest] = scopes
    if (first === undefined) return setError("Choose at least one scope.")
    const result = await call((api) => api.apiKeys.create({ payload: { name, scopes: [first, ...rest] } }))
    if (!result.ok) return setError(result.error.message)
    setSecret(Redacted.value(result.value.secret))
    setName("")
    reload()
  }
  const revoke = async (id: ApiKeyId) => {
    const result = await call((api) => api.apiKeys.revoke({ path: { keyId: id } }))
    if (result.ok) reload()
    else setError(result.error.message)
  }
  return (
    <section class="panel" aria-labelledby="apikeys">
      <h2 id="apikeys">API keys</h2>
      {keys.state === "loading" ? <Status>Loading…</Status> : null}
      {keys.state === "failed" ? <Failed message={keys.error.message} retry={reload} /> : null}
      {keys.state === "ready" ? (
        keys.value.length === 0 ? <p>No keys yet.</p> : (
          <ul class="keys">{keys.value.map((k) => (
            <li>
              <strong>{k.name}</strong> <code>{k.prefix}…</code> ({k.scopes.join(", ")})
              {" "}<button type="button" aria-label={`Revoke key ${k.name}`} onClick={() => void revoke(k.id)}>Revoke</button>
            </li>
          ))}</ul>
        )
      ) : null}
      {secret === null ? null : (
        <p role="status" class="secret">Copy this key now, it is not shown again: <code>{secret}</code></p>
      )}
      <form onSubmit={create} aria-label="New API key">
        <Field label="Key name" value={name} onInput={setName} />
        <fieldset>
          <legend>Scopes</legend>
          {SCOPES.filter((s) => s !== "admin" || props.isAdmin).map((s) => (
            <label class="check"><input type="checkbox" checked={scopes.includes(s)} onChange={() => toggle(s)} /> {s}</label>
          ))}
        </fieldset>
        <ErrorLine message={error} />
        <button class="primary">Create key</button>
      </form>
    </section>
  )
}
