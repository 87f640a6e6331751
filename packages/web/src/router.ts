/** Every screen is a URL: history API navigation, links intercepted, back/forward re-render. */
import { useEffect, useState } from "preact/hooks"

export interface Location {
  readonly path: string
  readonly query: URLSearchParams
}

const current = (): Location => ({ path: location.pathname, query: new URLSearchParams(location.search) })
const listeners = new Set<() => void>()

export const navigate = (to: string, options: { readonly replace?: boolean } = {}) => {
  if (options.replace === true) history.replaceState(null, "", to)
  else history.pushState(null, "", to)
  for (const listener of listeners) listener()
  if (options.replace !== true) window.scrollTo(0, 0)
}

addEventListener("popstate", () => {
  for (const listener of listeners) listener()
})

// Same-origin links of the client navigate without a page load; modified clicks behave as usual.
addEventListener("click", (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
  const target = event.target instanceof Element ? event.target.closest("a") : null
  if (target === null || target.target !== "" || target.origin !== location.origin || target.hasAttribute("download")) return
  if (target.pathname.startsWith("/api/")) return
  event.preventDefault()
  navigate(target.pathname + target.search)
})

export const useLocation = (): Location => {
  const [loc, setLoc] = useState(current)
  useEffect(() => {
    const listener = () => setLoc(current())
    listeners.add(listener)
    // A navigation between this component's render and now would otherwise be missed.
    listener()
    return () => listeners.delete(listener)
  }, [])
  return loc
}

/** `match("/movie/:id", "/movie/42")` -> { id: "42" }; undefined when it does not match. */
export const match = (pattern: string, path: string): Record<string, string> | undefined => {
  const want = pattern.split("/")
  const have = path.split("/")
  if (want.length !== have.length) return undefined
  const params: Record<string, string> = {}
  for (const [i, part] of want.entries()) {
    const value = have[i] ?? ""
    if (part.startsWith(":")) params[part.slice(1)] = decodeURIComponent(value)
    else if (part !== value) return undefined
  }
  return params
}
