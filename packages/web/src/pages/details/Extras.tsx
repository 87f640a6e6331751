/** Parts of the details pages beyond the basics: the viewer's rating, similar titles, crew. */
import type { CrewMember, MovieId, SeriesId, UserMark } from "@mediaserver/domain"
import { useState } from "preact/hooks"
import { call, type Result } from "../../api.js"
import { useLoad } from "../../load.js"
import { Poster } from "../../ui/Poster.js"

type Target = { readonly kind: "movie"; readonly id: MovieId } | { readonly kind: "series"; readonly id: SeriesId }

/** Rating answers the mark; removing it answers nothing (204, as every DELETE): the caller reloads either way. */
const rate = (target: Target, rating: number | null): Promise<Result<UserMark | void>> => {
  if (target.kind === "movie") {
    const path = { movieId: target.id }
    return rating === null ? call((api) => api.movies.unrate({ path })) : call((api) => api.movies.rate({ path, payload: { rating } }))
  }
  const path = { seriesId: target.id }
  return rating === null ? call((api) => api.tvshows.unrate({ path })) : call((api) => api.tvshows.rate({ path, payload: { rating } }))
}

/** The viewer's own rating, 1 to 10, or none. */
export const Rating = (props: { readonly target: Target; readonly mark: UserMark | null; readonly changed: () => void }) => {
  const [error, setError] = useState<string | null>(null)
  const choose = async (value: string) => {
    const result = await rate(props.target, value === "" ? null : Number(value))
    if (result.ok) props.changed()
    else setError(`Could not save the rating: ${result.error.message}`)
  }
  return (
    <label class="rating">Your rating{" "}
      <select value={props.mark?.rating ?? ""} onChange={(e) => void choose(e.currentTarget.value)}>
        <option value="">Not rated</option>
        {Array.from({ length: 10 }, (_, i) => 10 - i).map((n) => <option value={n}>{n} / 10</option>)}
      </select>
      {error === null ? null : <span class="error" role="alert">{error}</span>}
    </label>
  )
}

export const SimilarMovies = (props: { readonly id: MovieId }) => {
  const [similar] = useLoad(() => call((api) => api.movies.similar({ path: { movieId: props.id }, urlParams: { limit: 12 } })), [props.id])
  if (similar.state !== "ready" || similar.value.length === 0) return null
  return (
    <section class="row" aria-label="Similar titles">
      <h2>Similar titles</h2>
      <div class="row-items" tabIndex={0} aria-label="Similar titles, scroll sideways">
        {similar.value.map((m) => <Poster href={`/movie/${m.id}`} title={m.title} subtitle={m.year === null ? null : String(m.year)} path={m.posterPath} />)}
      </div>
    </section>
  )
}

const KEY_JOBS = ["Director", "Screenplay", "Writer", "Novel", "Creator", "Original Music Composer", "Director of Photography", "Producer"]

/** The crew that people look for first (directors, writers, composer...), one line per person. */
export const Crew = (props: { readonly crew: ReadonlyArray<CrewMember> }) => {
  const shown = props.crew.filter((c) => c.job !== null && KEY_JOBS.includes(c.job))
    .sort((a, b) => KEY_JOBS.indexOf(a.job ?? "") - KEY_JOBS.indexOf(b.job ?? ""))
    .slice(0, 12)
  if (shown.length === 0) return null
  return (
    <section aria-label="Crew"><h2>Crew</h2>
      <ul class="cast">{shown.map((c) => <li><a href={`/person/${c.personId}`}>{c.name}</a> ({c.job})</li>)}</ul>
    </section>
  )
}
