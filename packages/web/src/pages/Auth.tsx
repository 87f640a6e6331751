/** Sign in (password, then a second factor when the account has one; single sign-on), first-run admin, registration. */
import type { OidcProviderSummary } from "@mediaserver/domain"
import { Redacted } from "effect"
import { useState } from "preact/hooks"
import { call } from "../api.js"
import { useLoad } from "../load.js"
import { bootstrap, useSession } from "../session.js"
import { Card, ErrorLine, Field } from "../ui/Form.js"
import { authenticate, supported } from "../webauthn.js"

/** Where to go after signing in: the page that sent the user here, if it is one of ours. */
const next = () => {
  const to = new URLSearchParams(location.search).get("next")
  return to !== null && to.startsWith("/") && !to.startsWith("//") ? to : "/"
}

export const Login = () => {
  const { reload } = useSession()
  const [username, setUsername] = useState("")
  const [password, setPassword] = useState("")
  const [code, setCode] = useState("")
  const [mfa, setMfa] = useState<{ token: Redacted.Redacted<string>; methods: ReadonlyArray<string> } | null>(null)
  // A single sign-on that failed comes back here with the server's reason.
  const [error, setError] = useState<string | null>(() => {
    const reason = new URLSearchParams(location.search).get("sso_error")
    return reason === null ? null : `Single sign-on failed: ${reason}`
  })
  const [busy, setBusy] = useState(false)
  const [providers] = useLoad(() => call((api) => api.oidc.providers()), [])
  const open = bootstrap().registrationOpen

  const done = () => reload(next())

  const submitPassword = async (event: Event) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    const result = await call((api) => api.auth.login({ payload: { username, password: Redacted.make(password), cookie: true } }))
    setBusy(false)
    if (!result.ok) return setError(result.error.message)
    if ("mfaRequired" in result.value) return setMfa({ token: result.value.mfaToken, methods: result.value.methods })
    await done()
  }

  const submitCode = async (event: Event) => {
    event.preventDefault()
    if (mfa === null) return
    setBusy(true)
    setError(null)
    const result = await call((api) => api.mfaLogin.login({ payload: { mfaToken: mfa.token, code: code.trim(), cookie: true } }))
    setBusy(false)
    if (!result.ok) return setError(result.error.message)
    await done()
  }

  const useKey = async () => {
    if (mfa === null) return
    setBusy(true)
    setError(null)
    const options = await call((api) => api.mfaLogin.webauthnLoginBegin({ payload: { mfaToken: mfa.token } }))
    if (!options.ok) {
      setBusy(false)
      return setError(options.error.message)
    }
    const signed = await authenticate(options.value)
    if (!signed.ok) {
      setBusy(false)
      return setError(signed.message)
    }
    const result = await call((api) => api.mfaLogin.webauthnLoginFinish({ payload: { mfaToken: mfa.token, response: signed.value, cookie: true } }))
    setBusy(false)
    if (!result.ok) return setError(result.error.message)
    await done()
  }

  if (mfa !== null) {
    const codes = mfa.methods.includes("totp") || mfa.methods.includes("backupCode")
    const key = mfa.methods.includes("webauthn") && supported()
    return (
      <Card title="Second step">
        {key ? <button type="button" class="primary" disabled={busy} onClick={() => void useKey()}>Use a security key</button> : null}
        {codes ? (
          <form onSubmit={submitCode}>
            <p>Enter the code from your authenticator app{mfa.methods.includes("backupCode") ? ", or one of your backup codes" : ""}.</p>
            <Field label="Code" value={code} onInput={setCode} autocomplete="one-time-code" />
            <button class={key ? "" : "primary"} disabled={busy}>Verify</button>
          </form>
        ) : null}
        <ErrorLine message={error} />
        <button type="button" class="link" onClick={() => setMfa(null)}>Back</button>
      </Card>
    )
  }

  return (
    <Card title="Sign in">
      <form onSubmit={submitPassword}>
        <Field label="Username or email" value={username} onInput={setUsername} autocomplete="username" />
        <Field label="Password" type="password" value={password} onInput={setPassword} autocomplete="current-password" />
        <ErrorLine message={error} />
        <button class="primary" disabled={busy}>Sign in</button>
      </form>
      {providers.state === "ready" && providers.value.length > 0 ? <SingleSignOn providers={providers.value} /> : null}
      <p class="aside">
        <a href="/forgot">Forgot password?</a>
        {open ? <> · <a href="/register">Create an account</a></> : null}
      </p>
    </Card>
  )
}

const SingleSignOn = (props: { readonly providers: ReadonlyArray<OidcProviderSummary> }) => (
  <div class="sso">
    <p>or</p>
    {props.providers.map((p) => (
      <a class="button" href={p.loginUrl}>Sign in with {p.name}</a>
    ))}
  </div>
)

/** The first run creates the admin (the first account), or any visitor registers while registration is open. */
export const Register = (props: { readonly firstRun: boolean }) => {
  const { reload } = useSession()
  const [username, setUsername] = useState("")
  const [email, setEmail] = useState("")
  const [password, setPassword] = useState("")
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (event: Event) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    const secret = Redacted.make(password)
    const created = await call((api) => api.auth.register({ payload: { username, email, password: secret } }))
    if (!created.ok) {
      setBusy(false)
      return setError(created.error.message)
    }
    const login = await call((api) => api.auth.login({ payload: { username, password: secret, cookie: true } }))
    setBusy(false)
    if (!login.ok) return setError(login.error.message)
    await reload(props.firstRun ? "/admin/libraries" : "/")
  }

  return (
    <Card title={props.firstRun ? "Welcome: create the admin account" : "Create an account"}>
      <form onSubmit={submit}>
        {props.firstRun ? <p>This first account administers the server.</p> : null}
        <Field label="Username" value={username} onInput={setUsername} autocomplete="username" hint="3-32 letters, digits, '.', '_' or '-'" />
        <Field label="Email" type="email" value={email} onInput={setEmail} autocomplete="email" />
        <Field label="Password" type="password" value={password} onInput={setPassword} autocomplete="new-password" hint="At least 10 characters" />
        <ErrorLine message={error} />
        <button class="primary" disabled={busy}>{props.firstRun ? "Create admin" : "Create account"}</button>
      </form>
      {props.firstRun ? null : <p class="aside"><a href="/login">I have an account</a></p>}
    </Card>
  )
}

export const Forgot = () => {
  const [email, setEmail] = useState("")
  const [message, setMessage] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const submit = async (event: Event) => {
    event.preventDefault()
    const result = await call((api) => api.auth.forgotPassword({ payload: { email } }))
    if (result.ok) setMessage(result.value.message)
    else setError(result.error.message)
  }
  return (
    <Card title="Forgot password">
      <form onSubmit={submit}>
        <Field label="Email" type="email" value={email} onInput={setEmail} autocomplete="email" />
        <ErrorLine message={error} />
        {message === null ? null : <p role="status">{message}</p>}
        <button class="primary">Send reset link</button>
      </form>
      <p class="aside"><a href="/login">Back to sign in</a></p>
    </Card>
  )
}
