/**
 * Editing a library: name, folders (one per line), language and country of its metadata, periodic scan
 * interval and folder watching; and deleting it after a confirmation that names it.
 */
import { type Library, ScanSettings } from "@mediaserver/domain"
import { useState } from "preact/hooks"
import { call } from "../../api.js"
import { ErrorLine, Field } from "../../ui/Form.js"

export const LibraryEditor = (props: { readonly library: Library; readonly changed: () => void }) => {
  const l = props.library
  const [name, setName] = useState(l.name)
  const [paths, setPaths] = useState(l.paths.join("\n"))
  const [language, setLanguage] = useState(l.language)
  const [country, setCountry] = useState(l.country)
  const [interval, setInterval] = useState(String(l.scan.intervalMinutes))
  const [watch, setWatch] = useState(l.scan.watch)
  const [confirm, setConfirm] = useState("")
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)
  const save = async (event: Event) => {
    event.preventDefault()
    setError(null)
    setSaved(false)
    const minutes = Number(interval)
    if (!Number.isInteger(minutes)) return setError("The scan interval is a whole number of minutes.")
    const payload = {
      name,
      paths: paths.split("\n").map((p) => p.trim()).filter((p) => p !== ""),
      language,
      country,
      scan: new ScanSettings({ ...l.scan, intervalMinutes: minutes, watch })
    }
    const result = await call((api) => api.libraries.update({ path: { libraryId: l.id }, payload }))
    if (!result.ok) return setError(result.error.message)
    setSaved(true)
    props.changed()
  }
  const remove = async () => {
    setError(null)
    const result = await call((api) => api.libraries.delete({ path: { libraryId: l.id } }))
    if (result.ok) props.changed()
    else setError(result.error.message)
  }
  return (
    <details class="library-edit">
      <summary>Edit {l.name}</summary>
      <form onSubmit={save} aria-label={`Edit ${l.name}`}>
        <Field label="Library name" value={name} onInput={setName} />
        <div class="field">
          <label for={`paths-${l.id}`}>Folders, one per line</label>
          <textarea id={`paths-${l.id}`} rows={3} value={paths} onInput={(e) => setPaths(e.currentTarget.value)} />
        </div>
        <Field label="Metadata language (ISO 639-1, e.g. en)" value={language} onInput={setLanguage} />
        <Field label="Country (ISO 3166-1, e.g. US)" value={country} onInput={setCountry} />
        <Field label="Minutes between scans (0: off)" type="number" value={interval} onInput={setInterval} />
        <label class="check"><input type="checkbox" checked={watch} onChange={(e) => setWatch(e.currentTarget.checked)} /> Rescan folders as files appear</label>
        <ErrorLine message={error} />
        {saved ? <p role="status">Saved.</p> : null}
        <button class="primary">Save</button>
      </form>
      <div class="danger-zone">
        <Field label={`Type “${l.name}” to delete this library (files on disk are kept)`} value={confirm} onInput={setConfirm} required={false} />
        <button type="button" class="danger" disabled={confirm !== l.name} onClick={() => void remove()}>Delete library</button>
      </div>
    </details>
  )
}
