/** The user's own preferences (playback, interface); the theme has its own switch above. */
import { call } from "../../api.js"
import { useLoad } from "../../load.js"
import { SettingsList } from "../../ui/SettingsList.js"
import { Failed, Status } from "../../ui/Shell.js"

export const Preferences = () => {
  const [settings, retry] = useLoad(() => call((api) => api.settings.listUser({ urlParams: {} })), [])
  return (
    <section class="panel" aria-labelledby="preferences">
      <h2 id="preferences">Preferences</h2>
      {settings.state === "loading" ? <Status>Loading…</Status> : null}
      {settings.state === "failed" ? <Failed message={settings.error.message} retry={retry} /> : null}
      {settings.state === "ready" ? (
        <SettingsList
          settings={settings.value.filter((s) => s.key !== "interface.theme")}
          save={(key, value) => call((api) => api.settings.setUser({ path: { key }, payload: { value } }))}
        />
      ) : null}
    </section>
  )
}
