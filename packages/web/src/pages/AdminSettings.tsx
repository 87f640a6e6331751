/** Admin: the server's settings (name, registration, scans, metadata language, playback limits, security). */
import { call } from "../api.js"
import { useLoad } from "../load.js"
import { SettingsList } from "../ui/SettingsList.js"
import { Failed, Status } from "../ui/Shell.js"
import { AdminNav } from "./AdminNav.js"

export const AdminSettings = () => {
  const [settings, retry] = useLoad(() => call((api) => api.settings.listServer({ urlParams: {} })), [])
  return (
    <div class="admin">
      <AdminNav />
      <h1>Server settings</h1>
      {settings.state === "loading" ? <Status>Loading…</Status> : null}
      {settings.state === "failed" ? <Failed message={settings.error.message} retry={retry} /> : null}
      {settings.state === "ready" ? (
        <SettingsList settings={settings.value} save={(key, value) => call((api) => api.settings.setServer({ path: { key }, payload: { value } }))} />
      ) : null}
    </div>
  )
}
