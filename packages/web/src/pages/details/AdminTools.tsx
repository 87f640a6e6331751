/**
 * For admins and the library's managers: refresh the metadata, fix a wrong match by searching the
 * provider and choosing the right title, or edit the details by hand (locking what is edited). The server decides who may (403 shows as a message).
 */
import type { MovieId, SearchResult, SeriesId } from "@mediaserver/domain"
import { useState } from "preact/hooks"
import { call } from "../../api.js"
import { ErrorLine, Field } from "../../ui/Form.js"
import { EditMetadata, type Shown } from "./EditMetadata.js"

type Target = { readonly kind: "movie"; readonly id: MovieId } | { readonly kind: "series"; readonly id: SeriesId }

export const AdminTools = (props: {
  readonly target: Target
  readonly title: string
  readonly year: number | null
  readonly shown: Shown
  readonly changed: () => void
}) => {
  const [message, setMessage] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [query, setQuery] = useState(props.title)
  const [results, setResults] = useState<ReadonlyArray<SearchResult> | null>(null)
  const t = props.target
  const refresh = async () => {
    setError(null)
    const result = t.kind === "movie"
      ? await call((api) => api.metadataRefresh.refreshMovie({ path: { id: t.id } }))
      : await call((api) => api.metadataRefresh.refreshSeries({ path: { id: t.id } }))
    if (result.ok) setMessage("Refresh queued: the page shows the new metadata once it has run.")
    else setError(result.error.message)
  }
  const search = async (event: Event) => {
    event.preventDefault()
    setError(null)
    const urlParams = { query }
    const result = t.kind === "movie"
      ? await call((api) => api.metadata.searchMovie({ urlParams }))
      : await call((api) => api.metadata.searchTv({ urlParams }))
    if (result.ok) setResults(result.value.results)
    else setError(result.error.message)
  }
  const choose = async (r: SearchResult) => {
    setError(null)
    const payload = { tmdbId: r.id }
    const result = t.kind === "movie"
      ? await call((api) => api.metadataRefresh.matchMovie({ path: { id: t.id }, payload }))
      : await call((api) => api.metadataRefresh.matchSeries({ path: { id: t.id }, payload }))
    if (!result.ok) return setError(result.error.message)
    setResults(null)
    setMessage(`Matched to ${r.title}${r.year === null ? "" : ` (${r.year})`}: metadata is being fetched.`)
  }
  return (
    <details class="admin-tools">
      <summary>Manage</summary>
      <button type="button" onClick={() => void refresh()}>Refresh metadata</button>
      <form onSubmit={search} aria-label="Fix match">
        <Field label="Search the provider for the right title" value={query} onInput={setQuery} />
        <button>Search</button>
      </form>
      {results === null ? null : results.length === 0 ? <p>No titles found.</p> : (
        <ul class="match-results">{results.slice(0, 10).map((r) => (
          <li><button type="button" onClick={() => void choose(r)}>{r.title}{r.year === null ? "" : ` (${r.year})`}</button></li>
        ))}</ul>
      )}
      {message === null ? null : <p role="status">{message}</p>}
      <ErrorLine message={error} />
      <details class="edit">
        <summary>Edit details</summary>
        <EditMetadata target={t} shown={props.shown} saved={props.changed} />
      </details>
    </details>
  )
}
