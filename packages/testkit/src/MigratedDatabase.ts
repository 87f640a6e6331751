/**
 * A fresh database with every migration already applied, copied from a template (CREATE DATABASE ...
 * TEMPLATE) instead of migrated again: a test server's start-up then finds nothing to apply. The
 * template is named by the migrations' checksums, so a changed migration set builds a new one; it is
 * built once, by whichever test process gets the advisory lock first, under a temporary name and then
 * renamed, so no process ever copies a half-migrated template.
 */
import { createHash } from "node:crypto"
import { Effect } from "effect"
import Pg from "pg"
import { MIGRATION_CHECKSUMS, migrate } from "@mediaserver/server/db"
import { databaseLayer } from "./DatabaseLayer.js"
import { adminUrl, freshDatabase } from "./TestDatabase.js"

const TEMPLATE = `ms_tpl_${createHash("sha256").update(JSON.stringify(MIGRATION_CHECKSUMS)).digest("hex").slice(0, 16)}`
const LOCK = 7_243_001

const withUrl = (base: string, name: string) => {
  const url = new URL(base)
  url.pathname = `/${name}`
  return url.toString()
}

const ensureTemplate = Effect.gen(function* () {
  const base = yield* Effect.orDie(adminUrl)
  const client = yield* Effect.acquireRelease(
    Effect.promise(async () => {
      const c = new Pg.Client({ connectionString: base })
      await c.connect()
      await c.query(`SELECT pg_advisory_lock(${LOCK})`)
      return c
    }),
    (c) => Effect.promise(() => c.query(`SELECT pg_advisory_unlock(${LOCK})`).finally(() => c.end()))
  )
  const exists = yield* Effect.promise(() => client.query("SELECT 1 FROM pg_database WHERE datname = $1", [TEMPLATE]))
  if ((exists.rowCount ?? 0) > 0) return
  const building = `${TEMPLATE}_b${process.pid}`
  yield* Effect.promise(() => client.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`))
  yield* Effect.promise(() => client.query(`CREATE DATABASE "${building}"`))
  yield* Effect.orDie(Effect.scoped(Effect.provide(migrate, databaseLayer(withUrl(base, building)))))
  yield* Effect.promise(() => client.query(`ALTER DATABASE "${building}" RENAME TO "${TEMPLATE}"`))
}).pipe(Effect.scoped)

let ready: Promise<void> | undefined

/** A database of its own for one test (dropped after the scope), with every migration applied. */
export const migratedDatabase = (label = "t") =>
  Effect.gen(function* () {
    ready ??= Effect.runPromise(ensureTemplate)
    yield* Effect.promise(() => ready ?? Promise.resolve())
    return yield* freshDatabase(label, TEMPLATE)
  })



