/**
 * A fresh Postgres database per test file: created on the server named by TEST_DATABASE_URL (or
 * DATABASE_URL, else the local default), dropped WITH (FORCE) when the scope closes.
 */
import { Config, Effect, Redacted } from "effect"
import Pg from "pg"

export const adminUrl = Config.string("TEST_DATABASE_URL").pipe(
  Config.orElse(() => Config.string("DATABASE_URL")),
  Config.withDefault("postgres://postgres@127.0.0.1:5432/postgres")
)

const admin = <A>(url: string, f: (client: Pg.Client) => Promise<A>) =>
  Effect.promise(async () => {
    const client = new Pg.Client({ connectionString: url })
    await client.connect()
    try {
      return await f(client)
    } finally {
      await client.end()
    }
  })

export interface TestDatabase {
  readonly name: string
  readonly url: Redacted.Redacted<string>
}

/** `template`: a database to copy (see MigratedDatabase.ts); none: an empty one. */
export const freshDatabase = (label = "t", template?: string): Effect.Effect<TestDatabase, never, import("effect").Scope.Scope> =>
  Effect.gen(function* () {
    const base = yield* Effect.orDie(adminUrl)
    const name = `ms_${label.replace(/[^a-z0-9]/gi, "_").toLowerCase()}_${process.pid}_${Date.now().toString(36)}_${
      Math.random().toString(36).slice(2, 8)
    }`
    yield* Effect.acquireRelease(
      admin(base, (c) => c.query(template === undefined ? `CREATE DATABASE "${name}"` : `CREATE DATABASE "${name}" TEMPLATE "${template}"`)),
      () => admin(base, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))
    )
    const url = new URL(base)
    url.pathname = `/${name}`
    return { name, url: Redacted.make(url.toString()) }
  })

/** A Redis key prefix unique to this test file, so parallel files never see each other's keys. */
export const redisPrefix = (label = "t") => `test:${label}:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`

export const redisUrl = Config.string("TEST_REDIS_URL").pipe(
  Config.orElse(() => Config.string("REDIS_URL")),
  Config.withDefault("redis://127.0.0.1:6379")
)

/** Rows of one query on a test database (to look at what is stored). */
export const queryRows = (url: Redacted.Redacted<string>, text: string): Effect.Effect<ReadonlyArray<unknown>> =>
  Effect.map(admin(Redacted.value(url), (c) => c.query(text)), (result) => result.rows)
