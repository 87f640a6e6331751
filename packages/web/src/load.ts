/** Loading data for a screen: the answer, or the failure to show, or still waiting. */
import { useCallback, useEffect, useState } from "preact/hooks"
import type { Failure, Result } from "./api.js"

export type Loaded<A> = { readonly state: "loading" } | { readonly state: "failed"; readonly error: Failure } | { readonly state: "ready"; readonly value: A }

export const useLoad = <A>(load: () => Promise<Result<A>>, deps: ReadonlyArray<unknown>): [Loaded<A>, () => void] => {
  const [loaded, setLoaded] = useState<Loaded<A>>({ state: "loading" })
  const [round, setRound] = useState(0)
  useEffect(() => {
    let live = true
    void load().then((result) => {
      if (live) setLoaded(result.ok ? { state: "ready", value: result.value } : { state: "failed", error: result.error })
    })
    return () => {
      live = false
    }
  }, [...deps, round])
  // The same function on every render, so callers can keep it (debounce it, list it as a dependency).
  const retry = useCallback(() => setRound((n) => n + 1), [])
  return [loaded, retry]
}
