/** Admin: libraries (create, edit, delete, scan with live progress). */
import type { Library, LibraryScan } from "@mediaserver/domain"
import { useEffect, useState } from "preact/hooks"
import { call } from "../api.js"
import { watchScan } from "../live.js"
import { useLoad } from "../load.js"
import { useSession } from "../session.js"
import { ErrorLine, Field } from "../ui/Form.js"
import { Failed, Status } from "../ui/Shell.js"
import { AdminNav } from "./AdminNav.js"
import { LibraryEditor } from "./admin/LibraryEditor.js"

export const AdminLibraries = () => {
  const { reload } = useSession()
  const [libraries, retry] = useLoad(() => call((api) => api.libraries.list()), [])
  const [name, setName] = useState("")
  const [kind, setKind] = useState<"movie" | "tvshow">("movie")
  const [path, setPath] = useState("")
  const [error, setError] = useState<string | null>(null)
  const create = async (event: Event) => {
    event.preventDefault()
    setError(null)
    const created = await call((api) => api.libraries.create({ payload: { name, kind, paths: [path] } }))
    if (!created.ok) return setError(created.error.message)
    setName("")
    setPath("")
    retry()
    await reload()
  }
  return (
    <div class="admin">
      <AdminNav />
      <h1>Libraries</h1>
      {libraries.state === "loading" ? <Status>Loading…</Status> : null}
      {libraries.state === "failed" ? <Failed message={libraries.error.message} retry={retry} /> : null}
      {libraries.state === "ready" ? (
        libraries.value.length === 0 ? <p>No libraries yet: add the folder that holds your movies or series.</p> : (
          <ul class="libraries">{libraries.value.map((l) => <LibraryRow library={l} key={l.id} changed={() => { retry(); void reload() }} />)}</ul>
        )
      ) : null}
      <form class="panel" onSubmit={create} aria-labelledby="add-library">
        <h2 id="add-library">Add a library</h2>
        <Field label="Name" value={name} onInput={setName} />
        <div class="field">
          <label for="library-kind">Kind</label>
          <select id="library-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value === "tvshow" ? "tvshow" : "movie")}>
            <option value="movie">Movies</option>
            <option value="tvshow">TV shows</option>
          </select>
        </div>
        <Field label="Folder (absolute path on the server)" value={path} onInput={setPath} />
        <ErrorLine message={error} />
        <button class="primary">Add library</button>
      </form>
    </div>
  )
}

const LibraryRow = (props: { readonly library: Library; readonly changed: () => void }) => {
  const l = props.library
  const [scan, setScan] = useState<LibraryScan | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [watching, setWatching] = useState(false)

  useEffect(() => {
    if (!watching) return
    return watchScan(l.id, setScan, (message) => {
      setWatching(false)
      if (message !== null) setError(message)
    })
  }, [watching])

  const start = async () => {
    setError(null)
    const started = await call((api) => api.libraries.scan({ path: { libraryId: l.id } }))
    if (!started.ok) return setError(started.error.message)
    setScan(started.value)
    setWatching(true)
  }

  const running = scan?.status === "running"
  return (
    <li class="library-row">
      <div>
        <h2>{l.name}</h2>
        <p>{l.kind === "movie" ? "Movies" : "TV shows"} · {l.paths.join(", ")}</p>
      </div>
      <button type="button" onClick={() => void start()} disabled={running} aria-label={`Scan ${l.name}`}>{running ? "Scanning…" : "Scan"}</button>
      {scan === null ? null : (
        <div class="scan" role="status" aria-live="polite" data-testid={`scan-${l.name}`} data-status={scan.status}>
          {running ? <progress aria-label={`Scan of ${l.name}`} /> : null}
          <span>
            {running ? `Scanning (${scan.phase}): ` : `Scan ${scan.status}: `}
            {scan.counts.seen} files seen, {scan.counts.new} new, {scan.counts.changed} changed, {scan.counts.unmatched} unmatched, {scan.counts.errors} errors
          </span>
        </div>
      )}
      <ErrorLine message={error} />
      <LibraryEditor library={l} changed={props.changed} />
    </li>
  )
}
