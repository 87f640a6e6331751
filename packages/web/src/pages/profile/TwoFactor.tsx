/**
 * Second factors: authenticator-app enrolment (QR code, then a code to confirm), security keys
 * (registered through the browser, listed, removed), backup codes shown once, and turning two-factor
 * sign-in off with the password.
 */
import type { TotpSetup } from "@mediaserver/domain"
import { Redacted } from "effect"
import { useState } from "preact/hooks"
import { call } from "../../api.js"
import { useLoad } from "../../load.js"
import { ErrorLine, Field } from "../../ui/Form.js"
import { Failed, Status } from "../../ui/Shell.js"
import { register, supported } from "../../webauthn.js"

export const TwoFactor = () => {
  const [status, reload] = useLoad(() => call((api) => api.mfa.status({ urlParams: {} })), [])
  const [setup, setSetup] = useState<TotpSetup | null>(null)
  const [code, setCode] = useState("")
  const [password, setPassword] = useState("")
  const [codes, setCodes] = useState<ReadonlyArray<string> | null>(null)
  const [error, setError] = useState<string | null>(null)
  const begin = async () => {
    setError(null)
    const result = await call((api) => api.mfa.totpSetup())
    if (result.ok) setSetup(result.value)
    else setError(result.error.message)
  }
  const confirm = async (event: Event) => {
    event.preventDefault()
    setError(null)
    const verified = await call((api) => api.mfa.totpVerify({ payload: { code } }))
    if (!verified.ok) return setError(verified.error.message)
    const backup = await call((api) => api.mfa.backupGenerate())
    if (backup.ok) setCodes(backup.value.codes)
    setSetup(null)
    setCode("")
    reload()
  }
  const [keys, reloadKeys] = useLoad(() => call((api) => api.mfa.webauthnCredentials()), [])
  const [keyName, setKeyName] = useState("Security key")
  const addKey = async (event: Event) => {
    event.preventDefault()
    setError(null)
    const options = await call((api) => api.mfa.webauthnRegisterBegin())
    if (!options.ok) return setError(options.error.message)
    const created = await register(options.value)
    if (!created.ok) return setError(created.message)
    const saved = await call((api) => api.mfa.webauthnRegisterFinish({ payload: { name: keyName, response: created.value } }))
    if (!saved.ok) return setError(saved.error.message)
    reloadKeys()
    reload()
  }
  const removeKey = async (credentialId: string) => {
    setError(null)
    const result = await call((api) => api.mfa.webauthnDelete({ path: { credentialId } }))
    if (!result.ok) return setError(result.error.message)
    reloadKeys()
    reload()
  }
  const turnOff = async (event: Event) => {
    event.preventDefault()
    setError(null)
    const result = await call((api) => api.mfa.disable({ payload: { password: Redacted.make(password) } }))
    if (!result.ok) return setError(result.error.message)
    setPassword("")
    setCodes(null)
    reload()
  }
  return (
    <section class="panel" aria-labelledby="mfa">
      <h2 id="mfa">Two-factor sign-in</h2>
      {status.state === "loading" ? <Status>Loading…</Status> : null}
      {status.state === "failed" ? <Failed message={status.error.message} retry={reload} /> : null}
      {status.state === "ready" ? (
        <p>{status.value.enabled
          ? `On: ${[status.value.totp ? "authenticator app" : null, status.value.webauthnCredentials > 0 ? `${status.value.webauthnCredentials} security key(s)` : null].filter((x) => x !== null).join(", ")}; ${status.value.backupCodesRemaining} backup codes left.`
          : "Off."}</p>
      ) : null}
      {codes === null ? null : (
        <div role="status"><p>Backup codes (each works once; keep them somewhere safe, they are not shown again):</p>
          <ul class="codes">{codes.map((c) => <li><code>{c}</code></li>)}</ul></div>
      )}
      {status.state === "ready" && !status.value.totp && setup === null ? (
        <button type="button" onClick={() => void begin()}>Set up an authenticator app</button>
      ) : null}
      {setup === null ? null : (
        <form onSubmit={confirm} aria-label="Confirm authenticator app">
          <img class="qr" src={setup.qrCode} alt="QR code to scan with an authenticator app" width={180} height={180} />
          <p>Or type this key: <code>{Redacted.value(setup.secret)}</code></p>
          <Field label="Code from the app" value={code} onInput={setCode} autocomplete="one-time-code" />
          <button class="primary">Confirm</button>
        </form>
      )}
      {keys.state === "ready" && keys.value.length > 0 ? (
        <ul class="keys" aria-label="Security keys">{keys.value.map((k) => (
          <li>{k.name} <button type="button" aria-label={`Remove security key ${k.name}`} onClick={() => void removeKey(k.id)}>Remove</button></li>
        ))}</ul>
      ) : null}
      {supported() ? (
        <form onSubmit={addKey} aria-label="Add a security key">
          <Field label="Name of the new security key" value={keyName} onInput={setKeyName} />
          <button>Add a security key</button>
        </form>
      ) : null}
      {status.state === "ready" && status.value.enabled ? (
        <form onSubmit={turnOff} aria-label="Turn two-factor sign-in off">
          <Field label="Password to turn it off" type="password" value={password} onInput={setPassword} autocomplete="current-password" />
          <button>Turn off</button>
        </form>
      ) : null}
      <ErrorLine message={error} />
    </section>
  )
}
