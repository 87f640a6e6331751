/**
 * The one place where SQL failures of repositories become domain errors: unique
 * violations named in `unique` become 409 Conflict naming the field, everything else DatabaseError.
 * Rows are decoded with a Schema, so a schema drift is a DatabaseError too, never a bad value.
 */
import { type SqlClient, SqlError, type Statement } from "@effect/sql"
import { Conflict, DatabaseError } from "@mediaserver/domain"
import { Array, Effect, Option, ParseResult, Predicate, Schema } from "effect"

type SqlFailure = SqlError.SqlError | ParseResult.ParseError

const isSqlFailure = <E>(e: E): e is Extract<E, SqlFailure> =>
  e instanceof SqlError.SqlError || ParseResult.isParseError(e)

/** The constraint of a Postgres unique violation (SQLSTATE 23505), if that is what failed. */
const uniqueConstraint = (error: SqlFailure): Option.Option<string> => {
  if (!(error instanceof SqlError.SqlError)) return Option.none()
  const cause = error.cause
  return Predicate.hasProperty(cause, "code") && cause.code === "23505" &&
      Predicate.hasProperty(cause, "constraint") && typeof cause.constraint === "string"
    ? Option.some(cause.constraint)
    : Option.none()
}

const toDatabaseError = (operation: string, error: SqlFailure) =>
  new DatabaseError({ operation, message: error.message })

/** Wraps SQL and decode failures of `operation` into DatabaseError. */
export const wrapSql = (operation: string) =>
<A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, Exclude<E, Extract<E, SqlFailure>> | DatabaseError, R> =>
  Effect.catchIf(self, isSqlFailure, (error) => Effect.fail(toDatabaseError(operation, error)))

/** As `wrapSql`, and a violation of a listed unique constraint (constraint -> field) is a Conflict. */
export const wrapSqlUnique = (operation: string, unique: Readonly<Record<string, string>>) =>
<A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, Exclude<E, Extract<E, SqlFailure>> | DatabaseError | Conflict, R> =>
  Effect.catchIf(self, isSqlFailure, (error): Effect.Effect<never, DatabaseError | Conflict> => {
    const field = Option.flatMap(uniqueConstraint(error), (name) => Option.fromNullable(unique[name]))
    return Option.isSome(field)
      ? Effect.fail(new Conflict({ message: `${field.value} is already taken`, details: { field: field.value } }))
      : Effect.fail(toDatabaseError(operation, error))
  })

/** Decodes query rows with a schema (failures are wrapped by the caller's `wrapSql`). */
export const decodeRows = <A, I>(schema: Schema.Schema<A, I>) => Schema.decodeUnknown(Schema.Array(schema))

/** The first row of a statement that always returns one (INSERT ... RETURNING); none is a DatabaseError. */
export const firstRow = (operation: string) => <A>(rows: ReadonlyArray<A>): Effect.Effect<A, DatabaseError> =>
  Option.match(Array.head(rows), {
    onNone: () => Effect.fail(new DatabaseError({ operation, message: "no row returned" })),
    onSome: Effect.succeed
  })

/** The first row of a statement that returns at most one (a lookup by key). */
export const optionalRow = <A>(rows: ReadonlyArray<A>): Option.Option<A> => Option.fromNullable(rows[0])

/**
 * A JSON parameter, written `${jsonb(value)}::jsonb`. (`sql.json` hands arrays to the pg driver, which
 * sends them as Postgres array literals, not JSON.)
 */
export const jsonb = (value: unknown): string => JSON.stringify(value) ?? "null"

/**
 * Repeats a batch (a statement deleting at most `batchSize` rows and answering how many it deleted)
 * until one comes back short; the total. Each batch is its own short statement, so a large cleanup
 * never holds many row locks or one long transaction.
 */
export const drainBatches = <E, R>(batch: Effect.Effect<number, E, R>, batchSize: number): Effect.Effect<number, E, R> =>
  Effect.gen(function* () {
    let total = 0
    for (;;) {
      const deleted = yield* batch
      total += deleted
      if (deleted < batchSize) return total
    }
  })

const decodeCount = decodeRows(Schema.Struct({ n: Schema.Number }))

/**
 * Deletes the rows of `table` that `where` selects, `batchSize` per statement (keyed by `key`), until
 * none is left; how many went.
 */
export const deleteInBatches = (
  sql: SqlClient.SqlClient,
  options: {
    readonly operation: string
    readonly table: string
    readonly key: string
    readonly where: Statement.Fragment
    readonly batchSize: number
  }
): Effect.Effect<number, DatabaseError> => {
  const { batchSize, key, table, where } = options
  const batch = sql`
    WITH doomed AS (
      DELETE FROM ${sql(table)} WHERE ${sql(key)} IN (SELECT ${sql(key)} FROM ${sql(table)} WHERE ${where} LIMIT ${batchSize})
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM doomed
  `.pipe(Effect.flatMap(decodeCount), Effect.map((rows) => rows[0]?.n ?? 0), wrapSql(options.operation))
  return drainBatches(batch, batchSize)
}
