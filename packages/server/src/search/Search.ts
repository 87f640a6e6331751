/**
 * Search over the documents the database keeps beside the content (migration 0050): ranked pages of
 * movies and series with the browsing filters, facets, autocomplete and one query over every kind.
 * Every statement runs with a statement timeout and a bounded candidate set (the best CANDIDATES
 * matches), and every answer is filtered by the caller's library access, counts included. Answers
 * are cached per access set and query, tagged by the libraries they cover (ContentCache).
 */
import type { Statement } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import {
  type BadRequest,
  type DatabaseError,
  Episode,
  FACET_NAMES,
  type FacetName,
  type FacetsQuery,
  type ListQuery,
  MoviePage,
  MovieSummary,
  MultiSearchResult,
  PersonHit,
  type Principal,
  type SearchQuery,
  SearchFacets,
  SeriesPage,
  SeriesSummary,
  Suggestion,
  type SuggestQuery
} from "@mediaserver/domain"
import { Context, Effect, Layer, Schema } from "effect"
import { CacheAside } from "../cache/index.js"
import * as J from "../content/ContentJson.js"
import { searchTags } from "../content/ContentCache.js"
import { accessFilter, type Listing, listing, type Table } from "../content/Listing.js"
import { accessKey } from "../content/Query.js"
import { decodeRows, wrapSql } from "../db/Sql.js"
import { type Accessible, LibraryAccess } from "../library/LibraryAccess.js"
import { match, type Match } from "./Match.js"
import { facetQueries } from "./Facets.js"

/** The most matches a query considers (ranked first): pages, totals and facets cover these. */
export const CANDIDATES = 1000
const STATEMENT_TIMEOUT_MS = 3000
/** Below pg_trgm's default (0.6): one wrong letter in a 7-letter word ("spirted") scores about 0.55. */
const WORD_SIMILARITY = 0.5
const DEFAULT_SUGGESTIONS = 10
const DEFAULT_MULTI = 5

export type SearchTable = Table

/** A table of search documents: its key column, and whether it has a library (people have none). */
interface DocSpec {
  readonly docs: string
  readonly key: string
  readonly library: boolean
}
interface TableSpec extends DocSpec {
  readonly a: string
  readonly shape: string
  readonly kind: "movie" | "series"
}
const specs: Readonly<Record<SearchTable, TableSpec>> = {
  movies: { a: "m", docs: "search_movies", key: "movie_id", library: true, shape: J.movieSummary, kind: "movie" },
  series: { a: "s", docs: "search_series", key: "series_id", library: true, shape: J.seriesSummary, kind: "series" }
}
const episodeDocs: DocSpec = { docs: "search_episodes", key: "episode_id", library: true }
const peopleDocs: DocSpec = { docs: "search_people", key: "person_id", library: false }
/** A cached answer is the query's for one access set, and is dropped when one of its libraries changes. */
interface SearchKey {
  readonly accessible: Accessible
  readonly query: unknown
}
/** Filters over the content table a candidate joins (`a`: its alias in `where`). */
interface Filter {
  readonly table: SearchTable
  readonly a: string
  readonly where: Statement.Fragment
}
/**
 * The most matches an autocomplete or one kind of `multi` ranks: enough that titles starting with
 * the query (the first tier) are all among them, few enough that a common word costs little.
 */
const FEW_CANDIDATES = 200

const Json = <A, I>(schema: Schema.Schema<A, I>) => decodeRows(Schema.Struct({ j: schema }))
const PageJson = <A, I>(item: Schema.Schema<A, I>) => Schema.Struct({ total: Schema.Int, items: Schema.Array(item) })
const MultiJson = Schema.Struct({
  movies: Schema.Array(MovieSummary),
  series: Schema.Array(SeriesSummary),
  episodes: Schema.Array(Episode),
  people: Schema.Array(PersonHit)
})
const Configs = Schema.Struct({ c: Schema.Array(Schema.String) })

/** The filters of a search as a browsing listing takes them (relevance is not a listing sort). */
const asListQuery = (query: SearchQuery): ListQuery => ({
  ...(query.limit === undefined ? {} : { limit: query.limit }),
  ...(query.offset === undefined ? {} : { offset: query.offset }),
  ...(query.sort === undefined || query.sort === "relevance" ? {} : { sort: query.sort }),
  ...(query.order === undefined ? {} : { order: query.order }),
  ...(query.genre === undefined ? {} : { genre: query.genre }),
  ...(query.yearFrom === undefined ? {} : { yearFrom: query.yearFrom }),
  ...(query.yearTo === undefined ? {} : { yearTo: query.yearTo }),
  ...(query.minRating === undefined ? {} : { minRating: query.minRating }),
  ...(query.network === undefined ? {} : { network: query.network }),
  ...(query.status === undefined ? {} : { status: query.status }),
  ...(query.libraryId === undefined ? {} : { libraryId: query.libraryId })
})

