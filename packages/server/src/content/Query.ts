/** Small pieces every browsing query shares: decoding JSON answers, one-row lookups, access keys. */
import { NotFound } from "@mediaserver/domain"
import { Effect, Option, Schema } from "effect"
import { wrapSql } from "../db/Sql.js"
import type { Accessible } from "../library/LibraryAccess.js"

/** Decodes the `j` column (a JSON object built by ContentJson) of every row. */
export const decodeJson = <A, I>(schema: Schema.Schema<A, I>, operation: string) => {
  const decode = Schema.decodeUnknown(Schema.Array(Schema.Struct({ j: schema })))
  return <E, R>(rows: Effect.Effect<ReadonlyArray<unknown>, E, R>) =>
    rows.pipe(Effect.flatMap(decode), Effect.map((decoded) => decoded.map((row) => row.j)), wrapSql(operation))
}

/** The first decoded row, if any. */
export const first = <A>(rows: ReadonlyArray<A>): Option.Option<A> => Option.fromNullable(rows[0])

/** Cache keys of answers that depend on what the caller may see: users with the same access share them. */
export const accessKey = (accessible: Accessible): string => (accessible === "all" ? "all" : [...accessible].sort().join(","))

export const notFound = (what: string, id: string) => new NotFound({ message: `No ${what} ${id}` })
