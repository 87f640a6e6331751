/**
 * Editing a title's metadata by hand: each field saved is locked, so refreshes from the provider leave
 * it alone; a locked field can be handed back to refreshes. Only fields changed here are sent.
 */
import type { EditableField, ItemMetadata, MovieId, SeriesId } from "@mediaserver/domain"
import { useId, useState } from "preact/hooks"
import { call, type Result } from "../../api.js"
import { useLoad } from "../../load.js"
import { ErrorLine } from "../../ui/Form.js"

type Target = { readonly kind: "movie"; readonly id: MovieId } | { readonly kind: "series"; readonly id: SeriesId }

/** Current values the page already shows (the metadata answer carries only title and overview). */
export interface Shown {
  readonly title: string
  readonly originalTitle: string | null
  readonly overview: string | null
  readonly tagline: string | null
  readonly certification: string | null
}

const FIELDS: ReadonlyArray<readonly [EditableField, string, boolean]> = [
  ["title", "Title", false],
  ["originalTitle", "Original title", false],
  ["sortTitle", "Sort title", false],
  ["overview", "Overview", true],
  ["tagline", "Tagline", false],
  ["certification", "Certification", false]
]

const load = (t: Target): Promise<Result<ItemMetadata>> =>
  t.kind === "movie"
    ? call((api) => api.metadataRefresh.movieMetadata({ path: { id: t.id } }))
    : call((api) => api.metadataRefresh.seriesMetadata({ path: { id: t.id } }))

export const EditMetadata = (props: { readonly target: Target; readonly shown: Shown; readonly saved: () => void }) => {
  const t = props.target
  const [metadata, retry] = useLoad(() => load(t), [t.id])
  const initial: Record<EditableField, string> = {
    title: props.shown.title, originalTitle: props.shown.originalTitle ?? "", sortTitle: "",
    overview: props.shown.overview ?? "", tagline: props.shown.tagline ?? "", certification: props.shown.certification ?? ""
  }
  const [values, setValues] = useState(initial)
  const [unlock, setUnlock] = useState<ReadonlySet<EditableField>>(new Set())
  const [error, setError] = useState<string | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const id = useId()
  if (metadata.state === "loading") return <p role="status">Loading…</p>
  if (metadata.state === "failed") return <ErrorLine message={metadata.error.message} />
  const locked = new Set(metadata.value.lockedFields)

  const save = async (event: Event) => {
    event.preventDefault()
    setError(null)
    const changed = FIELDS.map(([field]) => field).filter((f) => values[f].trim() !== "" && values[f].trim() !== initial[f].trim())
    const payload = {
      ...Object.fromEntries(changed.map((f) => [f, values[f].trim()])),
      ...(unlock.size === 0 ? {} : { unlock: [...unlock] })
    }
    if (changed.length === 0 && unlock.size === 0) return setMessage("Nothing changed.")
    const result = t.kind === "movie"
      ? await call((api) => api.metadataRefresh.editMovie({ path: { id: t.id }, payload }))
      : await call((api) => api.metadataRefresh.editSeries({ path: { id: t.id }, payload }))
    if (!result.ok) return setError(result.error.message)
    setUnlock(new Set())
    setMessage(result.value.lockedFields.length === 0 ? "Saved." : `Saved. Locked against refreshes: ${result.value.lockedFields.join(", ")}.`)
    retry()
    props.saved()
  }
  return (
    <form class="edit-metadata" onSubmit={save} aria-label="Edit details">
      {FIELDS.map(([field, label, long]) => (
        <div class="field">
          <label for={`${id}-${field}`}>{label}{locked.has(field) ? " (locked)" : ""}</label>
          {long
            ? <textarea id={`${id}-${field}`} rows={5} value={values[field]} onInput={(e) => setValues({ ...values, [field]: e.currentTarget.value })} />
            : <input id={`${id}-${field}`} value={values[field]} onInput={(e) => setValues({ ...values, [field]: e.currentTarget.value })} />}
          {locked.has(field) ? (
            <label class="check">
              <input type="checkbox" checked={unlock.has(field)} onChange={(e) => {
                const next = new Set(unlock)
                if (e.currentTarget.checked) next.add(field)
                else next.delete(field)
                setUnlock(next)
              }} /> Let refreshes change {label.toLowerCase()} again
            </label>
          ) : null}
        </div>
      ))}
      <button>Save details</button>
      {message === null ? null : <p role="status">{message}</p>}
      <ErrorLine message={error} />
    </form>
  )
}