export class Search extends Context.Tag("@mediaserver/search/Search")<
  Search,
  {
    readonly movies: (user: Principal, query: SearchQuery) => Effect.Effect<MoviePage, BadRequest | DatabaseError>
    readonly series: (user: Principal, query: SearchQuery) => Effect.Effect<SeriesPage, BadRequest | DatabaseError>
    readonly facets: (user: Principal, table: SearchTable, query: FacetsQuery) => Effect.Effect<SearchFacets, BadRequest | DatabaseError>
    readonly suggest: (user: Principal, table: SearchTable, query: SuggestQuery) => Effect.Effect<ReadonlyArray<Suggestion>, DatabaseError>
    readonly multi: (user: Principal, query: SuggestQuery) => Effect.Effect<MultiSearchResult, BadRequest | DatabaseError>
  }
>() {
  static readonly layer = Layer.scoped(
    Search,
    Effect.gen(function* () {
      const sql = yield* PgClient.PgClient
      const access = yield* LibraryAccess
      const cached = <A, I>(namespace: string, schema: Schema.Schema<A, I>) =>
        CacheAside.make({
          namespace,
          schema,
          ttl: { l1: "30 seconds", l2: "5 minutes" },
          key: (k: SearchKey) => JSON.stringify({ access: accessKey(k.accessible), query: k.query }),
          tags: (k: SearchKey) => searchTags(k.accessible)
        })
      const caches = {
        movies: yield* cached("search-movies", MoviePage),
        series: yield* cached("search-series", SeriesPage),
        facets: yield* cached("search-facets", SearchFacets),
        suggest: yield* cached("search-suggest", Schema.Array(Suggestion)),
        multi: yield* cached("search-multi", MultiSearchResult)
      }

      /**
       * One bounded transaction: a timeout, index scans preferred over full scans, and the libraries'
       * text configurations, all in one round trip before the query (settings are local to it).
       */
      const bounded = <A, E, R>(operation: string, effect: (m: (q: string) => Match) => Effect.Effect<A, E, R>) =>
        Effect.gen(function* () {
          const setup = yield* sql`
            SELECT set_config('statement_timeout', ${String(STATEMENT_TIMEOUT_MS)}, true), set_config('enable_seqscan', 'off', true),
              set_config('pg_trgm.word_similarity_threshold', ${String(WORD_SIMILARITY)}, true),
              coalesce((SELECT array_agg(DISTINCT search_config(language)::text) FROM libraries), '{}') AS c
          `.pipe(Effect.flatMap(decodeRows(Configs)))
          const configs = setup[0]?.c ?? []
          return yield* effect((q) => match(sql, q, configs))
        }).pipe(sql.withTransaction, wrapSql(`search.${operation}`))

      /**
       * The ids and scores of at most `cap` matches in the tiers of Match.ts: titles starting with
       * the query, then other matches as typed, and typo matches only when those found nothing.
       * Filters (a listing's WHERE over `table`) apply before the cap; scores are computed only for
       * the rows kept. Each tier matches documents on their own indexes first (`OFFSET 0` keeps the
       * planner from folding the match into the join: joined first, a whole table was filtered).
       */
      const candidates = (d: DocSpec, m: Match, accessible: Accessible, filter: Filter | null, cap: number) => {
        const visible = d.library ? accessFilter(sql, "d.library_id", accessible) : sql`true`
        const tier = (condition: Statement.Fragment) => {
          const ids = sql`SELECT ${sql.literal(`d.${d.key}`)} AS id FROM ${sql.literal(`${d.docs} d`)} WHERE ${visible} AND ${condition} OFFSET 0`
          return filter === null
            ? ids
            : sql`SELECT x.id FROM (${ids}) x JOIN ${sql.literal(`${filter.table} ${filter.a}`)} ON ${sql.literal(filter.a)}.id = x.id WHERE ${filter.where}`
        }
        const typed = m.exact === null
          ? sql`(${tier(m.prefix)}) LIMIT ${cap}`
          : sql`(${tier(m.prefix)}) UNION ALL (${tier(sql`${m.exact} AND NOT ${m.prefix}`)}) LIMIT ${cap}`
        const typos = m.similar === null ? sql`` : sql`
          UNION ALL (SELECT id FROM (${tier(sql`${m.similar} AND NOT EXISTS (SELECT 1 FROM c)`)}) t LIMIT ${cap})`
        return sql`
          WITH c AS MATERIALIZED (${typed})
          SELECT y.id, ${m.score} AS score FROM (SELECT id FROM c ${typos}) y
          JOIN ${sql.literal(`${d.docs} d`)} ON ${sql.literal(`d.${d.key}`)} = y.id
        `
      }

      /** The best matches under the listing's filters, best first. */
      const hits = (table: SearchTable, m: Match, accessible: Accessible, where: Statement.Fragment) => {
        const s = specs[table]
        return sql`
          SELECT h.id, h.score FROM (${candidates(s, m, accessible, { table, a: s.a, where }, CANDIDATES)}) h
          ORDER BY h.score DESC, h.id
        `
      }

      /** One page of ranked matches and their total, as one JSON value `j` ({ total, items }). */
      const pageStatement = (table: SearchTable, l: Listing, relevance: boolean, m: Match, accessible: Accessible) => {
        const s = specs[table]
        const order = relevance ? sql.literal(`h.score DESC, ${s.a}.id`) : l.orderBy
        return sql`
          WITH h AS MATERIALIZED (${hits(table, m, accessible, l.where)}),
          p AS (
            SELECT h.id, row_number() OVER (ORDER BY ${order}) AS rn FROM h JOIN ${sql.literal(`${table} ${s.a}`)} ON ${sql.literal(s.a)}.id = h.id
            ORDER BY ${order} LIMIT ${l.limit} OFFSET ${l.offset}
          )
          SELECT json_build_object('total', (SELECT count(*) FROM h),
            'items', coalesce((SELECT json_agg(${sql.literal(s.shape)} ORDER BY p.rn) FROM p JOIN ${sql.literal(`${table} ${s.a}`)} ON ${sql.literal(s.a)}.id = p.id), '[]'::json)) AS j
        `
      }

      const page = <A, I>(table: SearchTable, item: Schema.Schema<A, I>) => (user: Principal, query: SearchQuery, accessible: Accessible) =>
        Effect.gen(function* () {
          const l = yield* listing(sql, table, specs[table].a, asListQuery(query), user.userId, accessible)
          const relevance = query.sort === undefined || query.sort === "relevance"
          const found = yield* bounded(`${table}.page`, (mk) =>
            pageStatement(table, l, relevance, mk(query.q), accessible).pipe(Effect.flatMap(Json(PageJson(item)))))
          const result = found[0]?.j ?? { total: 0, items: [] }
          return { items: result.items, total: result.total, limit: l.limit, offset: l.offset, nextCursor: null }
        })
      const moviePage = page("movies", MovieSummary)
      const seriesPage = page("series", SeriesSummary)

      const facets = (user: Principal, table: SearchTable, query: FacetsQuery, accessible: Accessible) =>
        Effect.gen(function* () {
          const s = specs[table]
          const l = yield* listing(sql, table, s.a, asListQuery(query), user.userId, accessible)
          const wanted = new Set<FacetName>(query.facets ?? FACET_NAMES)
          const parts = facetQueries(sql, table, s.a)
          const found = yield* bounded(`${table}.facets`, (mk) =>
            sql`
              WITH h AS MATERIALIZED (${hits(table, mk(query.q), accessible, l.where)})
              SELECT json_build_object('total', (SELECT count(*) FROM h),
                ${sql.csv(FACET_NAMES.map((name) => sql`${name}::text, ${wanted.has(name) ? parts[name] : sql`'[]'::json`}`))}) AS j
            `.pipe(Effect.flatMap(Json(SearchFacets))))
          return found[0]?.j ?? new SearchFacets({ total: 0, genres: [], years: [], decades: [], ratings: [], status: [], companies: [], libraries: [] })
        })

      const suggestions = (table: SearchTable, accessible: Accessible, limit: number, m: Match) => {
        const s = specs[table]
        return sql`
          SELECT json_build_object('kind', ${s.kind}::text, 'id', ${sql.literal(s.a)}.id, 'title', ${sql.literal(s.a)}.title,
            'year', ${sql.literal(s.a)}.year, 'subtitle', NULL) AS j
          FROM (${candidates(s, m, accessible, null, FEW_CANDIDATES)}) x
          JOIN ${sql.literal(`${table} ${s.a}`)} ON ${sql.literal(s.a)}.id = x.id
          ORDER BY x.score DESC, ${sql.literal(s.a)}.sort_title, ${sql.literal(s.a)}.id LIMIT ${limit}
        `.pipe(Effect.flatMap(Json(Suggestion)), Effect.map((rows) => rows.map((r) => r.j)))
      }

      // People are visible through a credit on something the caller may see (`x` is a matched person).
      const personVisible = (accessible: Accessible) =>
        accessible === "all" ? sql`true` : sql`EXISTS (
          SELECT 1 FROM credits c
          LEFT JOIN movies cm ON cm.id = c.movie_id
          LEFT JOIN series cs ON cs.id = c.series_id
          LEFT JOIN episodes ce ON ce.id = c.episode_id
          LEFT JOIN series ces ON ces.id = ce.series_id
          WHERE c.person_id = x.id AND ${accessFilter(sql, "coalesce(cm.library_id, cs.library_id, ces.library_id)", accessible)})`

      /** The `limit` best candidates of `docs`, best first (`x.id`, `x.score`), to be shaped after the limit. */
      const top = (docs: DocSpec, m: Match, accessible: Accessible, limit: number) =>
        sql`SELECT c.id, c.score FROM (${candidates(docs, m, accessible, null, FEW_CANDIDATES)}) c ORDER BY c.score DESC, c.id LIMIT ${limit}`

      /**
       * Every kind in one statement (one round trip), each ranked over its few best candidates and
       * shaped after the limit (shaped before it, the planner hashed every file of the library to
       * answer an episode's `hasFile` for rows it then dropped). People are checked for visibility
       * in rank order, stopping at `limit` visible ones: the sorted subquery (`OFFSET 0` keeps the
       * check out of it) feeds the LIMIT without a second sort.
       */
      const multiStatement = (m: Match, accessible: Accessible, limit: number) => sql`
        SELECT
          (SELECT coalesce(json_agg(${sql.literal(J.movieSummary)} ORDER BY x.score DESC, x.id), '[]'::json)
            FROM (${top(specs.movies, m, accessible, limit)}) x JOIN movies m ON m.id = x.id) AS movies,
          (SELECT coalesce(json_agg(${sql.literal(J.seriesSummary)} ORDER BY x.score DESC, x.id), '[]'::json)
            FROM (${top(specs.series, m, accessible, limit)}) x JOIN series s ON s.id = x.id) AS series,
          (SELECT coalesce(json_agg(${sql.literal(J.episode)} ORDER BY x.score DESC, x.id), '[]'::json)
            FROM (${top(episodeDocs, m, accessible, limit)}) x JOIN episodes e ON e.id = x.id JOIN series s ON s.id = e.series_id) AS episodes,
          (SELECT coalesce(json_agg(json_build_object('id', y.id, 'name', y.name, 'knownForDepartment', y.known_for_department,
              'profilePath', y.profile_path) ORDER BY y.score DESC, y.popularity DESC, y.id), '[]'::json) FROM (
            SELECT x.* FROM (
              SELECT p.id, p.name, p.known_for_department, p.profile_path, c.score, coalesce(p.popularity, 0) AS popularity
              FROM (${candidates(peopleDocs, m, accessible, null, FEW_CANDIDATES)}) c JOIN people p ON p.id = c.id
              ORDER BY c.score DESC, popularity DESC, p.id OFFSET 0
            ) x
            WHERE ${personVisible(accessible)}
            ORDER BY x.score DESC, x.popularity DESC, x.id LIMIT ${limit}
          ) y) AS people
      `

      const multi = (query: SuggestQuery, accessible: Accessible) =>
        Effect.gen(function* () {
          const found = yield* bounded("multi", (mk) =>
            multiStatement(mk(query.q), accessible, query.limit ?? DEFAULT_MULTI).pipe(Effect.flatMap(decodeRows(MultiJson))))
          const row = found[0]
          return new MultiSearchResult({
            movies: row?.movies ?? [],
            series: row?.series ?? [],
            episodes: row?.episodes ?? [],
            people: row?.people ?? []
          })
        })

      /** The caller's access, asked once: it keys the cache and filters the lookup. */
      const keyed = <A, E>(
        cache: { readonly get: <E2, R>(k: SearchKey, lookup: Effect.Effect<A, E2, R>) => Effect.Effect<A, E2, R> },
        user: Principal,
        query: unknown,
        lookup: (accessible: Accessible) => Effect.Effect<A, E>
      ) => Effect.flatMap(access.accessible(user), (accessible) => cache.get({ accessible, query }, lookup(accessible)))

      return {
        movies: (user, query) => keyed(caches.movies, user, query, (a) => Effect.map(moviePage(user, query, a), (p) => new MoviePage(p))),
        series: (user, query) => keyed(caches.series, user, query, (a) => Effect.map(seriesPage(user, query, a), (p) => new SeriesPage(p))),
        facets: (user, table, query) => keyed(caches.facets, user, { table, ...query }, (a) => facets(user, table, query, a)),
        suggest: (user, table, query) =>
          keyed(caches.suggest, user, { table, ...query }, (a) =>
            bounded(`${table}.suggest`, (m) => suggestions(table, a, query.limit ?? DEFAULT_SUGGESTIONS, m(query.q)))),
        multi: (user, query) => keyed(caches.multi, user, query, (a) => multi(query, a))
      }
    })
  )
}
