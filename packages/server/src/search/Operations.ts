/**
 * Every search operation once (named as in SearchRpcs); REST maps onto the same functions. Reading
 * needs the read scope (what the caller finds is limited by their library access, in Search);
 * reindexing is the admin's.
 */
import { SearchRpcs } from "@mediaserver/domain"
import { Effect } from "effect"
import { asCaller, canRead, requireAdmin, withPolicy } from "../access/Policy.js"
import { Search } from "./Search.js"
import { SearchReindex } from "./Reindex.js"

export const makeSearchOperations = Effect.gen(function* () {
  const search = yield* Search
  const reindex = yield* SearchReindex
  const read = asCaller(canRead)
  return SearchRpcs.of({
    SearchMovies: (query) => read((u) => search.movies(u, query)),
    SearchMoviesAutocomplete: (query) => read((u) => search.suggest(u, "movies", query)),
    SearchMoviesFacets: (query) => read((u) => search.facets(u, "movies", query)),
    SearchTvShows: (query) => read((u) => search.series(u, query)),
    SearchTvShowsAutocomplete: (query) => read((u) => search.suggest(u, "series", query)),
    SearchTvShowsFacets: (query) => read((u) => search.facets(u, "series", query)),
    SearchMulti: (query) => read((u) => search.multi(u, query)),
    SearchReindex: ({ scope }) => withPolicy(requireAdmin)(reindex.start(scope)),
    SearchReindexProgress: ({ jobRunId }) => withPolicy(requireAdmin)(reindex.progress(jobRunId))
  })
})
