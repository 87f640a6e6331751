/**
 * Listing queries of movies and series: access filter, the filters of `ListQuery`, a whitelisted
 * sort and keyset cursors. Sort expressions never yield NULL (coalesced), so `(key, id)` orders every
 * row totally and a cursor continues exactly after the last row it saw, whatever was inserted since.
 */
import type { Statement } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { BadRequest, type DatabaseError, type ListQuery, type Principal, type SortField, type SortOrder, type UserId } from "@mediaserver/domain"
import { Effect, Either, Schema } from "effect"
import { CacheAside } from "../cache/index.js"
import { decodeRows, wrapSql } from "../db/Sql.js"
import { type Accessible, LibraryAccess } from "../library/LibraryAccess.js"
import { accessKey, DEFAULT_LIMIT } from "./Query.js"
import { watchTag } from "./UserProgress.js"

export type Table = "movies" | "series"

interface SortSpec {
  readonly expr: (alias: string) => string
  readonly cast: string
  readonly order: SortOrder
}

const sortSpecs = (table: Table): Readonly<Record<SortField, SortSpec>> => ({
  title: { expr: (a) => `${a}.sort_title`, cast: "text", order: "asc" },
  year: { expr: (a) => `coalesce(${a}.year, 0)`, cast: "int", order: "desc" },
  added: { expr: (a) => `${a}.added_at`, cast: "timestamptz", order: "desc" },
  rating: { expr: (a) => `coalesce(${a}.rating, -1)`, cast: "float8", order: "desc" },
  release_date: {
    expr: (a) => `coalesce(${a}.${table === "movies" ? "release_date" : "first_air_date"}, '0001-01-01'::date)`,
    cast: "date",
    order: "desc"
  },
  runtime: {
    expr: (a) => `coalesce(${a}.${table === "movies" ? "runtime_minutes" : "episode_runtime_minutes"}, 0)`,
    cast: "int",
    order: "asc"
  }
})

const Cursor = Schema.parseJson(Schema.Tuple(Schema.String, Schema.String, Schema.String, Schema.UUID))

const badCursor = () => new BadRequest({ message: "cursor is not valid for this listing", details: { field: "cursor" } })

export const encodeCursor = (sort: SortField, order: SortOrder, key: string, id: string): string =>
  Buffer.from(JSON.stringify([sort, order, key, id])).toString("base64url")

const decodeCursor = (raw: string, sort: SortField, order: SortOrder) =>
  Either.match(Schema.decodeUnknownEither(Cursor)(Buffer.from(raw, "base64url").toString("utf8")), {
    onLeft: () => Effect.fail(badCursor()),
    onRight: ([s, o, key, id]) => (s === sort && o === order ? Effect.succeed({ key, id }) : Effect.fail(badCursor()))
  })

/** `%q%` for ILIKE, with the user's wildcards taken literally. */
export const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

export const accessFilter = (sql: Statement.Constructor, column: string, accessible: Accessible): Statement.Fragment =>
  accessible === "all"
    ? sql.literal("true")
    : accessible.length === 0
    ? sql.literal("false")
    : sql`${sql.literal(column)} IN ${sql.in(accessible)}`

export interface Listing {
  /** The WHERE clause without the cursor (for counting). */
  readonly where: Statement.Fragment
  /** The WHERE clause with the cursor. */
  readonly pageWhere: Statement.Fragment
  readonly orderBy: Statement.Fragment
  readonly sortKey: Statement.Fragment
  readonly limit: number
  readonly offset: number
  readonly sort: SortField
  readonly order: SortOrder
}

