/** Profile: avatar, password, theme, preferences, two-factor sign-in, API keys, sessions. */
import { Redacted } from "effect"
import { useState } from "preact/hooks"
import { call } from "../api.js"
import { useLoad } from "../load.js"
import { useSession } from "../session.js"
import { ErrorLine, Field } from "../ui/Form.js"
import { Failed, Status } from "../ui/Shell.js"
import { ApiKeys } from "./profile/ApiKeys.js"
import { Appearance } from "./profile/Appearance.js"
import { Avatar } from "./profile/Avatar.js"
import { Preferences } from "./profile/Preferences.js"
import { TwoFactor } from "./profile/TwoFactor.js"

export const Profile = () => {
  const { session } = useSession()
  const [current, setCurrent] = useState("")
  const [next, setNext] = useState("")
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const [sessions, retry] = useLoad(() => call((api) => api.sessions.list()), [])
  const change = async (event: Event) => {
    event.preventDefault()
    setError(null)
    setDone(null)
    const result = await call((api) => api.auth.changePassword({ payload: { currentPassword: Redacted.make(current), newPassword: Redacted.make(next) } }))
    if (!result.ok) return setError(result.error.message)
    setCurrent("")
    setNext("")
    setDone("Password changed.")
  }
  const revoke = async (id: string) => {
    const target = sessions.state === "ready" ? sessions.value.find((s) => s.id === id) : undefined
    if (target === undefined) return
    const result = await call((api) => api.sessions.revoke({ path: { sessionId: target.id } }))
    if (result.ok) retry()
    else setError(result.error.message)
  }
  return (
    <div class="profile">
      <h1>{session?.user.displayName ?? session?.user.username}</h1>
      {session === null ? null : <Avatar userId={session.user.id} />}
      <form class="panel" onSubmit={change} aria-labelledby="pw">
        <h2 id="pw">Change password</h2>
        <Field label="Current password" type="password" value={current} onInput={setCurrent} autocomplete="current-password" />
        <Field label="New password" type="password" value={next} onInput={setNext} autocomplete="new-password" />
        <ErrorLine message={error} />
        {done === null ? null : <p role="status">{done}</p>}
        <button class="primary">Change password</button>
      </form>
      <Appearance />
      <Preferences />
      <TwoFactor />
      <ApiKeys isAdmin={session?.isAdmin === true} />
      <section class="panel" aria-labelledby="sessions">
        <h2 id="sessions">Sessions</h2>
        {sessions.state === "loading" ? <Status>Loading…</Status> : null}
        {sessions.state === "failed" ? <Failed message={sessions.error.message} retry={retry} /> : null}
        {sessions.state === "ready" ? (
          <ul>{sessions.value.map((s) => (
            <li>{s.device ?? s.userAgent ?? "Unknown device"}{s.current ? " (this one)" : <button type="button" onClick={() => void revoke(s.id)}>Revoke</button>}</li>
          ))}</ul>
        ) : null}
      </section>
    </div>
  )
}
