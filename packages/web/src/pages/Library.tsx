/**
 * A library's poster grid. Pages follow the keyset cursor as the end of the grid comes near (an
 * IntersectionObserver sentinel), so 5,000 titles are never loaded at once; sort and filters live in the
 * URL, so reload and back/forward restore them.
 */
import type { Library as LibraryInfo, MovieSummary, SeriesSummary, SortField } from "@mediaserver/domain"
import { useEffect, useRef, useState } from "preact/hooks"
import { call, type Result } from "../api.js"
import { navigate, useLocation } from "../router.js"
import { useSession } from "../session.js"
import { Poster } from "../ui/Poster.js"
import { Failed, Status } from "../ui/Shell.js"

type Item = MovieSummary | SeriesSummary
interface Page {
  readonly items: ReadonlyArray<Item>
  readonly total: number
  readonly nextCursor: string | null
}

const SORTS: ReadonlyArray<readonly [SortField, string]> = [["title", "Title"], ["added", "Date added"], ["year", "Year"], ["rating", "Rating"], ["release_date", "Release date"], ["runtime", "Runtime"]]
const PAGE = 60

export interface GridQuery {
  readonly libraryId?: LibraryInfo["id"]
  readonly sort?: SortField
  readonly order?: "asc" | "desc"
  readonly genre?: string
  readonly watched?: boolean
  readonly q?: string
}

/** One page of movies or series under a query. */
export const loadPage = (kind: "movie" | "tvshow", query: GridQuery, cursor: string | undefined): Promise<Result<Page>> => {
  const urlParams = { ...query, limit: PAGE, ...(cursor === undefined ? {} : { cursor }) }
  return kind === "movie" ? call((api) => api.movies.list({ urlParams })) : call((api) => api.tvshows.list({ urlParams }))
}

const queryOf = (params: URLSearchParams, libraryId: LibraryInfo["id"]): GridQuery => {
  const sort = SORTS.find(([field]) => field === params.get("sort"))?.[0]
  const order = params.get("order")
  const watched = params.get("watched")
  const genre = params.get("genre")
  return {
    libraryId,
    ...(sort === undefined ? {} : { sort }),
    ...(order === "asc" || order === "desc" ? { order } : {}),
    ...(watched === "true" || watched === "false" ? { watched: watched === "true" } : {}),
    ...(genre === null || genre === "" ? {} : { genre })
  }
}

export const Library = (props: { readonly id: string }) => {
  const { session } = useSession()
  const { path, query } = useLocation()
  const library = session?.libraries.find((l) => l.id === props.id)
  if (library === undefined) return <Failed message="This library does not exist or is not shared with you." />
  const kind = library.kind === "movie" ? "movie" : "tvshow"
  const grid = queryOf(query, library.id)
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(query)
    if (value === "") next.delete(key)
    else next.set(key, value)
    navigate(`${path}?${next.toString()}`, { replace: true })
  }
  return (
    <div class="library">
      <h1>{library.name}</h1>
      <div class="toolbar">
        <label>Sort <select value={grid.sort ?? "title"} onChange={(e) => set("sort", e.currentTarget.value)}>
          {SORTS.map(([field, label]) => <option value={field}>{label}</option>)}
        </select></label>
        <label>Order <select value={grid.order ?? ""} onChange={(e) => set("order", e.currentTarget.value)}>
          <option value="">Default</option><option value="asc">Ascending</option><option value="desc">Descending</option>
        </select></label>
        <label>Watched <select value={grid.watched === undefined ? "" : String(grid.watched)} onChange={(e) => set("watched", e.currentTarget.value)}>
          <option value="">All</option><option value="false">Unwatched</option><option value="true">Watched</option>
        </select></label>
        <label>Genre <input type="text" value={grid.genre ?? ""} onChange={(e) => set("genre", e.currentTarget.value)} /></label>
      </div>
      <Grid kind={kind} query={grid} key={`${props.id}?${query.toString()}`} />
    </div>
  )
}

/** The growing grid of one query (a new query mounts a new grid). */
export const Grid = (props: { readonly kind: "movie" | "tvshow"; readonly query: GridQuery }) => {
  const [items, setItems] = useState<ReadonlyArray<Item>>([])
  const [total, setTotal] = useState<number | null>(null)
  const [cursor, setCursor] = useState<string | null | undefined>(undefined)
  const [error, setError] = useState<string | null>(null)
  const loading = useRef(false)
  const sentinel = useRef<HTMLDivElement>(null)

  const more = async () => {
    if (loading.current || cursor === null) return
    loading.current = true
    const page = await loadPage(props.kind, props.query, cursor)
    loading.current = false
    if (!page.ok) return setError(page.error.message)
    setItems((before) => [...before, ...page.value.items])
    setTotal(page.value.total)
    setCursor(page.value.nextCursor)
  }

  useEffect(() => {
    const node = sentinel.current
    if (node === null || cursor === null || error !== null) return
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void more()
    }, { rootMargin: "1200px" })
    observer.observe(node)
    return () => observer.disconnect()
  }, [cursor, error])

  const hrefOf = (item: Item) => (props.kind === "movie" ? `/movie/${item.id}` : `/series/${item.id}`)
  return (
    <>
      <p class="count" role="status">{total === null ? "Loading…" : `${total} ${total === 1 ? "title" : "titles"}`}</p>
      <div class="grid" data-testid="grid">
        {items.map((item, i) => (
          <Poster href={hrefOf(item)} title={item.title} subtitle={item.year === null ? null : String(item.year)} path={item.posterPath} eager={i < 12} />
        ))}
      </div>
      {error === null ? null : <Failed message={error} retry={() => { setError(null); void more() }} />}
      {total !== null && items.length === 0 ? <Status>Nothing matches these filters.</Status> : null}
      <div ref={sentinel} class="sentinel" data-testid={cursor === null ? "grid-end" : "grid-more"} />
    </>
  )
}
