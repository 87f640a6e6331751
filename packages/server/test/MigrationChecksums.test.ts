/**
 * A database records the checksum of each migration it applied; a node whose shipped migration file
 * changed since refuses to start with one line naming it. On Postgres (through `migrate`) and on the
 * embedded database (a real `npm start` process).
 */
import { PGlite } from "@electric-sql/pglite"
import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Duration, Effect, Exit, Redacted } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { migrate } from "../src/db/Migrations.js"
import { MIGRATION_CHECKSUMS } from "../src/db/migrations/checksums.js"
import { databaseLayer } from "@mediaserver/testkit/DatabaseLayer"
import { spawnNode, waitFor200 } from "@mediaserver/testkit/NodeProcess"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"

const EDITED = "0011_content_details"

const recorded = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql<{ readonly id: number; readonly name: string; readonly checksum: string }>`
    SELECT migration_id AS id, name, checksum FROM app_migration_checksums ORDER BY migration_id`)

describe("migration checksums", () => {
  it.scopedLive("Postgres: recorded when applied; an edited shipped migration stops migrate, naming it; old databases are recorded as they are", () =>
    Effect.gen(function* () {
      const db = yield* freshDatabase("migsum")
      const layer = databaseLayer(Redacted.value(db.url))
      const run = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.provide(effect, layer)

      yield* run(migrate)
      const rows = yield* run(recorded)
      expect(rows.map((r) => `${String(r.id).padStart(4, "0")}_${r.name}`)).toEqual(Object.keys(MIGRATION_CHECKSUMS))
      expect(rows.map((r) => r.checksum)).toEqual(Object.values(MIGRATION_CHECKSUMS))

      // What the database applied differs from the file shipped now.
      yield* run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql`UPDATE app_migration_checksums SET checksum = 'an older file' WHERE migration_id = 11`))
      const refused = yield* Effect.exit(run(migrate))
      expect(Exit.isFailure(refused)).toBe(true)
      const message = Exit.isFailure(refused) ? String(refused.cause) : ""
      expect(message).toContain(EDITED)
      expect(message).not.toContain("0010_libraries")

      // A database from before checksums: its applied migrations are recorded as shipped now.
      yield* run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql`DROP TABLE app_migration_checksums`))
      yield* run(migrate)
      expect((yield* run(recorded)).map((r) => r.checksum)).toEqual(Object.values(MIGRATION_CHECKSUMS))
    }))

  it.scopedLive("embedded: `npm start` refuses to start with one line naming the changed migration", () =>
    Effect.gen(function* () {
      const dataDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "ms-migsum-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(dataDir, { recursive: true, force: true })))

      const first = yield* spawnNode({ DATA_DIR: dataDir })
      yield* waitFor200(first, "/readyz", Duration.seconds(60))
      yield* first.signal("SIGINT")
      expect(yield* first.exited).toBe(0)

      yield* Effect.promise(async () => {
        const pg = await PGlite.create(Path.join(dataDir, "pg"))
        await pg.query("UPDATE app_migration_checksums SET checksum = 'an older file' WHERE migration_id = 11")
        await pg.close()
      })

      const second = yield* spawnNode({ DATA_DIR: dataDir })
      expect(yield* second.exited).toBe(1)
      const failures = second.output().split("\n").filter((line) => line.startsWith("Start-up failed"))
      expect(failures).toHaveLength(1)
      expect(failures[0]).toContain(`migrations: ${EDITED} changed`)
    }), { timeout: 120_000 })
})
