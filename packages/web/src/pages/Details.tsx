/**
 * Movie and series pages: backdrop, facts, overview, Play/Resume, watched mark, favourite and rating,
 * cast and crew, similar titles, seasons and episodes, the next episode to watch; admins manage.
 */
import type { Episode, MovieId, Season, SeriesId, WatchProgress } from "@mediaserver/domain"
import { useState } from "preact/hooks"
import { call, imageUrl } from "../api.js"
import { clock, movieId, seriesId } from "../ids.js"
import { useLoad } from "../load.js"
import { useSession } from "../session.js"
import { AdminTools } from "./details/AdminTools.js"
import { Crew, Rating, SimilarMovies } from "./details/Extras.js"
import { Still } from "../ui/Poster.js"
import { Failed, Status } from "../ui/Shell.js"

const Hero = (props: { readonly backdrop: string | null; readonly children: preact.ComponentChildren }) => (
  <div class="hero">
    {props.backdrop === null ? null : (
      <img class="backdrop" src={imageUrl("backdrop", "w780", props.backdrop)} srcset={`${imageUrl("backdrop", "w780", props.backdrop)} 780w, ${imageUrl("backdrop", "w1280", props.backdrop)} 1280w`} sizes="100vw" alt="" />
    )}
    <div class="scrim">{props.children}</div>
  </div>
)

/** Play, or Resume when a position is saved and the title is not finished. */
const PlayButtons = (props: { readonly href: string; readonly progress: WatchProgress | null }) => {
  const resume = props.progress !== null && !props.progress.watched && props.progress.positionSeconds > 0 ? props.progress.positionSeconds : null
  return (
    <div class="actions">
      {resume === null ? null : <a class="button primary" href={`${props.href}?t=${Math.floor(resume)}`}>Resume from {clock(resume)}</a>}
      <a class={resume === null ? "button primary" : "button"} href={props.href}>{resume === null ? "Play" : "Play from start"}</a>
    </div>
  )
}

export const MovieDetails = (props: { readonly id: string }) => {
  const id = movieId(props.id)
  return id === null ? <Failed message="No such movie." /> : <MoviePage id={id} />
}

const MoviePage = (props: { readonly id: MovieId }) => {
  const { session } = useSession()
  const path = { movieId: props.id }
  const [movie, retry] = useLoad(() => call((api) => api.movies.get({ path })), [props.id])
  const [progress, reloadProgress] = useLoad(() => call((api) => api.movies.progress({ path })), [props.id])
  const [mark, setMark] = useLoad(() => call((api) => api.movies.mark({ path })), [props.id])
  const [error, setError] = useState<string | null>(null)
  if (movie.state === "loading") return <Status>Loading…</Status>
  if (movie.state === "failed") return <Failed message={movie.error.message} retry={retry} />
  const m = movie.value
  const saved = progress.state === "ready" ? progress.value : null
  const watched = saved?.watched === true
  const toggleWatched = async () => {
    const result = await call((api) => api.movies.watched({ path, payload: { watched: !watched } }))
    if (result.ok) reloadProgress()
    else setError(`Could not change the watched mark: ${result.error.message}`)
  }
  const favorite = mark.state === "ready" && mark.value.favorite
  const toggleFavorite = async () => {
    const result = await call((api) => api.movies.favorite({ path, payload: { favorite: !favorite } }))
    if (result.ok) setMark()
    else setError(`Could not change the favourite: ${result.error.message}`)
  }
  return (
    <article class="details">
      <Hero backdrop={m.backdropPath}>
        <h1>{m.title}</h1>
        <p class="facts">{[m.year, m.runtimeMinutes === null ? null : `${m.runtimeMinutes} min`, m.rating === null ? null : `★ ${m.rating.toFixed(1)}`, m.genres.map((g) => g.name).join(", ")].filter((x) => x !== null && x !== "").join(" · ")}</p>
        <PlayButtons href={`/play/movie/${m.id}`} progress={saved} />
        <div class="actions">
          <button type="button" aria-pressed={watched} onClick={() => void toggleWatched()}>{watched ? "Watched ✓" : "Mark watched"}</button>
          <button type="button" aria-pressed={favorite} onClick={() => void toggleFavorite()}>{favorite ? "Favourite ♥" : "Add to favourites"}</button>
          <Rating target={{ kind: "movie", id: m.id }} mark={mark.state === "ready" ? mark.value : null} changed={setMark} />
        </div>
        {error === null ? null : <p class="error" role="alert">{error}</p>}
      </Hero>
      {session?.isAdmin === true ? <AdminTools target={{ kind: "movie", id: m.id }} title={m.title} year={m.year} shown={m} changed={retry} /> : null}
      {m.collection === null ? null : <p class="collection">Part of <a href={`/collection/${m.collection.id}`}><strong>{m.collection.name}</strong></a></p>}
      {m.tagline === null ? null : <p class="tagline">{m.tagline}</p>}
      {m.overview === null ? null : <p class="overview">{m.overview}</p>}
      {m.cast.length > 0 ? (
        <section aria-label="Cast"><h2>Cast</h2><ul class="cast">{m.cast.slice(0, 20).map((c) => <li><a href={`/person/${c.personId}`}>{c.name}</a>{c.character === null ? "" : ` as ${c.character}`}</li>)}</ul></section>
      ) : null}
      <Crew crew={m.crew} />
      <SimilarMovies id={m.id} />
      <details class="media-info"><summary>Media info</summary>
        {m.files.map((f) => <p>{f.path} ({f.container ?? "?"}, {f.streams.map((s) => `${s.kind} ${s.codec}${s.language === null ? "" : ` ${s.language}`}`).join(", ")})</p>)}
      </details>
    </article>
  )
}

