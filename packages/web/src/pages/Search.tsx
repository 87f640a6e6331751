/**
 * Search results: people first, then movies or series (a tab each, with counts), ranked by relevance or
 * sorted, narrowed by facets (genre, decade, rating) whose counts cover every match. Everything the
 * page shows is in its URL, so reload, back and a shared link give the same page.
 */
import type { FacetBucket, SearchFacets, SearchQuery, SearchSort } from "@mediaserver/domain"
import { call, imageUrl, type Result } from "../api.js"
import { useLoad } from "../load.js"
import { navigate, useLocation } from "../router.js"
import { Failed, Status } from "../ui/Shell.js"
import { Grid, type Page } from "./Library.js"

type Kind = "movies" | "series"
const PAGE = 60
const SORTS: ReadonlyArray<readonly [SearchSort, string]> = [["relevance", "Best match"], ["title", "Title"], ["year", "Year"], ["rating", "Rating"], ["added", "Date added"]]

interface Filters {
  readonly genre?: string
  readonly yearFrom?: number
  readonly yearTo?: number
  readonly minRating?: number
  readonly sort?: SearchSort
}

/** Facet values as the API names them: a genre id, a decade "1990", a rating band "6" (6 and up). */
const filtersOf = (params: URLSearchParams): Filters => {
  const decade = Number(params.get("decade") ?? "")
  const rating = Number(params.get("rating") ?? "")
  const genre = params.get("genre") ?? ""
  const sort = SORTS.find(([s]) => s === params.get("sort"))?.[0]
  return {
    ...(genre === "" ? {} : { genre }),
    ...(Number.isInteger(decade) && decade >= 1800 && decade <= 2990 ? { yearFrom: decade, yearTo: decade + 9 } : {}),
    ...(Number.isInteger(rating) && rating > 0 && rating <= 10 ? { minRating: rating } : {}),
    ...(sort === undefined ? {} : { sort })
  }
}

const pageOf = (kind: Kind, query: SearchQuery, cursor: string | undefined): Promise<Result<Page>> => {
  const offset = cursor === undefined ? 0 : Number(cursor)
  const urlParams = { ...query, limit: PAGE, offset }
  const next = (page: { readonly items: ReadonlyArray<unknown>; readonly total: number }) =>
    offset + page.items.length < page.total && page.items.length > 0 ? String(offset + page.items.length) : null
  return kind === "movies"
    ? call((api) => api.search.movies({ urlParams })).then((r) => (r.ok ? { ok: true, value: { ...r.value, nextCursor: next(r.value) } } : r))
    : call((api) => api.search.tvshows({ urlParams })).then((r) => (r.ok ? { ok: true, value: { ...r.value, nextCursor: next(r.value) } } : r))
}

const facetsOf = (kind: Kind, query: SearchQuery) => {
  const urlParams = { ...query, facets: ["genres", "decades", "ratings"] as const }
  return kind === "movies" ? call((api) => api.search.moviesFacets({ urlParams })) : call((api) => api.search.tvshowsFacets({ urlParams }))
}

export const Search = () => {
  const { query } = useLocation()
  const q = (query.get("q") ?? "").trim()
  if (q === "") return <Status>Type in the search box to find titles and people.</Status>
  const kind: Kind = query.get("type") === "series" ? "series" : "movies"
  return <Results q={q} kind={kind} params={query} key={`${q}?${query.toString()}`} />
}

