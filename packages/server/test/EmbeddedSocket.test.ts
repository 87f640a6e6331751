import { PGlite } from "@electric-sql/pglite"
import { SqlClient } from "@effect/sql"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Context, Effect, FastCheck, Layer } from "effect"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import Pg from "pg"
import { AppConfig } from "../src/config/AppConfig.js"
import { DatabaseLive, DbPool } from "../src/db/Database.js"
import { type EmbeddedSocketServer, serveEmbedded } from "../src/db/EmbeddedSocket.js"
import { connectWire, queryMessage, type WireClient } from "./support/WireClient.js"

const embeddedDatabase = (dataDir: string) =>
  DatabaseLive.pipe(
    Layer.provide(AppConfig.layer),
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["DATA_DIR", dataDir]]))))
  )

/** Rows whose text is known in advance, so any corrupted byte shows: `width` md5 digests per row. */
const rowsQuery = (rows: number, width: number) =>
  `SELECT i, repeat(md5(i::text), ${width}) AS s FROM generate_series(1, ${rows}) i`
const expectedText = (i: number, width: number) => Crypto.createHash("md5").update(String(i)).digest("hex").repeat(width)

describe("embedded database socket: bytes", () => {
  let dataDir = ""
  let db: PGlite
  let server: EmbeddedSocketServer
  let socketPath = ""
  const clients: Array<WireClient> = []

  beforeAll(async () => {
    dataDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "ms-wire-"))
    db = await PGlite.create(Path.join(dataDir, "pg"))
    socketPath = Path.join(dataDir, "bridge.sock")
    server = await serveEmbedded(db, socketPath)
  })
  afterAll(async () => {
    for (const client of clients) client.close()
    await server.close()
    await db.close()
    Fs.rmSync(dataDir, { recursive: true, force: true })
  })

  const connect = async () => {
    const client = await connectWire(socketPath)
    clients.push(client)
    // After a connection's start-up PGlite reports its settings (ParameterStatus) with the first answer.
    await client.query("SELECT 1")
    return client
  }

  /** PGlite's own answer to a simple query, with no bridge in between. */
  const directAnswer = async (sql: string): Promise<Buffer> => {
    const chunks: Array<Buffer> = []
    await db.execProtocolRawStream(queryMessage(sql), { onRawData: (data) => chunks.push(Buffer.from(data)) })
    return Buffer.concat(chunks)
  }

  it("passes answers of many megabytes to a client that reads slowly, byte for byte", async () => {
    const client = await connect()
    const sql = rowsQuery(20_000, 20) // about 13 MB
    const through = await client.query(sql, { slowMillis: 2 })
    const direct = await directAnswer(sql)
    expect(direct.length).toBeGreaterThan(10_000_000)
    expect(through.length).toBe(direct.length)
    expect(through.equals(direct)).toBe(true)
  }, 120_000)

  it("keeps several slow and fast connections' large answers apart", async () => {
    const connections = await Promise.all(Array.from({ length: 4 }, () => connect()))
    const sqls = connections.map((_, n) => rowsQuery(3_000 + n * 1_000, 10 + n))
    const answers = await Promise.all(
      connections.map((client, n) => client.query(sqls[n] ?? "", { slowMillis: n % 2 === 0 ? 3 : 0 }))
    )
    for (const [n, sql] of sqls.entries()) {
      expect(answers[n]?.equals(await directAnswer(sql))).toBe(true)
    }
  }, 120_000)

  it("answers random queries and sizes exactly as PGlite does (property)", async () => {
    const client = await connect()
    const statement = FastCheck.oneof(
      FastCheck.record({ rows: FastCheck.integer({ min: 0, max: 4_000 }), width: FastCheck.integer({ min: 0, max: 60 }) })
        .map(({ rows, width }) => rowsQuery(rows, width)),
      FastCheck.integer({ min: 1, max: 200_000 }).map((size) => `SELECT repeat('Z', ${size}) AS big`),
      FastCheck.constantFrom("SELECT 1/0", "SELEC nonsense", "SELECT 1; SELECT 2, 'two'", ";", "BEGIN; ROLLBACK")
    )
    await FastCheck.assert(
      FastCheck.asyncProperty(statement, FastCheck.integer({ min: 0, max: 3 }), async (sql, slowMillis) => {
        const through = await client.query(sql, { slowMillis })
        expect(through.equals(await directAnswer(sql))).toBe(true)
      }),
      { numRuns: 40, seed: 20261207 }
    )
  }, 180_000)
})

