/** Home: continue watching, then recently added movies and series, as horizontal rows. */
import { call } from "../api.js"
import { useLoad } from "../load.js"
import { useSession } from "../session.js"
import { Poster } from "../ui/Poster.js"
import { Failed, Status } from "../ui/Shell.js"

const year = (y: number | null) => (y === null ? null : String(y))

export const Home = () => {
  const { session } = useSession()
  const [home, retry] = useLoad(async () => {
    const [movies, shows, recentMovies, recentShows] = await Promise.all([
      call((api) => api.movies.continueWatching({ urlParams: { limit: 20 } })),
      call((api) => api.tvshows.continueWatching({ urlParams: { limit: 20 } })),
      call((api) => api.movies.recentlyAdded({ urlParams: { limit: 20 } })),
      call((api) => api.tvshows.recentlyAdded({ urlParams: { limit: 20 } }))
    ])
    if (!movies.ok) return movies
    if (!shows.ok) return shows
    if (!recentMovies.ok) return recentMovies
    if (!recentShows.ok) return recentShows
    return { ok: true, value: { movies: movies.value, shows: shows.value, recentMovies: recentMovies.value.items, recentShows: recentShows.value.items } } as const
  }, [])
  if (home.state === "loading") return <Status>Loading…</Status>
  if (home.state === "failed") return <Failed message={home.error.message} retry={retry} />
  const { movies, shows, recentMovies, recentShows } = home.value
  const empty = movies.length + shows.length + recentMovies.length + recentShows.length === 0
  return (
    <div class="home">
      <h1 class="visually-hidden">Home</h1>
      {empty ? (
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
      {recentMovies.length > 0 ? (
        <Row title="Recently added movies">
          {recentMovies.map((m) => <Poster href={`/movie/${m.id}`} title={m.title} subtitle={year(m.year)} path={m.posterPath} eager />)}
        </Row>
      ) : null}
      {recentShows.length > 0 ? (
        <Row title="Recently added series">
          {recentShows.map((s) => <Poster href={`/series/${s.id}`} title={s.title} subtitle={year(s.year)} path={s.posterPath} />)}
        </Row>
      ) : null}
    </div>
  )
}

const Row = (props: { readonly title: string; readonly children: preact.ComponentChildren }) => (
  <section class="row" aria-label={props.title}>
    <h2>{props.title}</h2>
    <div class="row-items" tabIndex={0} aria-label={`${props.title}, scroll sideways`}>{props.children}</div>
  </section>
)
