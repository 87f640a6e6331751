/**
 * What the benches over seeded content share: accounts on a gateway (the first one registered is the
 * admin), the seeded database with its ids, and viewers granted both seeded libraries.
 */
import { PgClient } from "@effect/sql-pg"
import { Effect, Schema } from "effect"
import { type SeedOptions, seedContent } from "@mediaserver/server/dev"
import { databaseLayer } from "@mediaserver/testkit/DatabaseLayer"
import { progress, round } from "../report.js"
import { callJson } from "./http.js"

const PASSWORD = "a benchmark passphrase"
const Ids = Schema.Array(Schema.Struct({ id: Schema.String }))

export type Headers = { readonly authorization: string }

/** Register and sign in users on the gateway at `url`. */
export const accounts = (url: string) => {
  const register = (name: string) =>
    callJson("POST", `${url}/api/v1/auth/register`, { username: name, email: `${name}@example.test`, password: PASSWORD }, Schema.Struct({ id: Schema.String }))
  const login = (name: string) =>
    Effect.map(
      callJson("POST", `${url}/api/v1/auth/login`, { username: name, password: PASSWORD }, Schema.Struct({ accessToken: Schema.String })),
      (t): Headers => ({ authorization: `Bearer ${t.accessToken}` })
    )
  /** A user with read access to every library given (granted by `admin`); answers the user's id. */
  const viewer = (admin: Headers, name: string, libraries: ReadonlyArray<string>) =>
    Effect.gen(function* () {
      const { id } = yield* register(name)
      for (const libraryId of libraries) {
        yield* callJson("POST", `${url}/api/v1/libraries/${libraryId}/permissions`, { userId: id }, Schema.Unknown, admin)
      }
      return id
    })
  return { register, login, viewer }
}

/** Seeds `databaseUrl` (then runs `extraSql` and ANALYZE) and answers the libraries and every id. */
export const seedForBench = (databaseUrl: string, options: SeedOptions, extraSql = "") =>
  Effect.gen(function* () {
    const started = Date.now()
    const sql = yield* PgClient.PgClient
    const seeded = yield* seedContent(options)
    yield* sql.unsafe(`${extraSql}; ANALYZE`)
    const movieIds = yield* Effect.flatMap(sql`SELECT id FROM movies ORDER BY id`, Schema.decodeUnknown(Ids))
    const seriesIds = yield* Effect.flatMap(sql`SELECT id FROM series ORDER BY id`, Schema.decodeUnknown(Ids))
    progress(`seeded in ${round((Date.now() - started) / 1000, 1)} s`)
    return { seeded, movieIds, seriesIds }
  }).pipe(Effect.provide(databaseLayer(databaseUrl)))
