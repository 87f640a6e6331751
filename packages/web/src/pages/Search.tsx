/** Search: browsing's `q` filter over movies and series the caller may see. */
import { useLocation } from "../router.js"
import { Grid } from "./Library.js"

export const Search = () => {
  const { query } = useLocation()
  const q = (query.get("q") ?? "").trim()
  if (q === "") return <p class="status">Type in the search box to find titles.</p>
  return (
    <div class="search-results">
      <h1>Results for “{q}”</h1>
      <section aria-label="Movies"><h2>Movies</h2><Grid kind="movie" query={{ q }} key={`m-${q}`} /></section>
      <section aria-label="Series"><h2>Series</h2><Grid kind="tvshow" query={{ q }} key={`s-${q}`} /></section>
    </div>
  )
}
