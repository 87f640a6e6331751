/** REST handlers of the search group: each is the RPC operation of the same name. */
import { HttpApiBuilder } from "@effect/platform"
import { MediaApi } from "@mediaserver/domain"
import { Effect } from "effect"
import { makeSearchOperations } from "./Operations.js"

export const SearchHttpLive = HttpApiBuilder.group(MediaApi, "search", (handlers) =>
  Effect.map(makeSearchOperations, (op) =>
    handlers
      .handle("movies", ({ urlParams }) => op.SearchMovies(urlParams))
      .handle("moviesAutocomplete", ({ urlParams }) => op.SearchMoviesAutocomplete(urlParams))
      .handle("moviesFacets", ({ urlParams }) => op.SearchMoviesFacets(urlParams))
      .handle("reindex", () => op.SearchReindex({ scope: "all" }))
      .handle("reindexProgress", ({ path }) => op.SearchReindexProgress(path))
      .handle("tvshowsReindex", () => op.SearchReindex({ scope: "tvshows" }))
      .handle("tvshows", ({ urlParams }) => op.SearchTvShows(urlParams))
      .handle("tvshowsAutocomplete", ({ urlParams }) => op.SearchTvShowsAutocomplete(urlParams))
      .handle("tvshowsFacets", ({ urlParams }) => op.SearchTvShowsFacets(urlParams))
      .handle("multi", ({ urlParams }) => op.SearchMulti(urlParams))))
