/** The frame of every signed-in screen: skip link, navigation rail (libraries by name), search, account. */
import type { ComponentChildren } from "preact"
import { useLocation } from "../router.js"
import { useSession } from "../session.js"
import { SearchBox } from "./SearchBox.js"

export const Shell = (props: { readonly children: ComponentChildren }) => {
  const { session, signOut } = useSession()
  const { path, query } = useLocation()
  if (session === null) return <>{props.children}</>
  const here = (href: string) => (path === href ? "page" : undefined)
  return (
    <div class="shell">
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <a class="brand" href="/">Media server</a>
        <SearchBox initial={path === "/search" ? query.get("q") ?? "" : ""} />
        <nav aria-label="Account" class="account">
          <a href="/profile" aria-current={here("/profile")}>{session.user.displayName ?? session.user.username}</a>
          <button type="button" class="link" onClick={() => void signOut()}>Sign out</button>
        </nav>
      </header>
      <nav aria-label="Main" class="rail">
        <a href="/" aria-current={here("/")}>Home</a>
        {session.libraries.map((library) => (
          <a href={`/library/${library.id}`} aria-current={here(`/library/${library.id}`)}>{library.name}</a>
        ))}
        {session.isAdmin ? <a href="/admin/libraries" aria-current={path.startsWith("/admin") ? "page" : undefined}>Dashboard</a> : null}
      </nav>
      <main id="main" tabIndex={-1}>{props.children}</main>
    </div>
  )
}

export const Status = (props: { readonly children: ComponentChildren }) => <p class="status" role="status">{props.children}</p>

export const Failed = (props: { readonly message: string; readonly retry?: () => void }) => (
  <div class="failed" role="alert">
    <p>{props.message}</p>
    {props.retry === undefined ? null : <button type="button" onClick={props.retry}>Try again</button>}
  </div>
)
