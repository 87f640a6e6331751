/**
 * Settings by key, as the server describes them (description, default, current value), grouped by
 * category. The input follows the default's type (a switch, a number, text); each setting is saved on
 * its own and the server's Schema decides what is valid (its message is shown beside the field).
 */
import type { Setting } from "@mediaserver/domain"
import { useId, useState } from "preact/hooks"
import type { Result } from "../api.js"

export interface SettingsListProps {
  readonly settings: ReadonlyArray<Setting>
  /** Categories not to show (another part of the page edits them). */
  readonly skip?: ReadonlyArray<string>
  readonly save: (key: string, value: unknown) => Promise<Result<Setting>>
}

const title = (category: string) => category.slice(0, 1).toUpperCase() + category.slice(1)

export const SettingsList = (props: SettingsListProps) => {
  const categories = [...new Set(props.settings.map((s) => s.category))].filter((c) => !(props.skip ?? []).includes(c))
  return (
    <>
      {categories.map((category) => (
        <fieldset class="settings">
          <legend>{title(category)}</legend>
          {props.settings.filter((s) => s.category === category).map((s) => <SettingRow setting={s} save={props.save} key={s.key} />)}
        </fieldset>
      ))}
    </>
  )
}

const SettingRow = (props: { readonly setting: Setting; readonly save: SettingsListProps["save"] }) => {
  const s = props.setting
  const id = useId()
  const [value, setValue] = useState<unknown>(s.value)
  const [text, setText] = useState(s.value === null ? "" : String(s.value))
  const [state, setState] = useState<{ readonly error: string | null; readonly saved: boolean }>({ error: null, saved: false })
  const store = async (next: unknown) => {
    // Shown at once (a switch must move when clicked); put back if the server refuses it.
    const before = value
    setValue(next)
    setState({ error: null, saved: false })
    const result = await props.save(s.key, next)
    if (!result.ok) {
      setValue(before)
      return setState({ error: result.error.message, saved: false })
    }
    setValue(result.value.value)
    setText(result.value.value === null ? "" : String(result.value.value))
    setState({ error: null, saved: true })
  }
  const kind = typeof s.default === "boolean" ? "boolean" : typeof s.default === "number" ? "number" : "text"
  const fromText = (raw: string): unknown => (kind === "number" ? Number(raw) : raw === "" && s.default === null ? null : raw)
  const status = state.error !== null
    ? <span class="error" role="alert" id={`${id}-status`}>{state.error}</span>
    : state.saved ? <span role="status" id={`${id}-status`}>Saved.</span> : null
  if (kind === "boolean") {
    return (
      <div class="setting">
        <label class="check"><input type="checkbox" checked={value === true} onChange={(e) => void store(e.currentTarget.checked)} /> {s.description}</label>
        {status}
      </div>
    )
  }
  return (
    <form class="setting" onSubmit={(e) => { e.preventDefault(); void store(fromText(text)) }}>
      <label for={id}>{s.description}</label>
      <input id={id} type={kind === "number" ? "number" : "text"} value={text} onInput={(e) => setText(e.currentTarget.value)}
        aria-describedby={`${id}-default ${id}-status`} />
      <small id={`${id}-default`}>Default: {s.default === null ? "none" : String(s.default)}</small>
      <button>Save</button>
      {status}
    </form>
  )
}
