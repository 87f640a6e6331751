/** The frame of every signed-in screen: skip link, navigation rail (libraries by name), search, account. */
import type { ComponentChildren } from "preact"
import { useState } from "preact/hooks"
import { type LiveEvent, useLiveEvents } from "../events.js"
import { useLocation } from "../router.js"
import { useSession } from "../session.js"
import { SearchBox } from "./SearchBox.js"

export const Shell = (props: { readonly children: ComponentChildren }) => {
  const { session, signOut } = useSession()
  const { path, query } = useLocation()
  if (session === null) return <>{props.children}</>
  const notices = useNotices(session.libraries)
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
      <ul class="notices" aria-live="polite" aria-label="Notices">{notices.map((n) => <li key={n.id}>{n.text}</li>)}</ul>
    </div>
  )
}

const NOTICE_MS = 8000
let noticeIds = 0

/** What the live events tell this user in a line: scans that end (new titles arrive in the screens). */
const noticeText = (event: LiveEvent, libraryName: (id: unknown) => string): string | null => {
  const counts = event.data["counts"]
  const added = typeof counts === "object" && counts !== null && "new" in counts && typeof counts.new === "number" ? counts.new : 0
  if (event.type === "library.scan_done") {
    return `Scan of ${libraryName(event.data["libraryId"])} finished${added > 0 ? `: ${added} new` : ""}.`
  }
  if (event.type === "library.scan_failed") return `Scan of ${libraryName(event.data["libraryId"])} failed.`
  return null
}

const useNotices = (libraries: ReadonlyArray<{ readonly id: string; readonly name: string }>) => {
  const [notices, setNotices] = useState<ReadonlyArray<{ readonly id: number; readonly text: string }>>([])
  const libraryName = (id: unknown) => libraries.find((l) => l.id === id)?.name ?? "a library"
  useLiveEvents(["library.scan_done", "library.scan_failed"], (event) => {
    const text = noticeText(event, libraryName)
    if (text === null) return
    const id = ++noticeIds
    setNotices((all) => [...all.slice(-2), { id, text }])
    setTimeout(() => setNotices((all) => all.filter((n) => n.id !== id)), NOTICE_MS)
  }, [libraries])
  return notices
}

export const Status = (props: { readonly children: ComponentChildren }) => <p class="status" role="status">{props.children}</p>

export const Failed = (props: { readonly message: string; readonly retry?: () => void }) => (
  <div class="failed" role="alert">
    <p>{props.message}</p>
    {props.retry === undefined ? null : <button type="button" onClick={props.retry}>Try again</button>}
  </div>
)
