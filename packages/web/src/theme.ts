/**
 * The colour theme: the system's, or the one the user chose (kept in their preferences on the server,
 * so it follows them to other browsers). The last choice is also remembered by this browser, only to
 * paint the first frame in it before the preferences arrive.
 */
export type Theme = "system" | "dark" | "light"
/** The user setting that holds it (defined with its values in the domain's settings). */
export const THEME_SETTING = "interface.theme"
const KEY = "theme"

export const themeOf = (value: unknown): Theme => (value === "dark" || value === "light" ? value : "system")

export const applyTheme = (theme: Theme) => {
  if (theme === "system") document.documentElement.removeAttribute("data-theme")
  else document.documentElement.setAttribute("data-theme", theme)
  try {
    if (theme === "system") localStorage.removeItem(KEY)
    else localStorage.setItem(KEY, theme)
  } catch {
    // Storage may be off (private mode): the theme still applies to this page.
  }
}

/** Before the first render: the theme this browser last used. */
export const applyRememberedTheme = () => {
  try {
    applyTheme(themeOf(localStorage.getItem(KEY)))
  } catch {
    applyTheme("system")
  }
}
