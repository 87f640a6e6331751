/**
 * Home: continue watching (movies and episodes in progress), next up (the next episode of each series
 * being watched), then what was added recently, one row per
 * library the viewer may see, each loaded on its own so a slow or failing library delays only its row.
 */
import type { Library } from "@mediaserver/domain"
import { call, type Result } from "../api.js"
import { useMemo } from "preact/hooks"
import { debounced, useLiveEvents } from "../events.js"
import { useLoad } from "../load.js"
import { useSession } from "../session.js"
import { Poster } from "../ui/Poster.js"
import { Failed, Status } from "../ui/Shell.js"

const year = (y: number | null) => (y === null ? null : String(y))
const ROW = 20

const all = async <A, B>(a: Promise<Result<A>>, b: Promise<Result<B>>): Promise<Result<readonly [A, B]>> => {
  const [x, y] = await Promise.all([a, b])
  if (!x.ok) return x
  if (!y.ok) return y
  return { ok: true, value: [x.value, y.value] }
}

export const Home = () => {
  const { session } = useSession()
  const libraries = session?.libraries ?? []
  const [watching, retry] = useLoad(() => all(
    call((api) => api.movies.continueWatching({ urlParams: { limit: ROW } })),
    call((api) => api.tvshows.continueWatching({ urlParams: { limit: ROW } }))
  ), [])
  if (watching.state === "loading") return <Status>Loading…</Status>
  if (watching.state === "failed") return <Failed message={watching.error.message} retry={retry} />
  const [movies, shows] = watching.value
  return (
    <div class="home">
      <h1 class="visually-hidden">Home</h1>
      {libraries.length === 0 ? (
        <div class="empty">
          {session?.isAdmin === true
            ? <><p>Nothing here yet.</p><a class="button primary" href="/admin/libraries">Add a library</a></>
            : <p>Nothing shared with you yet.</p>}
        </div>
      ) : null}
      {movies.length + shows.length > 0 ? (
        <Row title="Continue watching">
          {movies.map(({ movie, progress }) => (
            <Poster href={`/movie/${movie.id}`} title={movie.title} subtitle={year(movie.year)} path={movie.posterPath} progress={progress.percent} eager />
          ))}
          {shows.map(({ episode, progress }) => (
            <Poster
              href={`/series/${episode.seriesId}`}
              title={episode.seriesTitle}
              subtitle={`S${episode.seasonNumber}E${episode.episodeNumber ?? "?"}`}
              path={episode.stillPath}
              progress={progress.percent}
              eager
            />
          ))}
        </Row>
      ) : null}
      <NextUp />
      {libraries.map((library) => <RecentlyAdded library={library} key={library.id} />)}
    </div>
  )
}

const NextUp = () => {
  const [next] = useLoad(() => call((api) => api.tvshows.nextUp({ urlParams: { limit: ROW } })), [])
  if (next.state !== "ready" || next.value.length === 0) return null
  return (
    <Row title="Next up">
      {next.value.map((episode) => (
        <Poster
          href={`/play/episode/${episode.id}`}
          title={episode.seriesTitle}
          subtitle={`S${episode.seasonNumber}E${episode.episodeNumber ?? "?"}${episode.title === null ? "" : ` · ${episode.title}`}`}
          path={episode.stillPath}
          eager
        />
      ))}
    </Row>
  )
}

const RecentlyAdded = (props: { readonly library: Library }) => {
  const { library } = props
  const urlParams = { libraryId: library.id, sort: "added", order: "desc", limit: ROW } as const
  const [recent, reload] = useLoad(async () => {
    if (library.kind === "movie") {
      const page = await call((api) => api.movies.list({ urlParams }))
      return page.ok ? { ok: true, value: page.value.items.map((m) => ({ href: `/movie/${m.id}`, title: m.title, year: m.year, posterPath: m.posterPath })) } : page
    }
    const page = await call((api) => api.tvshows.list({ urlParams }))
    return page.ok ? { ok: true, value: page.value.items.map((s) => ({ href: `/series/${s.id}`, title: s.title, year: s.year, posterPath: s.posterPath })) } : page
  }, [library.id])
  // Titles added while the page is open show up (once per burst: a scan adds many at once).
  const refresh = useMemo(() => debounced(reload, 1000), [reload])
  useLiveEvents(["movie.added", "series.added"], (event) => {
    if (event.data["libraryId"] === library.id) refresh()
  }, [library.id, refresh])
  if (recent.state !== "ready" || recent.value.length === 0) return null
  return (
    <Row title={`Recently added in ${library.name}`}>
      {recent.value.map((item) => <Poster href={item.href} title={item.title} subtitle={year(item.year)} path={item.posterPath} eager />)}
    </Row>
  )
}

const Row = (props: { readonly title: string; readonly children: preact.ComponentChildren }) => (
  <section class="row" aria-label={props.title}>
    <h2>{props.title}</h2>
    <div class="row-items" tabIndex={0} aria-label={`${props.title}, scroll sideways`}>{props.children}</div>
  </section>
)
