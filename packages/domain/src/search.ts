/**
 * Search over movies, series, episodes and people (REST under /search and RPC): ranked pages with
 * the browsing filters, autocomplete, facets with counts, one query across every kind, and the
 * admin's reindex. Every answer covers only what the caller's library access lets them see.
 */
import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import { Episode, MoviePage, MovieSummary, SeriesPage, SeriesSummary, SortField, SortOrder } from "./content.js"
import { PersonId } from "./contentIds.js"
import { BadRequest, Forbidden, HttpForbidden, HttpNotFound, HttpUnavailable, NotFound, Unavailable } from "./errors.js"
import { Authentication, RpcAuthentication } from "./identity.js"
import { LibraryId } from "./libraries.js"
import { about, doc } from "./apiDocs.js"

/** What a user typed: 1-200 characters, no control characters (any script, any punctuation). */
export const SearchText = Schema.Trim.pipe(
  Schema.minLength(1, { message: () => "q must not be empty" }),
  Schema.maxLength(200, { message: () => "q must be at most 200 characters" }),
  Schema.filter((s) => !/[\u0000-\u001f\u007f]/.test(s), { message: () => "q must not contain control characters" })
)

export const SearchSort = Schema.Literal("relevance", ...SortField.literals)
export type SearchSort = typeof SearchSort.Type

export const FacetName = Schema.Literal("genres", "years", "decades", "ratings", "status", "companies", "libraries")
export type FacetName = typeof FacetName.Type
export const FACET_NAMES: ReadonlyArray<FacetName> = FacetName.literals

const Int = (min: number, max: number) => Schema.Int.pipe(Schema.between(min, max))
const UrlInt = (min: number, max: number) => Schema.NumberFromString.pipe(Schema.int(), Schema.between(min, max))
const Name = (max: number) => Schema.String.pipe(Schema.minLength(1), Schema.maxLength(max))

/** The filters of browsing, with a query and a relevance sort (the default); pages by offset. */
export const searchFields = {
  q: SearchText,
  limit: Schema.optional(Int(1, 100)),
  offset: Schema.optional(Int(0, 10_000)),
  sort: Schema.optional(SearchSort),
  order: Schema.optional(SortOrder),
  genre: Schema.optional(Name(100)),
  yearFrom: Schema.optional(Int(1800, 3000)),
  yearTo: Schema.optional(Int(1800, 3000)),
  minRating: Schema.optional(Schema.Number.pipe(Schema.between(0, 10))),
  network: Schema.optional(Name(100)),
  status: Schema.optional(Name(50)),
  libraryId: Schema.optional(LibraryId)
}
export const SearchQuery = Schema.Struct(searchFields)
export type SearchQuery = typeof SearchQuery.Type

const searchUrlFields = {
  ...searchFields,
  limit: Schema.optional(UrlInt(1, 100)),
  offset: Schema.optional(UrlInt(0, 10_000)),
  yearFrom: Schema.optional(UrlInt(1800, 3000)),
  yearTo: Schema.optional(UrlInt(1800, 3000)),
  minRating: Schema.optional(Schema.NumberFromString.pipe(Schema.between(0, 10)))
}
export const SearchUrlQuery = Schema.Struct(searchUrlFields)

/** Facets to count (all when absent). */
export const FacetsQuery = Schema.Struct({ ...searchFields, facets: Schema.optional(Schema.Array(FacetName).pipe(Schema.minItems(1))) })
export type FacetsQuery = typeof FacetsQuery.Type
const FacetsUrlQuery = Schema.Struct({
  ...searchUrlFields,
  facets: Schema.optional(Schema.compose(Schema.split(","), Schema.Array(FacetName).pipe(Schema.minItems(1))))
})

export const SuggestQuery = Schema.Struct({ q: SearchText, limit: Schema.optional(Int(1, 20)) })
export type SuggestQuery = typeof SuggestQuery.Type
const SuggestUrlQuery = Schema.Struct({ q: SearchText, limit: Schema.optional(UrlInt(1, 20)) })

export const SearchKind = Schema.Literal("movie", "series", "episode", "person")
export type SearchKind = typeof SearchKind.Type

/** One autocomplete line. `subtitle`: an episode's series. */
export class Suggestion extends Schema.Class<Suggestion>("Suggestion")({
  kind: SearchKind,
  id: Schema.String,
  title: Schema.String,
  year: Schema.NullOr(Schema.Int),
  subtitle: Schema.NullOr(Schema.String)
}) {}

export class FacetBucket extends Schema.Class<FacetBucket>("FacetBucket")({
  value: Schema.String,
  label: Schema.String,
  count: Schema.Int
}) {}

/** Counts over every match of the query and filters (not just one page); facets not asked are empty. */
export class SearchFacets extends Schema.Class<SearchFacets>("SearchFacets")({
  total: Schema.Int,
  genres: Schema.Array(FacetBucket),
  years: Schema.Array(FacetBucket),
  decades: Schema.Array(FacetBucket),
  ratings: Schema.Array(FacetBucket),
  status: Schema.Array(FacetBucket),
  companies: Schema.Array(FacetBucket),
  libraries: Schema.Array(FacetBucket)
}) {}

export class PersonHit extends Schema.Class<PersonHit>("PersonHit")({
  id: PersonId,
  name: Schema.String,
  knownForDepartment: Schema.NullOr(Schema.String),
  profilePath: Schema.NullOr(Schema.String)
}) {}

/** The best matches of each kind. */
export class MultiSearchResult extends Schema.Class<MultiSearchResult>("MultiSearchResult")({
  movies: Schema.Array(MovieSummary),
  series: Schema.Array(SeriesSummary),
  episodes: Schema.Array(Episode),
  people: Schema.Array(PersonHit)
}) {}

