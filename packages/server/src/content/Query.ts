/** Small pieces every browsing query shares: decoding JSON answers, one-row lookups, access keys. */
import type { Statement } from "@effect/sql"
import { type DatabaseError, type LibraryId, NotFound, type Principal } from "@mediaserver/domain"
import { Effect, Schema } from "effect"
import { wrapSql } from "../db/Sql.js"
import type { Accessible, LibraryAccess } from "../library/LibraryAccess.js"

const Count = Schema.Struct({ n: Schema.Int })

/** Decodes the `j` column (a JSON object built by ContentJson) of every row. */
export const decodeJson = <A, I>(schema: Schema.Schema<A, I>, operation: string) => {
  const decode = Schema.decodeUnknown(Schema.Array(Schema.Struct({ j: schema })))
  return <E, R>(rows: Effect.Effect<ReadonlyArray<unknown>, E, R>) =>
    rows.pipe(Effect.flatMap(decode), Effect.map((decoded) => decoded.map((row) => row.j)), wrapSql(operation))
}

/** The first decoded row, if any. */
export { optionalRow as first } from "../db/Sql.js"

/** Cache keys of answers that depend on what the caller may see: users with the same access share them. */
export const accessKey = (accessible: Accessible): string => (accessible === "all" ? "all" : [...accessible].sort().join(","))

export const notFound = (what: string, id: string) => new NotFound({ message: `No ${what} ${id}` })

/** Page size and start of a listing that takes no cursor. */
export interface Paging {
  readonly limit?: number | undefined
  readonly offset?: number | undefined
}

export const DEFAULT_LIMIT = 24

export const pagingOf = (paging: Paging) => ({ limit: paging.limit ?? DEFAULT_LIMIT, offset: paging.offset ?? 0 })

/**
 * One page of `shape` (a ContentJson fragment) from `from` under `where`, newest first or as `order`
 * says, with the total: the page and the count run side by side.
 */
export const countedPage = <A, I>(
  sql: Statement.Constructor,
  options: {
    readonly shape: string
    readonly from: string
    readonly where: Statement.Fragment
    readonly order: string
    readonly schema: Schema.Schema<A, I>
    readonly paging: Paging
    readonly operation: string
  }
) => {
  const { limit, offset } = pagingOf(options.paging)
  const from = sql.literal(options.from)
  return Effect.all([
    sql`SELECT ${sql.literal(options.shape)} AS j FROM ${from} WHERE ${options.where}
        ORDER BY ${sql.literal(options.order)} LIMIT ${limit} OFFSET ${offset}`.pipe(decodeJson(options.schema, options.operation)),
    sql`SELECT json_build_object('n', count(*)) AS j FROM ${from} WHERE ${options.where}`.pipe(decodeJson(Count, `${options.operation}.count`))
  ], { concurrency: 2 }).pipe(
    Effect.map(([items, count]) => ({ items, total: count[0]?.n ?? 0, limit, offset, nextCursor: null }))
  )
}

/** A page cut from a whole list already in memory (a collection's movies, similar titles). */
export const slicePage = <A>(all: ReadonlyArray<A>, paging: Paging) => {
  const { limit, offset } = pagingOf(paging)
  return { items: all.slice(offset, offset + limit), total: all.length, limit, offset, nextCursor: null }
}

/** The item if the caller may view its library, else the same 404 as an unknown id (no existence leak). */
export const visibleTo = (access: LibraryAccess["Type"], user: Principal, what: string, id: string) =>
<A extends { readonly libraryId: LibraryId }>(item: A): Effect.Effect<A, NotFound | DatabaseError> =>
  Effect.flatMap(access.can(user, item.libraryId, "view"), (ok) => (ok ? Effect.succeed(item) : Effect.fail(notFound(what, id))))
