/**
 * The header's search box: an ARIA combobox whose list suggests titles, episodes and people as the user
 * types (one `search/multi` call per pause in typing; an answer to an older text is dropped). Arrow keys
 * move through the suggestions, Enter opens the one chosen or the results page, Escape closes the list.
 */
import type { MultiSearchResult } from "@mediaserver/domain"
import { useEffect, useRef, useState } from "preact/hooks"
import { call } from "../api.js"
import { navigate } from "../router.js"

interface Option {
  readonly id: string
  readonly group: string
  readonly label: string
  readonly detail: string | null
  readonly href: string
}

/** Typing pauses this long before a request: one per word, not one per key. */
const PAUSE_MS = 120
const PER_KIND = 4

const optionsOf = (r: MultiSearchResult): ReadonlyArray<Option> => [
  ...r.movies.map((m) => ({ id: `movie-${m.id}`, group: "Movies", label: m.title, detail: m.year === null ? null : String(m.year), href: `/movie/${m.id}` })),
  ...r.series.map((s) => ({ id: `series-${s.id}`, group: "Series", label: s.title, detail: s.year === null ? null : String(s.year), href: `/series/${s.id}` })),
  ...r.episodes.map((e) => ({
    id: `episode-${e.id}`, group: "Episodes", label: e.title ?? `Episode ${e.episodeNumber ?? ""}`,
    detail: `${e.seriesTitle} · S${e.seasonNumber}${e.episodeNumber === null ? "" : `E${e.episodeNumber}`}`, href: `/series/${e.seriesId}`
  })),
  ...r.people.map((p) => ({ id: `person-${p.id}`, group: "People", label: p.name, detail: p.knownForDepartment, href: `/person/${p.id}` }))
]

export const resultsHref = (q: string) => `/search?q=${encodeURIComponent(q.trim())}`

export const SearchBox = (props: { readonly initial: string }) => {
  const [text, setText] = useState(props.initial)
  const [options, setOptions] = useState<ReadonlyArray<Option>>([])
  const [open, setOpen] = useState(false)
  const [active, setActive] = useState(-1)
  const asked = useRef(0)

  useEffect(() => setText(props.initial), [props.initial])

  useEffect(() => {
    const q = text.trim()
    const round = ++asked.current
    if (q === "") {
      setOptions([])
      return
    }
    const timer = setTimeout(() => {
      void call((api) => api.search.multi({ urlParams: { q, limit: PER_KIND } })).then((result) => {
        if (round !== asked.current) return
        setOptions(result.ok ? optionsOf(result.value) : [])
        setActive(-1)
      })
    }, PAUSE_MS)
    return () => clearTimeout(timer)
  }, [text])

  const go = (href: string) => {
    setOpen(false)
    setActive(-1)
    navigate(href)
  }
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (options.length === 0) return
      event.preventDefault()
      setOpen(true)
      // -1 is the text itself: the list wraps through it.
      const down = event.key === "ArrowDown"
      setActive((i) => (down ? (i + 1 < options.length ? i + 1 : -1) : (i === -1 ? options.length - 1 : i - 1)))
    } else if (event.key === "Escape" && open) {
      // The first Escape closes the list; the next one clears the text (the browser's own behaviour).
      event.preventDefault()
      setOpen(false)
      setActive(-1)
    }
  }
  const submit = (event: Event) => {
    event.preventDefault()
    const chosen = open ? options[active] : undefined
    if (chosen !== undefined) go(chosen.href)
    else if (text.trim() !== "") go(resultsHref(text))
  }
  const expanded = open && options.length > 0
  const chosen = expanded ? options[active] : undefined
  return (
    <form role="search" class="search" onSubmit={submit}>
      <label for="search-box" class="visually-hidden">Search titles and people</label>
      <input
        id="search-box"
        type="search"
        role="combobox"
        autocomplete="off"
        aria-autocomplete="list"
        aria-controls="search-suggestions"
        aria-expanded={expanded}
        aria-activedescendant={chosen === undefined ? undefined : `suggest-${chosen.id}`}
        placeholder="Search titles and people"
        value={text}
        onInput={(e) => { setText(e.currentTarget.value); setActive(-1); setOpen(true) }}
        onKeyDown={onKeyDown}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
      />
      <ul id="search-suggestions" role="listbox" aria-label="Suggestions" class="suggestions" hidden={!expanded}>
        {options.map((option, i) => (
          <li
            id={`suggest-${option.id}`}
            role="option"
            aria-selected={i === active}
            class={i > 0 && options[i - 1]?.group === option.group ? undefined : "first-of-group"}
            data-group={option.group}
            onMouseDown={(e) => { e.preventDefault(); go(option.href) }}
          >
            <span class="label">{option.label}</span>
            {option.detail === null ? null : <span class="detail">{option.detail}</span>}
            <span class="visually-hidden">, {option.group}</span>
          </li>
        ))}
      </ul>
    </form>
  )
}
