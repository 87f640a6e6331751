import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, Option, Redacted, Schema } from "effect"
import { spawn } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import Pg from "pg"
import { migrate } from "../src/db/Migrations.js"
import { migrations } from "../src/db/migrations/index.js"
import { databaseLayer } from "@mediaserver/testkit/DatabaseLayer"
import { eventually } from "@mediaserver/testkit/Poll"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"

/** Must match MIGRATION_LOCK_KEY in src/db/Migrations.ts. */
const LOCK_KEY = "7264913001"

const OUR_TABLES = ["app_migrations", "node_ping"]
// With Postgres advisory locks the runner storage needs no `cluster_locks` table.
const CLUSTER_TABLES = ["cluster_messages", "cluster_migrations", "cluster_replies", "cluster_runners"]

const withClient = <A>(url: Redacted.Redacted<string>, f: (client: Pg.Client) => Promise<A>) =>
  Effect.promise(async () => {
    const client = new Pg.Client({ connectionString: Redacted.value(url) })
    await client.connect()
    try {
      return await f(client)
    } finally {
      await client.end()
    }
  })

const tables = (url: Redacted.Redacted<string>) =>
  withClient(url, async (client) => {
    const result = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name"
    )
    return result.rows.map((row) => row.table_name)
  })

interface MigrationRows {
  readonly app: ReadonlyArray<string>
  readonly clusterTotal: number
  readonly clusterDistinct: number
}

const migrationRows = (url: Redacted.Redacted<string>) =>
  withClient(url, async (client): Promise<MigrationRows> => {
    const app = await client.query<{ row: string }>(
      "SELECT migration_id || '_' || name AS row FROM app_migrations ORDER BY migration_id"
    )
    const cluster = await client.query<{ total: number; distinct_ids: number }>(
      "SELECT count(*)::int AS total, count(DISTINCT migration_id)::int AS distinct_ids FROM cluster_migrations"
    )
    return {
      app: app.rows.map((r) => r.row),
      clusterTotal: cluster.rows[0]?.total ?? -1,
      clusterDistinct: cluster.rows[0]?.distinct_ids ?? -1
    }
  })

/** Every migration the code ships, as `migrate` reports them: `[id, name]` by id. */
const shipped = migrations.pipe(
  Effect.orDie,
  Effect.map((list) =>
    [...list].sort((a, b) => a[0] - b[0]).map(([id, name]): readonly [number, string] => [id, name])
  )
)

const migrateOn = (url: Redacted.Redacted<string>) => migrate.pipe(Effect.provide(databaseLayer(Redacted.value(url))))

const expectFullSchema = (url: Redacted.Redacted<string>) =>
  Effect.gen(function*() {
    const names = yield* tables(url)
    for (const table of [...OUR_TABLES, ...CLUSTER_TABLES]) expect(names).toContain(table)
    const rows = yield* migrationRows(url)
    expect(rows.app).toEqual((yield* shipped).map(([id, name]) => `${id}_${name}`))
    expect(rows.clusterTotal).toBeGreaterThan(0)
    expect(rows.clusterTotal).toBe(rows.clusterDistinct)
    return { names, rows }
  })

// ---------------------------------------------------------------------------------------------------------
// Child processes (MigrateChild.ts), to race two real processes.

const repoRoot = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..")

interface ChildState {
  stdout: string
  stderr: string
  exit: Option.Option<number | null>
}

const AppliedLine = Schema.parseJson(Schema.Array(Schema.Tuple(Schema.Number, Schema.String)))

const startChild = (url: Redacted.Redacted<string>) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "packages/server/test/support/MigrateChild.ts", Redacted.value(url)],
        { cwd: repoRoot, env: { PATH: process.env.PATH ?? "" }, stdio: ["pipe", "pipe", "pipe"] }
      )
      const state: ChildState = { stdout: "", stderr: "", exit: Option.none() }
      child.stdout.on("data", (chunk: Buffer) => (state.stdout += chunk.toString("utf8")))
      child.stderr.on("data", (chunk: Buffer) => (state.stderr += chunk.toString("utf8")))
      child.on("close", (code) => (state.exit = Option.some(code)))
      child.stdin.on("error", () => {})
      return { child, state }
    }),
    ({ child, state }) => Effect.sync(() => (Option.isNone(state.exit) ? child.kill("SIGKILL") : true))
  )