/** Builds the clauses of a listing of `table` (aliased `a`) for `user` seeing `accessible`. */
export const listing = (
  sql: Statement.Constructor,
  table: Table,
  a: string,
  query: ListQuery,
  user: UserId,
  accessible: Accessible
): Effect.Effect<Listing, BadRequest> =>
  Effect.gen(function* () {
    const sort = query.sort ?? "title"
    const spec = sortSpecs(table)[sort]
    const order = query.order ?? spec.order
    const expr = spec.expr(a)
    const genreJoin = table === "movies" ? "movie_genres" : "series_genres"
    const key = table === "movies" ? "movie_id" : "series_id"
    const clauses: Array<Statement.Fragment> = [accessFilter(sql, `${a}.library_id`, accessible)]
    if (query.libraryId !== undefined) clauses.push(sql`${sql.literal(`${a}.library_id`)} = ${query.libraryId}`)
    if (query.genre !== undefined) {
      clauses.push(sql`EXISTS (SELECT 1 FROM ${sql.literal(genreJoin)} j JOIN genres g ON g.id = j.genre_id
        WHERE j.${sql.literal(key)} = ${sql.literal(`${a}.id`)} AND (lower(g.name) = lower(${query.genre}) OR g.id::text = ${query.genre}))`)
    }
    if (query.network !== undefined) {
      const join = table === "movies" ? "movie_studios" : "series_networks"
      clauses.push(sql`EXISTS (SELECT 1 FROM ${sql.literal(join)} j JOIN companies co ON co.id = j.company_id
        WHERE j.${sql.literal(key)} = ${sql.literal(`${a}.id`)} AND (lower(co.name) = lower(${query.network}) OR co.id::text = ${query.network}))`)
    }
    if (query.yearFrom !== undefined) clauses.push(sql`${sql.literal(`${a}.year`)} >= ${query.yearFrom}`)
    if (query.yearTo !== undefined) clauses.push(sql`${sql.literal(`${a}.year`)} <= ${query.yearTo}`)
    if (query.minRating !== undefined) clauses.push(sql`${sql.literal(`${a}.rating`)} >= ${query.minRating}`)
    if (query.status !== undefined) clauses.push(sql`lower(${sql.literal(`${a}.status`)}) = lower(${query.status})`)
    if (query.q !== undefined) clauses.push(sql`${sql.literal(`${a}.title`)} ILIKE ${likePattern(query.q)}`)
    if (query.watched !== undefined) {
      const watched = table === "movies"
        ? sql`EXISTS (SELECT 1 FROM watch_state w WHERE w.user_id = ${user} AND w.movie_id = ${sql.literal(`${a}.id`)} AND w.watched)`
        : sql`(EXISTS (SELECT 1 FROM episodes x WHERE x.series_id = ${sql.literal(`${a}.id`)} AND x.season_number > 0)
            AND NOT EXISTS (SELECT 1 FROM episodes x WHERE x.series_id = ${sql.literal(`${a}.id`)} AND x.season_number > 0
              AND NOT EXISTS (SELECT 1 FROM watch_state w WHERE w.user_id = ${user} AND w.episode_id = x.id AND w.watched)))`
      clauses.push(query.watched ? watched : sql`NOT ${watched}`)
    }
    if (query.cursor !== undefined && query.offset !== undefined && query.offset > 0) {
      return yield* new BadRequest({ message: "use either cursor or offset", details: { field: "cursor" } })
    }
    const where = sql.and(clauses)
    const dir = order === "asc" ? ">" : "<"
    const pageWhere = query.cursor === undefined
      ? where
      : yield* Effect.map(decodeCursor(query.cursor, sort, order), ({ key: k, id }) =>
        sql.and([
          ...clauses,
          sql`(${sql.literal(expr)}, ${sql.literal(`${a}.id`)}) ${sql.literal(dir)} (${k}::${sql.literal(spec.cast)}, ${id}::uuid)`
        ]))
    const direction = order === "asc" ? "ASC" : "DESC"
    return {
      where,
      pageWhere,
      orderBy: sql.literal(`${expr} ${direction}, ${a}.id ${direction}`),
      sortKey: sql.literal(`(${expr})::text`),
      limit: query.limit ?? DEFAULT_LIMIT,
      offset: query.cursor === undefined ? query.offset ?? 0 : 0,
      sort,
      order
    }
  })