describe("embedded database socket: pool", () => {
  it.scopedLive("keeps concurrent connections apart: parameterised queries, transactions and a client that dies mid-transaction", () =>
    Effect.gen(function* () {
      const dataDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "ms-socket-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(dataDir, { recursive: true, force: true })))
      const context = yield* Layer.build(embeddedDatabase(dataDir))
      const sql = Context.get(context, SqlClient.SqlClient)
      const { pool } = Context.get(context, DbPool)
      expect(pool.options.max).toBeGreaterThan(2)

      // Extended protocol (Parse/Bind/Execute/Sync per query) from every connection at once.
      const echoed = yield* Effect.forEach(
        Array.from({ length: 200 }, (_, i) => i),
        (i) => sql<{ n: number; label: string }>`SELECT ${i}::int AS n, ${`row-${i}`}::text AS label`,
        { concurrency: 16 }
      )
      expect(echoed.map((rows) => rows[0])).toEqual(Array.from({ length: 200 }, (_, i) => ({ n: i, label: `row-${i}` })))

      // Large answers on every connection at once, decoded by the pg driver: each row is what was asked.
      const large = yield* Effect.forEach(
        [1, 2, 3, 4, 5, 6],
        (width) => sql<{ i: number; s: string }>`SELECT i, repeat(md5(i::text), ${width * 8}) AS s FROM generate_series(1, 4000) i`,
        { concurrency: 6 }
      )
      for (const [index, rows] of large.entries()) {
        expect(rows).toHaveLength(4000)
        expect(rows.every((row) => row.s === expectedText(row.i, (index + 1) * 8))).toBe(true)
      }

      // Transactions on several connections: each sees only its own work; a rollback undoes only its own.
      yield* sql`CREATE TABLE socket_tx (tx int NOT NULL)`
      const outcomes = yield* Effect.forEach(
        Array.from({ length: 20 }, (_, tx) => tx),
        (tx) =>
          Effect.gen(function* () {
            yield* sql`INSERT INTO socket_tx (tx) VALUES (${tx}), (${tx})`
            const mine = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM socket_tx WHERE tx = ${tx}`
            expect(mine[0]?.n).toBe(2)
            if (tx % 2 === 1) return yield* Effect.fail("rolled back" as const)
            return "committed" as const
          }).pipe(sql.withTransaction, Effect.orElseSucceed(() => "rolled back" as const)),
        { concurrency: 8 }
      )
      expect(outcomes.filter((o) => o === "committed")).toHaveLength(10)
      const kept = yield* sql<{ tx: number }>`SELECT DISTINCT tx FROM socket_tx ORDER BY tx`
      expect(kept.map((row) => row.tx)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18])

      // A client that goes away inside a transaction: its insert was visible to itself, is rolled back,
      // and the next statement of another connection does not run inside its transaction.
      const inserted = yield* Effect.promise(async () => {
        const client = new Pg.Client({ host: dataDir, port: 5432, user: "postgres", database: "postgres" })
        await client.connect()
        await client.query("BEGIN")
        await client.query("INSERT INTO socket_tx (tx) VALUES (99)")
        const seen = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM socket_tx WHERE tx = 99")
        client.on("error", () => {})
        client.connection.stream.destroy()
        return seen.rows[0]?.n
      })
      expect(inserted).toBe(1)
      const after = yield* sql<{ n: number; open: boolean }>`
        SELECT count(*)::int AS n, (now() <> statement_timestamp()) AS open FROM socket_tx WHERE tx = 99`
      expect(after[0]).toEqual({ n: 0, open: false })
    }), { timeout: 120_000 })
})
