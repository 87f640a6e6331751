/** The pages the server's mails link to: confirm an address, set a new password (each token works once). */
import { Redacted } from "effect"
import { useEffect, useState } from "preact/hooks"
import { call } from "../api.js"
import { useLocation } from "../router.js"
import { Card, ErrorLine, Field } from "../ui/Form.js"

const useToken = () => useLocation().query.get("token") ?? ""

export const VerifyEmail = () => {
  const token = useToken()
  const [state, setState] = useState<{ readonly done: boolean; readonly message: string }>({ done: false, message: "Confirming your address…" })
  useEffect(() => {
    void call((api) => api.auth.verifyEmail({ payload: { token: Redacted.make(token) } })).then((result) =>
      setState(result.ok ? { done: true, message: `Thank you: ${result.value.email} is confirmed.` } : { done: true, message: result.error.message }))
  }, [token])
  return (
    <Card title="Confirm email address">
      <p role="status">{state.message}</p>
      {state.done ? <p class="aside"><a href="/">Continue</a></p> : null}
    </Card>
  )
}

export const ResetPassword = () => {
  const token = useToken()
  const [password, setPassword] = useState("")
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState(false)
  const submit = async (event: Event) => {
    event.preventDefault()
    setError(null)
    const result = await call((api) => api.auth.resetPassword({ payload: { token: Redacted.make(token), newPassword: Redacted.make(password) } }))
    if (result.ok) setDone(true)
    else setError(result.error.message)
  }
  return (
    <Card title="Set a new password">
      {done ? <p role="status">Your password is changed. <a href="/login">Sign in</a></p> : (
        <form onSubmit={submit}>
          <Field label="New password" type="password" value={password} onInput={setPassword} autocomplete="new-password" hint="At least 10 characters" />
          <ErrorLine message={error} />
          <button class="primary">Set password</button>
        </form>
      )}
    </Card>
  )
}
