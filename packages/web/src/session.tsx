/** Who is signed in (from the server: the session cookie is HttpOnly) and the libraries they may see. */
import type { Library, User } from "@mediaserver/domain"
import { WEB_BOOTSTRAP_ID, WebBootstrap } from "@mediaserver/domain"
import { Option, Schema } from "effect"
import { createContext } from "preact"
import { useContext } from "preact/hooks"
import { call } from "./api.js"
import { applyTheme, THEME_SETTING, themeOf } from "./theme.js"

export interface Session {
  readonly user: User
  readonly libraries: ReadonlyArray<Library>
  readonly isAdmin: boolean
}

export interface SessionControl {
  readonly session: Session | null
  /** Reads the user again (after sign in, or a change), then goes to `then` if given. */
  readonly reload: (then?: string) => Promise<void>
  readonly signOut: () => Promise<void>
}

export const SessionContext = createContext<SessionControl>({ session: null, reload: async () => {}, signOut: async () => {} })
export const useSession = () => useContext(SessionContext)

/** The signed-in user and their libraries, or null when nobody is signed in. */
export const loadSession = async (): Promise<Session | null> => {
  const me = await call((api) => api.users.me())
  if (!me.ok) return null
  const [libraries, preferences] = await Promise.all([call((api) => api.libraries.list()), call((api) => api.users.preferences())])
  if (preferences.ok) applyTheme(themeOf(preferences.value[THEME_SETTING]))
  return { user: me.value, libraries: libraries.ok ? libraries.value : [], isAdmin: me.value.role === "admin" }
}

const decodeBootstrap = Schema.decodeUnknownOption(Schema.parseJson(WebBootstrap))

/** What the server put into index.html (first run, registration open); the dev server has none. */
export const bootstrap = (): WebBootstrap =>
  Option.getOrElse(
    decodeBootstrap(document.getElementById(WEB_BOOTSTRAP_ID)?.textContent ?? ""),
    () => new WebBootstrap({ firstRun: false, registrationOpen: false })
  )
