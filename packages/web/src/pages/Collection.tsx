/** A collection (a film series): its overview and the movies of it you may see, in release order. */
import type { CollectionId } from "@mediaserver/domain"
import { call, imageUrl } from "../api.js"
import { collectionId } from "../ids.js"
import { useLoad } from "../load.js"
import { Poster } from "../ui/Poster.js"
import { Failed, Status } from "../ui/Shell.js"

export const Collection = (props: { readonly id: string }) => {
  const id = collectionId(props.id)
  return id === null ? <Failed message="No such collection." /> : <CollectionPage id={id} />
}

const CollectionPage = (props: { readonly id: CollectionId }) => {
  const path = { collectionId: props.id }
  const [loaded, retry] = useLoad(async () => {
    const [details, movies] = await Promise.all([
      call((api) => api.collections.get({ path })),
      call((api) => api.collections.movies({ path, urlParams: { limit: 100 } }))
    ])
    if (!details.ok) return details
    if (!movies.ok) return movies
    return { ok: true, value: { details: details.value, movies: movies.value.items } }
  }, [props.id])
  if (loaded.state === "loading") return <Status>Loading…</Status>
  if (loaded.state === "failed") return <Failed message={loaded.error.message} retry={retry} />
  const { details, movies } = loaded.value
  return (
    <article class="collection-page">
      <div class="hero">
        {details.backdropPath === null ? null : <img class="backdrop" src={imageUrl("backdrop", "w1280", details.backdropPath)} alt="" />}
        <div class="scrim"><h1>{details.name}</h1><p class="facts">{details.movieCount} {details.movieCount === 1 ? "movie" : "movies"}</p></div>
      </div>
      {details.overview === null ? null : <p class="overview">{details.overview}</p>}
      <section class="row" aria-label="Movies">
        <h2>Movies</h2>
        <div class="row-items" tabIndex={0} aria-label="Movies, scroll sideways">
          {movies.map((m) => <Poster href={`/movie/${m.id}`} title={m.title} subtitle={m.year === null ? null : String(m.year)} path={m.posterPath} />)}
        </div>
      </section>
    </article>
  )
}