export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly total: number
  readonly limit: number
  readonly offset: number
  readonly nextCursor: string | null
}

/**
 * One page of `shape` (a ContentJson fragment) from `from` (table and alias `a`, joins allowed) under
 * the listing's clauses, with the total and the cursor after its last row.
 */
export const fetchPage = <A, I>(
  sql: Statement.Constructor,
  options: {
    readonly from: string
    readonly a: string
    readonly shape: string
    readonly schema: Schema.Schema<A, I>
    readonly listing: Listing
    /** Ranks before the listing's order (search relevance). */
    readonly rank?: Statement.Fragment
    readonly operation: string
  }
): Effect.Effect<Page<A>, DatabaseError> => {
  const l = options.listing
  const Row = Schema.Struct({ j: options.schema, k: Schema.String, id: Schema.String })
  const order = options.rank === undefined ? l.orderBy : sql`${options.rank}, ${l.orderBy}`
  const rows = sql`
    SELECT ${sql.literal(options.shape)} AS j, ${l.sortKey} AS k, ${sql.literal(options.a)}.id::text AS id
    FROM ${sql.literal(options.from)} WHERE ${l.pageWhere} ORDER BY ${order} LIMIT ${l.limit} OFFSET ${l.offset}
  `.pipe(Effect.flatMap(decodeRows(Row)))
  const total = sql`SELECT count(*)::int AS n FROM ${sql.literal(options.from)} WHERE ${l.where}`.pipe(
    Effect.flatMap(decodeRows(Schema.Struct({ n: Schema.Number }))),
    Effect.map((r) => r[0]?.n ?? 0)
  )
  return Effect.all([rows, total], { concurrency: 2 }).pipe(
    Effect.map(([found, n]) => {
      const last = found[found.length - 1]
      return {
        items: found.map((r) => r.j),
        total: n,
        limit: l.limit,
        offset: l.offset,
        // A ranked (search) order has no keyset; such pages continue by offset.
        nextCursor: last !== undefined && found.length === l.limit && options.rank === undefined
          ? encodeCursor(l.sort, l.order, last.k, last.id)
          : null
      }
    }),
    wrapSql(options.operation)
  )
}

/**
 * A cached listing of `table` (movies or series): pages are cached per access set and query (and per
 * user when filtered by watch state, tagged `watch:<user>`), in `namespace`.
 */
export const makeLister = <A, I, P, PI>(options: {
  readonly namespace: string
  readonly table: Table
  readonly shape: string
  readonly schema: Schema.Schema<A, I>
  readonly pageSchema: Schema.Schema<P, PI>
  readonly toPage: (page: Page<A>) => P
}) =>
  Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    const access = yield* LibraryAccess
    const a = options.table === "movies" ? "m" : "s"
    const pages = yield* CacheAside.make({
      namespace: options.namespace,
      schema: options.pageSchema,
      ttl: { l1: "30 seconds", l2: "5 minutes" },
      key: (k: { readonly access: string; readonly user: string | null; readonly query: ListQuery }) => JSON.stringify(k),
      tags: (k) => (k.user === null ? [] : [watchTag(k.user)])
    })
    return (user: Principal, query: ListQuery): Effect.Effect<P, BadRequest | DatabaseError> =>
      Effect.gen(function* () {
        const accessible = yield* access.accessible(user)
        const key = { access: accessKey(accessible), user: query.watched === undefined ? null : user.userId, query }
        return yield* pages.get(
          key,
          Effect.flatMap(listing(sql, options.table, a, query, user.userId, accessible), (l) =>
            fetchPage(sql, {
              from: `${options.table} ${a}`,
              a,
              shape: options.shape,
              schema: options.schema,
              listing: l,
              // Search without an explicit sort ranks by title similarity.
              ...(query.q !== undefined && query.sort === undefined ? { rank: sql`similarity(${sql.literal(`${a}.title`)}, ${query.q}) DESC` } : {}),
              operation: `${options.table}.list`
            })).pipe(Effect.map(options.toPage))
        )
      })
  })