const resultOf = (state: ChildState) =>
  Effect.gen(function*() {
    const line = state.stdout.split("\n").find((l) => l.startsWith("RESULT "))
    if (line === undefined) return yield* Effect.dieMessage(`no RESULT line; stdout: ${state.stdout}; stderr: ${state.stderr}`)
    return yield* Schema.decodeUnknown(AppliedLine)(line.slice("RESULT ".length))
  })

describe("migrations", () => {
  it.scopedLive("on an empty database: create our tables and the cluster's; a second run applies nothing", () =>
    Effect.gen(function*() {
      const db = yield* freshDatabase("mig")
      expect(yield* tables(db.url)).toEqual([])

      const all = yield* shipped
      expect(all).toContainEqual([1, "node_ping"])
      const first = yield* migrateOn(db.url)
      expect(first).toEqual(all)
      const before = yield* expectFullSchema(db.url)

      const second = yield* migrateOn(db.url)
      expect(second).toEqual([])
      const after = yield* expectFullSchema(db.url)
      expect(after).toEqual(before)
    }))

  it.scopedLive("two pools migrating at once: both succeed, the schema is applied once", () =>
    Effect.gen(function*() {
      const db = yield* freshDatabase("mig2")
      const results = yield* Effect.all([migrateOn(db.url), migrateOn(db.url)], { concurrency: 2 })
      const all = yield* shipped
      // One of them applied everything, the other nothing.
      expect(results.map((applied) => applied.length).sort()).toEqual([0, all.length])
      expect(results.flat()).toEqual(all)
      yield* expectFullSchema(db.url)
    }))

  it.scopedLive("two processes migrating at once: both succeed, the schema is applied once", () =>
    Effect.gen(function*() {
      const db = yield* freshDatabase("migp")
      const children = [yield* startChild(db.url), yield* startChild(db.url)]
      // Both have their pool open before either starts, so they really race.
      yield* eventually(
        Effect.sync(() => children.map(({ state }) => state)),
        (states) => states.every((s) => s.stdout.includes("READY") || Option.isSome(s.exit)),
        { what: "both children READY", timeout: Duration.seconds(30) }
      )
      for (const { child } of children) child.stdin.write("go\n")
      const states = yield* eventually(
        Effect.sync(() => children.map(({ state }) => state)),
        (s) => s.every((state) => Option.isSome(state.exit)),
        { what: "both children to exit", timeout: Duration.seconds(30) }
      )
      for (const state of states) expect(state.exit, `stderr: ${state.stderr}`).toEqual(Option.some(0))
      const results = yield* Effect.all(states.map(resultOf))
      const all = yield* shipped
      // One of them applied everything, the other nothing.
      expect(results.map((applied) => applied.length).sort()).toEqual([0, all.length])
      expect(results.flat()).toEqual(all)
      yield* expectFullSchema(db.url)
    }), 90_000)

  it.scopedLive("waits for the migration advisory lock held by another connection", () =>
    Effect.gen(function*() {
      const db = yield* freshDatabase("miglock")
      const holder = yield* Effect.acquireRelease(
        Effect.promise(async () => {
          const client = new Pg.Client({ connectionString: Redacted.value(db.url) })
          await client.connect()
          return client
        }),
        (client) => Effect.promise(() => client.end())
      )
      yield* Effect.promise(() => holder.query(`SELECT pg_advisory_lock(${LOCK_KEY})`))

      const fiber = yield* Effect.forkScoped(migrateOn(db.url))
      // Positive evidence that migrate is blocked on our key (not merely slow): its backend waits in pg_locks.
      yield* eventually(
        Effect.promise(() =>
          holder.query<{ waiting: number }>(
            `SELECT count(*)::int AS waiting FROM pg_locks
              WHERE locktype = 'advisory' AND NOT granted
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                AND ((classid::bigint << 32) | objid::bigint) = ${LOCK_KEY} AND objsubid = 1`
          )
        ),
        (result) => (result.rows[0]?.waiting ?? 0) > 0,
        { what: "migrate to wait on the advisory lock", timeout: Duration.seconds(15) }
      )
      expect(Option.isNone(yield* Fiber.poll(fiber))).toBe(true)
      // Nothing ran under the lock it is waiting for.
      expect(yield* tables(db.url)).toEqual([])

      yield* Effect.promise(() => holder.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`))
      const exit = yield* Fiber.await(fiber).pipe(
        Effect.timeoutFail({ duration: Duration.seconds(20), onTimeout: () => new Error("migrate did not finish after unlock") })
      )
      expect(Exit.isSuccess(exit)).toBe(true)
      if (Exit.isSuccess(exit)) expect(exit.value).toEqual(yield* shipped)
      yield* expectFullSchema(db.url)
    }), 60_000)
})