const Results = (props: { readonly q: string; readonly kind: Kind; readonly params: URLSearchParams }) => {
  const filters = filtersOf(props.params)
  const search: SearchQuery = { q: props.q, ...filters }
  const [facets, retry] = useLoad(() => facetsOf(props.kind, search), [])
  const other: Kind = props.kind === "movies" ? "series" : "movies"
  const [otherFacets] = useLoad(() => facetsOf(other, search), [])
  const [people] = useLoad(() => call((api) => api.search.multi({ urlParams: { q: props.q, limit: 8 } })), [])
  const set = (changes: Record<string, string | null>) => navigate(hrefWith(props.params, changes), { replace: true })
  const count = (f: typeof facets) => (f.state === "ready" ? ` (${f.value.total})` : "")
  return (
    <div class="search-results">
      <h1>Results for “{props.q}”</h1>
      {people.state === "ready" && people.value.people.length > 0 ? (
        <section class="row" aria-label="People">
          <h2>People</h2>
          <ul class="people">
            {people.value.people.map((p) => (
              <li><a href={`/person/${p.id}`}>
                {p.profilePath === null ? <span class="avatar placeholder" aria-hidden="true">{p.name.slice(0, 1)}</span> : <img class="avatar" src={imageUrl("profile", "w92", p.profilePath)} width={46} height={69} alt="" loading="lazy" />}
                <span>{p.name}{p.knownForDepartment === null ? null : <small>{p.knownForDepartment}</small>}</span>
              </a></li>
            ))}
          </ul>
        </section>
      ) : null}
      <nav class="tabs" aria-label="Kind of title">
        <a href={hrefWith(props.params, { type: null })} aria-current={props.kind === "movies" ? "page" : undefined}>Movies{count(props.kind === "movies" ? facets : otherFacets)}</a>
        <a href={hrefWith(props.params, { type: "series" })} aria-current={props.kind === "series" ? "page" : undefined}>Series{count(props.kind === "series" ? facets : otherFacets)}</a>
      </nav>
      <div class="search-layout">
        <aside class="facets" aria-label="Narrow the results">
          <label>Sort <select value={filters.sort ?? "relevance"} onChange={(e) => set({ sort: e.currentTarget.value === "relevance" ? null : e.currentTarget.value })}>
            {SORTS.map(([value, label]) => <option value={value}>{label}</option>)}
          </select></label>
          {facets.state === "failed" ? <Failed message={facets.error.message} retry={retry} /> : null}
          {facets.state === "ready" ? <FacetLists facets={facets.value} params={props.params} set={set} /> : null}
        </aside>
        <section class="search-grid" aria-label={props.kind === "movies" ? "Movies" : "Series"}>
          <Grid
            kind={props.kind === "movies" ? "movie" : "tvshow"}
            cacheKey={`search:${JSON.stringify(search)}`}
            load={(cursor) => pageOf(props.kind, search, cursor)}
          />
        </section>
      </div>
    </div>
  )
}

const hrefWith = (params: URLSearchParams, changes: Record<string, string | null>) => {
  const next = new URLSearchParams(params)
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === "") next.delete(key)
    else next.set(key, value)
  }
  // Facet values of one kind mean nothing for the other: switching kinds starts unfiltered.
  if ("type" in changes) for (const key of ["genre", "decade", "rating"]) next.delete(key)
  return `/search?${next.toString()}`
}

const FACETS: ReadonlyArray<readonly ["genres" | "decades" | "ratings", string, string, (b: FacetBucket) => string]> = [
  ["genres", "Genre", "genre", (b) => b.label],
  ["decades", "Decade", "decade", (b) => b.label],
  ["ratings", "Rating", "rating", (b) => `${b.value} and up`]
]

const FacetLists = (props: { readonly facets: SearchFacets; readonly params: URLSearchParams; readonly set: (c: Record<string, string | null>) => void }) => (
  <>
    {FACETS.map(([name, title, key, label]) => {
      const chosen = props.params.get(key)
      const buckets = props.facets[name]
      if (buckets.length === 0 && chosen === null) return null
      return (
        <fieldset class="facet">
          <legend>{title}</legend>
          {chosen === null ? null : <button type="button" class="link" onClick={() => props.set({ [key]: null })}>Any {title.toLowerCase()}</button>}
          <ul>
            {buckets.slice(0, 12).map((b) => (
              <li>
                <button type="button" class="facet-value" aria-pressed={chosen === b.value} onClick={() => props.set({ [key]: chosen === b.value ? null : b.value })}>
                  <span>{label(b)}</span> <span class="n">{b.count}</span>
                </button>
              </li>
            ))}
          </ul>
        </fieldset>
      )
    })}
  </>
)
