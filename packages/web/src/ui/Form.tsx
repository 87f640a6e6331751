/** Labelled inputs and the error line of a form: every input has a visible label. */
import type { ComponentChildren } from "preact"
import { useId } from "preact/hooks"

export const Field = (props: {
  readonly label: string
  readonly value: string
  readonly onInput: (value: string) => void
  readonly type?: string
  readonly autocomplete?: string
  readonly required?: boolean
  readonly hint?: string
}) => {
  const id = useId()
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        type={props.type ?? "text"}
        value={props.value}
        autocomplete={props.autocomplete}
        required={props.required ?? true}
        aria-describedby={props.hint === undefined ? undefined : `${id}-hint`}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      {props.hint === undefined ? null : <small id={`${id}-hint`}>{props.hint}</small>}
    </div>
  )
}

export const ErrorLine = (props: { readonly message: string | null }) =>
  props.message === null ? null : <p class="error" role="alert">{props.message}</p>

export const Card = (props: { readonly title: string; readonly children: ComponentChildren }) => (
  <main class="auth" id="main">
    <section class="auth-card" aria-labelledby="auth-title">
      <h1 id="auth-title">{props.title}</h1>
      {props.children}
    </section>
  </main>
)