export const SeriesDetails = (props: { readonly id: string }) => {
  const id = seriesId(props.id)
  return id === null ? <Failed message="No such series." /> : <SeriesPage id={id} />
}

const SeriesPage = (props: { readonly id: SeriesId }) => {
  const { session } = useSession()
  const path = { seriesId: props.id }
  const [series, retry] = useLoad(() => call((api) => api.tvshows.get({ path })), [props.id])
  const [seasons] = useLoad(() => call((api) => api.tvshows.seasons({ path })), [props.id])
  const [mark, reloadMark] = useLoad(() => call((api) => api.tvshows.mark({ path })), [props.id])
  const [next] = useLoad(() => call((api) => api.tvshows.nextEpisode({ path })), [props.id])
  const [chosen, setChosen] = useState<number>(0)
  const [error, setError] = useState<string | null>(null)
  if (series.state === "loading") return <Status>Loading…</Status>
  if (series.state === "failed") return <Failed message={series.error.message} retry={retry} />
  const s = series.value
  const favorite = mark.state === "ready" && mark.value.favorite
  const toggleFavorite = async () => {
    const result = await call((api) => api.tvshows.favorite({ path, payload: { favorite: !favorite } }))
    if (result.ok) reloadMark()
    else setError(`Could not change the favourite: ${result.error.message}`)
  }
  const upNext = next.state === "ready" ? next.value.episode : null
  const list = seasons.state === "ready" ? seasons.value : []
  const season = list[chosen] ?? list[0]
  return (
    <article class="details">
      <Hero backdrop={s.backdropPath}>
        <h1>{s.title}</h1>
        <p class="facts">{[s.year, `${s.seasonCount} seasons`, `${s.episodeCount} episodes`, s.genres.map((g) => g.name).join(", ")].filter((x) => x !== null && x !== "").join(" · ")}</p>
        {upNext === null || !upNext.hasFile ? null : (
          <div class="actions">
            <a class="button primary" href={`/play/episode/${upNext.id}`}>Play S{upNext.seasonNumber}E{upNext.episodeNumber ?? "?"}{upNext.title === null ? "" : `: ${upNext.title}`}</a>
          </div>
        )}
        <div class="actions">
          <button type="button" aria-pressed={favorite} onClick={() => void toggleFavorite()}>{favorite ? "Favourite ♥" : "Add to favourites"}</button>
          <Rating target={{ kind: "series", id: s.id }} mark={mark.state === "ready" ? mark.value : null} changed={reloadMark} />
        </div>
        {error === null ? null : <p class="error" role="alert">{error}</p>}
      </Hero>
      {session?.isAdmin === true ? <AdminTools target={{ kind: "series", id: s.id }} title={s.title} year={s.year} shown={s} changed={retry} /> : null}
      {s.overview === null ? null : <p class="overview">{s.overview}</p>}
      {list.length === 0 ? null : (
        <label class="season-pick">Season{" "}
          <select value={chosen} onChange={(e) => setChosen(Number(e.currentTarget.value))}>
            {list.map((x, i) => <option value={i}>{x.name ?? `Season ${x.seasonNumber}`}</option>)}
          </select>
        </label>
      )}
      {season === undefined ? null : <Episodes season={season} key={season.id} />}
    </article>
  )
}

const Episodes = (props: { readonly season: Season }) => {
  const [episodes, retry] = useLoad(() => call((api) => api.tvshows.seasonEpisodes({ path: { seasonId: props.season.id } })), [props.season.id])
  if (episodes.state === "loading") return <Status>Loading episodes…</Status>
  if (episodes.state === "failed") return <Failed message={episodes.error.message} retry={retry} />
  return <ol class="episodes">{episodes.value.map((e) => <EpisodeRow episode={e} />)}</ol>
}

const EpisodeRow = (props: { readonly episode: Episode }) => {
  const e = props.episode
  const path = { episodeId: e.id }
  const [progress, reload] = useLoad(() => call((api) => api.tvshows.episodeProgress({ path })), [e.id])
  const saved = progress.state === "ready" ? progress.value : null
  const watched = saved?.watched === true
  const toggle = async () => {
    const result = await call((api) => api.tvshows.episodeWatched({ path, payload: { watched: !watched } }))
    if (result.ok) reload()
  }
  const label = `${e.episodeNumber ?? "?"}. ${e.title ?? "Episode"}`
  return (
    <li class="episode">
      <Still path={e.stillPath} />
      <div>
        <h3>{label}</h3>
        {e.overview === null ? null : <p>{e.overview}</p>}
        <div class="actions">
          {e.hasFile ? <PlayButtons href={`/play/episode/${e.id}`} progress={saved} /> : <span>No file</span>}
          <button type="button" aria-pressed={watched} aria-label={`${watched ? "Unmark" : "Mark"} ${label} watched`} onClick={() => void toggle()}>{watched ? "Watched ✓" : "Mark watched"}</button>
        </div>
      </div>
    </li>
  )
}
