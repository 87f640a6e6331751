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
export interface Page {
  readonly items: ReadonlyArray<Item>
  readonly total: number
  readonly nextCursor: string | null
}

const SORTS: ReadonlyArray<readonly [SortField, string]> = [["title", "Title"], ["added", "Date added"], ["year", "Year"], ["rating", "Rating"], ["release_date", "Release date"], ["runtime", "Runtime"]]
const PAGE = 100

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
      <Grid kind={kind} cacheKey={`browse:${JSON.stringify(grid)}`} load={(cursor) => loadPage(kind, grid, cursor)} key={`${props.id}?${query.toString()}`} />
    </div>
  )
}

/** Card geometry of the windowed grid (styles.css matches: 150 px minimum, 16 px gap, two text lines). */
const MIN_CARD = 150
const GAP = 16
const TEXT_HEIGHT = 56
/** Rows rendered above and below the visible ones. */
const OVERSCAN = 3

/** Grids seen in this tab, by query: what was loaded and where the page was scrolled. */
const visited = new Map<string, { readonly items: ReadonlyArray<Item>; readonly total: number | null; readonly cursor: string | null | undefined; readonly scrollY: number }>()

interface View {
  readonly cols: number
  readonly rowHeight: number
  readonly first: number
  readonly last: number
}

/**
 * The growing grid of one query (a new query mounts a new grid). Only the rows near the viewport are
 * in the DOM: the loaded height is reserved and the visible rows are placed in it, so scrolling a
 * 5,000-title library costs the same per page as the first page.
 */
export const Grid = (props: {
  readonly kind: "movie" | "tvshow"
  /** Names the query: a grid seen before under this key comes back as it was left. */
  readonly cacheKey: string
  /** The page after `cursor` (browsing's keyset cursor; search carries its offset in it). */
  readonly load: (cursor: string | undefined) => Promise<Result<Page>>
}) => {
  const cacheKey = `${props.kind}:${props.cacheKey}`
  const [saved] = useState(() => visited.get(cacheKey))
  const [items, setItems] = useState<ReadonlyArray<Item>>(saved?.items ?? [])
  const [total, setTotal] = useState<number | null>(saved?.total ?? null)
  const [cursor, setCursor] = useState<string | null | undefined>(saved?.cursor)
  const [error, setError] = useState<string | null>(null)
  const [view, setView] = useState<View>({ cols: 6, rowHeight: 300, first: 0, last: 6 })
  const loading = useRef(false)
  const sentinel = useRef<HTMLDivElement>(null)
  const frame = useRef<HTMLDivElement>(null)

  const more = async () => {
    if (loading.current || cursor === null) return
    loading.current = true
    const page = await props.load(cursor)
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

  // Back to a grid seen before: the same titles and the same place, without reloading the pages.
  // (The scroll position is the last one seen: navigating away scrolls to the top before this unmounts.)
  const latest = useRef({ items, total, cursor, scrollY: saved?.scrollY ?? 0 })
  latest.current = { items, total, cursor, scrollY: latest.current.scrollY }
  useEffect(() => {
    if (saved !== undefined) scrollTo(0, saved.scrollY)
    return () => {
      visited.set(cacheKey, latest.current)
      if (visited.size > 20) visited.delete(visited.keys().next().value ?? "")
    }
  }, [])

  useEffect(() => {
    const measure = () => {
      const node = frame.current
      if (node === null) return
      latest.current = { ...latest.current, scrollY }
      const width = node.clientWidth
      const cols = Math.max(1, Math.floor((width + GAP) / (MIN_CARD + GAP)))
      const rowHeight = ((width - GAP * (cols - 1)) / cols) * 1.5 + TEXT_HEIGHT + GAP
      const top = node.getBoundingClientRect().top + scrollY
      const first = Math.max(0, Math.floor((scrollY - top) / rowHeight) - OVERSCAN)
      const last = Math.max(first, Math.ceil((scrollY + innerHeight - top) / rowHeight) + OVERSCAN)
      setView((v) => (v.cols === cols && v.rowHeight === rowHeight && v.first === first && v.last === last ? v : { cols, rowHeight, first, last }))
    }
    let pending = 0
    const schedule = () => {
      if (pending === 0) pending = requestAnimationFrame(() => { pending = 0; measure() })
    }
    measure()
    addEventListener("scroll", schedule, { passive: true })
    addEventListener("resize", schedule)
    return () => {
      cancelAnimationFrame(pending)
      removeEventListener("scroll", schedule)
      removeEventListener("resize", schedule)
    }
  }, [])

  const rows = Math.ceil(items.length / view.cols)
  const from = view.first * view.cols
  const shown = items.slice(from, Math.min(items.length, (view.last + 1) * view.cols))
  return (
    <>
      <p class="count" role="status">{total === null ? "Loading…" : `${total} ${total === 1 ? "title" : "titles"}`}</p>
      <div ref={frame} class="grid-frame" style={{ height: `${Math.max(0, rows * view.rowHeight - GAP)}px` }}>
        <div
          class="grid"
          data-testid="grid"
          style={{ transform: `translateY(${view.first * view.rowHeight}px)`, gridTemplateColumns: `repeat(${view.cols}, 1fr)`, gridAutoRows: `${view.rowHeight - GAP}px` }}
        >
          {shown.map((item, i) => (
            <Poster
              key={item.id}
              href={props.kind === "movie" ? `/movie/${item.id}` : `/series/${item.id}`}
              title={item.title}
              subtitle={item.year === null ? null : String(item.year)}
              path={item.posterPath}
              eager={from + i < 12}
            />
          ))}
        </div>
      </div>
      {error === null ? null : <Failed message={error} retry={() => { setError(null); void more() }} />}
      {total === 0 ? <Status>Nothing matches these filters.</Status> : null}
      <div ref={sentinel} class="sentinel" data-testid={cursor === null ? "grid-end" : "grid-more"} />
    </>
  )
}
