/**
 * The server's live events (GET /api/v1/events, server-sent events) for the signed-in user: one
 * EventSource for the whole page, opened while someone is signed in, shared by every screen that
 * listens. The browser reconnects by itself and resumes with Last-Event-ID, so nothing is missed
 * across a short drop. The session cookie authenticates it; the server filters what this user sees.
 */
import { useEffect } from "preact/hooks"

/** An event as the stream sends it: its type, and its fields as JSON. */
export interface LiveEvent {
  readonly type: string
  readonly data: Readonly<Record<string, unknown>>
}

type Listener = (event: LiveEvent) => void

const listeners = new Set<Listener>()
let source: EventSource | null = null
/** Types this page listens for (an EventSource needs one listener per named event). */
const known = new Set<string>()

const deliver = (type: string) => (message: MessageEvent<string>) => {
  let data: unknown
  try {
    data = JSON.parse(message.data)
  } catch {
    return
  }
  if (typeof data !== "object" || data === null) return
  const event: LiveEvent = { type, data: Object.fromEntries(Object.entries(data)) }
  for (const listener of listeners) listener(event)
}

const listenFor = (types: ReadonlyArray<string>) => {
  for (const type of types) {
    if (known.has(type)) continue
    known.add(type)
    source?.addEventListener(type, deliver(type))
  }
}

/** Opens the stream (once signed in); closes it on sign-out. */
export const connectLiveEvents = (signedIn: boolean) => {
  if (!signedIn) {
    source?.close()
    source = null
    return
  }
  if (source !== null) return
  source = new EventSource("/api/v1/events")
  const types = [...known]
  known.clear()
  listenFor(types)
}

/** Calls `handler` for each live event of `types` while the component is shown. */
export const useLiveEvents = (types: ReadonlyArray<string>, handler: Listener, deps: ReadonlyArray<unknown>) => {
  useEffect(() => {
    listenFor(types)
    const listener: Listener = (event) => {
      if (types.includes(event.type)) handler(event)
    }
    listeners.add(listener)
    return () => void listeners.delete(listener)
  }, deps)
}

/** Runs `f` once, `ms` after the last of a burst of calls (a scan adds hundreds of titles at once). */
export const debounced = (f: () => void, ms: number) => {
  let timer: ReturnType<typeof setTimeout> | undefined
  return () => {
    clearTimeout(timer)
    timer = setTimeout(f, ms)
  }
}
