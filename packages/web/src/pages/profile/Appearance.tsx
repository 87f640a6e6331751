/** The colour theme, saved in the user's preferences (only that setting changes). */
import { useState } from "preact/hooks"
import { call } from "../../api.js"
import { applyTheme, THEME_SETTING, type Theme, themeOf } from "../../theme.js"
import { ErrorLine } from "../../ui/Form.js"

export const Appearance = () => {
  const [theme, setTheme] = useState<Theme>(() => themeOf(document.documentElement.getAttribute("data-theme")))
  const [error, setError] = useState<string | null>(null)
  const choose = async (next: Theme) => {
    setError(null)
    const saved = await call((api) => api.users.updatePreferences({ payload: { [THEME_SETTING]: next } }))
    if (!saved.ok) return setError(saved.error.message)
    setTheme(next)
    applyTheme(next)
  }
  return (
    <section class="panel" aria-labelledby="appearance">
      <h2 id="appearance">Appearance</h2>
      <label>Theme{" "}
        <select value={theme} onChange={(e) => void choose(themeOf(e.currentTarget.value))}>
          <option value="system">Same as the system</option>
          <option value="dark">Dark</option>
          <option value="light">Light</option>
        </select>
      </label>
      <ErrorLine message={error} />
    </section>
  )
}
