/**
 * Routes and the session gate: signed-out visitors see sign-in (or the first-run screen), and come back
 * to the page they asked for; screens the user may not use are not offered (the server refuses them too).
 * The player and admin screens load on demand, so the first load stays small.
 */
import type { ComponentType } from "preact"
import { useEffect, useState } from "preact/hooks"
import { call, whenSignedOut } from "./api.js"
import { connectLiveEvents } from "./events.js"
import { match, navigate, useLocation } from "./router.js"
import { bootstrap, loadSession, type Session, SessionContext } from "./session.js"
import { Forgot, Login, Register } from "./pages/Auth.js"
import { ResetPassword, VerifyEmail } from "./pages/EmailLinks.js"
import { MovieDetails, SeriesDetails } from "./pages/Details.js"
import { Home } from "./pages/Home.js"
import { Library } from "./pages/Library.js"
import { Collection } from "./pages/Collection.js"
import { Person } from "./pages/Person.js"
import { Search } from "./pages/Search.js"
import { Failed, Shell, Status } from "./ui/Shell.js"

/** A screen from a chunk loaded when first shown. */
const lazy = <P extends object>(load: () => Promise<ComponentType<P>>) => {
  let loaded: ComponentType<P> | undefined
  return (props: P) => {
    const [Component, setComponent] = useState<ComponentType<P> | undefined>(() => loaded)
    const [error, setError] = useState(false)
    useEffect(() => {
      if (Component === undefined) {
        load().then((c) => {
          loaded = c
          setComponent(() => c)
        }, () => setError(true))
      }
    }, [])
    if (error) return <Failed message="This screen could not be loaded. Reload the page to try again." />
    return Component === undefined ? <Status>Loading…</Status> : <Component {...props} />
  }
}

const Player = lazy(() => import("./pages/Player.js").then((m) => m.Player))
const AdminLibraries = lazy(() => import("./pages/AdminLibraries.js").then((m) => m.AdminLibraries))
const AdminUsers = lazy(() => import("./pages/AdminUsers.js").then((m) => m.AdminUsers))
const AdminJobs = lazy(() => import("./pages/AdminJobs.js").then((m) => m.AdminJobs))
const AdminSignIn = lazy(() => import("./pages/AdminSignIn.js").then((m) => m.AdminSignIn))
const AdminIntegrations = lazy(() => import("./pages/AdminIntegrations.js").then((m) => m.AdminIntegrations))
const AdminNotifications = lazy(() => import("./pages/AdminNotifications.js").then((m) => m.AdminNotifications))
const AdminStatistics = lazy(() => import("./pages/AdminStatistics.js").then((m) => m.AdminStatistics))
const AdminRoles = lazy(() => import("./pages/AdminRoles.js").then((m) => m.AdminRoles))
const AdminSettings = lazy(() => import("./pages/AdminSettings.js").then((m) => m.AdminSettings))
const Profile = lazy(() => import("./pages/Profile.js").then((m) => m.Profile))

const PUBLIC = new Set(["/login", "/register", "/forgot", "/setup", "/reset-password"])
/** Pages of the links in mails: shown whether or not someone is signed in. */
const EMAIL_LINKS: Record<string, () => preact.JSX.Element> = { "/verify-email": () => <VerifyEmail />, "/reset-password": () => <ResetPassword /> }

const Screen = (props: { readonly session: Session }) => {
  const { path } = useLocation()
  const routes: ReadonlyArray<readonly [string, (p: Record<string, string>) => preact.JSX.Element]> = [
    ["/", () => <Home />],
    ["/library/:id", (p) => <Library id={p["id"] ?? ""} />],
    ["/movie/:id", (p) => <MovieDetails id={p["id"] ?? ""} />],
    ["/series/:id", (p) => <SeriesDetails id={p["id"] ?? ""} />],
    ["/search", () => <Search />],
    ["/person/:id", (p) => <Person id={p["id"] ?? ""} />],
    ["/collection/:id", (p) => <Collection id={p["id"] ?? ""} />],
    ["/profile", () => <Profile />],
    ...(props.session.isAdmin
      ? [["/admin", () => <AdminLibraries />], ["/admin/libraries", () => <AdminLibraries />], ["/admin/users", () => <AdminUsers />], ["/admin/roles", () => <AdminRoles />], ["/admin/jobs", () => <AdminJobs />], ["/admin/sign-in", () => <AdminSignIn />], ["/admin/integrations", () => <AdminIntegrations />], ["/admin/notifications", () => <AdminNotifications />], ["/admin/settings", () => <AdminSettings />], ["/admin/statistics", () => <AdminStatistics />]] as const
      : [])
  ]
  const player = match("/play/:kind/:id", path)
  if (player !== undefined) return <Player kind={player["kind"] ?? ""} id={player["id"] ?? ""} />
  for (const [pattern, render] of routes) {
    const params = match(pattern, path)
    if (params !== undefined) return <Shell>{render(params)}</Shell>
  }
  return <Shell><Failed message="There is nothing at this address." /></Shell>
}

export const App = () => {
  const [session, setSession] = useState<Session | null | undefined>(undefined)
  const [firstRun, setFirstRun] = useState(() => bootstrap().firstRun)
  const { path } = useLocation()
  const reload = async (then?: string) => {
    const loaded = await loadSession()
    // One render with the new session and the new address, so no redirect sees half of it.
    setSession(loaded)
    setFirstRun(false)
    if (then !== undefined) navigate(then, { replace: true })
  }
  // A whole page load: nothing the last user saw (grids kept for back navigation, answers) stays in memory.
  const signOut = async () => {
    await call((api) => api.auth.logout())
    location.replace("/login")
  }
  const signedIn = session !== null && session !== undefined
  useEffect(() => connectLiveEvents(signedIn), [signedIn])
  useEffect(() => {
    whenSignedOut(() => setSession(null))
    void reload().then(() => setFirstRun(bootstrap().firstRun))
  }, [])

  useEffect(() => {
    if (session === undefined) return
    if (session === null && firstRun && path !== "/setup") navigate("/setup", { replace: true })
    else if (path in EMAIL_LINKS) return
    else if (session === null && !firstRun && !PUBLIC.has(path)) {
      navigate(`/login${path === "/" ? "" : `?next=${encodeURIComponent(path + location.search)}`}`, { replace: true })
    } else if (session !== null && PUBLIC.has(path)) navigate("/", { replace: true })
  }, [session, path, firstRun])

  if (session === undefined) return <Status>Loading…</Status>
  const control = { session, reload, signOut }
  const emailLink = EMAIL_LINKS[path]
  if (emailLink !== undefined) return <SessionContext.Provider value={control}>{emailLink()}</SessionContext.Provider>
  return (
    <SessionContext.Provider value={control}>
      {session !== null ? <Screen session={session} /> : path === "/setup" ? <Register firstRun /> : path === "/register" ? <Register firstRun={false} /> : path === "/forgot" ? <Forgot /> : <Login />}
    </SessionContext.Provider>
  )
}