export const ReindexScope = Schema.Literal("all", "movies", "tvshows")
export type ReindexScope = typeof ReindexScope.Type

/** A reindex job was queued (or one already running was found); its progress shows in the job runs. */
export class ReindexQueued extends Schema.Class<ReindexQueued>("ReindexQueued")({
  jobRunId: Schema.String,
  scope: ReindexScope
}) {}

/** How far a reindex run got: documents rebuilt of the total; `finishedAt` once done. */
export class ReindexProgress extends Schema.Class<ReindexProgress>("ReindexProgress")({
  jobRunId: Schema.String,
  scope: ReindexScope,
  total: Schema.Int,
  done: Schema.Int,
  startedAt: Schema.DateTimeUtc,
  finishedAt: Schema.NullOr(Schema.DateTimeUtc)
}) {}

export class SearchApi extends HttpApiGroup.make("search")
  .annotateContext(about("Full-text search of movies and series (typo-tolerant autocomplete, facets, multi-type search) and rebuilding the search index (admin)."))
  .add(
    HttpApiEndpoint.get("movies", "/search/movies").setUrlParams(SearchUrlQuery).addSuccess(MoviePage)
      .annotateContext(doc("Search movies", "Full-text search of the caller's movies (title, original title, overview, people), with browsing filters; sorted by relevance unless `sort` says otherwise."))
  )
  .add(
    HttpApiEndpoint.get("moviesAutocomplete", "/search/movies/autocomplete").setUrlParams(SuggestUrlQuery).addSuccess(Schema.Array(Suggestion))
      .annotateContext(doc("Autocomplete movie titles", "Typo-tolerant title suggestions for what the user is typing."))
  )
  .add(
    HttpApiEndpoint.get("moviesFacets", "/search/movies/facets").setUrlParams(FacetsUrlQuery).addSuccess(SearchFacets)
      .annotateContext(doc("Movie search facets", "Counts per genre, year, rating and more for a movie search, to build filters; `facets` names which."))
  )
  .add(
    HttpApiEndpoint.post("reindex", "/search/reindex").addSuccess(ReindexQueued, { status: 202 })
      .annotateContext(doc("Rebuild the movie search index", "Admin: queues a rebuild of the movie search index (202) and answers the job run to follow."))
  )
  .add(
    HttpApiEndpoint.get("reindexProgress", "/search/reindex/:jobRunId")
      .setPath(Schema.Struct({ jobRunId: Schema.String.pipe(Schema.maxLength(100)) }))
      .addSuccess(ReindexProgress)
      .addError(HttpNotFound)
      .annotateContext(doc("Get reindex progress", "Admin: the state and progress of a reindex job run."))
  )
  .add(
    HttpApiEndpoint.post("tvshowsReindex", "/search/tvshows/reindex").addSuccess(ReindexQueued, { status: 202 })
      .annotateContext(doc("Rebuild the series search index", "Admin: queues a rebuild of the series search index (202) and answers the job run to follow."))
  )
  .add(
    HttpApiEndpoint.get("tvshows", "/search/tvshows").setUrlParams(SearchUrlQuery).addSuccess(SeriesPage)
      .annotateContext(doc("Search series", "Full-text search of the caller's series, with browsing filters; sorted by relevance unless `sort` says otherwise."))
  )
  .add(
    HttpApiEndpoint.get("tvshowsAutocomplete", "/search/tvshows/autocomplete").setUrlParams(SuggestUrlQuery).addSuccess(Schema.Array(Suggestion))
      .annotateContext(doc("Autocomplete series titles", "Typo-tolerant title suggestions for what the user is typing."))
  )
  .add(
    HttpApiEndpoint.get("tvshowsFacets", "/search/tvshows/facets").setUrlParams(FacetsUrlQuery).addSuccess(SearchFacets)
      .annotateContext(doc("Series search facets", "Counts per genre, year, network, status and more for a series search."))
  )
  .add(
    HttpApiEndpoint.get("multi", "/search/multi").setUrlParams(SuggestUrlQuery).addSuccess(MultiSearchResult)
      .annotateContext(doc("Search everything", "Movies, series, episodes and people matching `q`, a few of each, for a global search box."))
  )
  .middleware(Authentication)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

const Errors = Schema.Union(BadRequest, Forbidden, Unavailable)

export class SearchRpcs extends RpcGroup.make(
  Rpc.make("SearchMovies", { payload: SearchQuery, success: MoviePage, error: Errors }),
  Rpc.make("SearchMoviesAutocomplete", { payload: SuggestQuery, success: Schema.Array(Suggestion), error: Errors }),
  Rpc.make("SearchMoviesFacets", { payload: FacetsQuery, success: SearchFacets, error: Errors }),
  Rpc.make("SearchTvShows", { payload: SearchQuery, success: SeriesPage, error: Errors }),
  Rpc.make("SearchTvShowsAutocomplete", { payload: SuggestQuery, success: Schema.Array(Suggestion), error: Errors }),
  Rpc.make("SearchTvShowsFacets", { payload: FacetsQuery, success: SearchFacets, error: Errors }),
  Rpc.make("SearchMulti", { payload: SuggestQuery, success: MultiSearchResult, error: Errors }),
  Rpc.make("SearchReindex", { payload: { scope: ReindexScope }, success: ReindexQueued, error: Errors }),
  Rpc.make("SearchReindexProgress", {
    payload: { jobRunId: Schema.String.pipe(Schema.maxLength(100)) },
    success: ReindexProgress,
    error: Schema.Union(Forbidden, NotFound, Unavailable)
  })
).middleware(RpcAuthentication) {}
