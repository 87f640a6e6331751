import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Context, Effect, Exit, Layer, Logger } from "effect"
import * as Net from "node:net"
import { AppConfig } from "../src/config/AppConfig.js"
import { DatabaseLive, DbPool } from "../src/db/Database.js"

const message = (type: string, body: Buffer): Buffer => {
  const out = Buffer.alloc(5 + body.length)
  out.write(type, 0, "latin1")
  out.writeInt32BE(4 + body.length, 1)
  body.copy(out, 5)
  return out
}
const int16 = (n: number) => {
  const b = Buffer.alloc(2)
  b.writeInt16BE(n)
  return b
}
const int32 = (n: number) => {
  const b = Buffer.alloc(4)
  b.writeInt32BE(n)
  return b
}
const ready = message("Z", Buffer.from("I"))
/** One int4 column "n" holding 1: what a real server answers to SELECT 1. */
const selectOne = Buffer.concat([
  message("T", Buffer.concat([int16(1), Buffer.from("n\0"), int32(0), int16(0), int32(23), int16(4), int32(-1), int16(0)])),
  message("D", Buffer.concat([int16(1), int32(1), Buffer.from("1")])),
  message("C", Buffer.from("SELECT 1\0")),
  ready
])
/** A DataRow that claims two fields but holds one: the pg parser reads past its end and throws. */
const outOfStep = message("D", Buffer.concat([int16(2), int32(0)]))

/** A server that speaks just enough Postgres: start-up, SELECT 1, and a corrupt answer on request. */
const fakePostgres = () =>
  Effect.acquireRelease(
    Effect.async<{ readonly port: number; readonly server: Net.Server; readonly connections: () => number }>((resume) => {
      let connections = 0
      const server = Net.createServer((socket) => {
        connections += 1
        let pending = Buffer.alloc(0)
        let started = false
        socket.on("error", () => {})
        socket.on("data", (chunk) => {
          pending = Buffer.concat([pending, chunk])
          for (;;) {
            const length = started ? (pending.length >= 5 ? 1 + pending.readInt32BE(1) : Infinity) : pending.length >= 4 ? pending.readInt32BE(0) : Infinity
            if (pending.length < length) return
            const received = pending.subarray(0, length)
            pending = pending.subarray(length)
            if (!started) {
              started = true
              socket.write(Buffer.concat([message("R", int32(0)), ready]))
            } else if (received[0] === 0x51) {
              socket.write(received.toString("utf8").includes("corrupt") ? outOfStep : selectOne)
            } else if (received[0] === 0x58) {
              socket.end()
            }
          }
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(Effect.succeed({ port, server, connections: () => connections }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.close(() => resume(Effect.void))
      })
  )

describe("database protocol faults", () => {
  it.scopedLive("fail the queries of that connection, are logged, and the pool carries on with a new connection", () =>
    Effect.gen(function* () {
      const fake = yield* fakePostgres()
      const logs: Array<string> = []
      const capture = Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => logs.push(String(message))))
      const context = yield* Layer.build(
        DatabaseLive.pipe(
          Layer.provide(AppConfig.layer),
          Layer.provide(
            Layer.setConfigProvider(
              ConfigProvider.fromMap(new Map([["DATABASE_URL", `postgres://postgres@127.0.0.1:${fake.port}/postgres`]]))
            )
          ),
          Layer.provide(capture)
        )
      )
      const { pool } = Context.get(context, DbPool)
      const sql = Context.get(context, SqlClient.SqlClient)

      const faulted = yield* Effect.flip(Effect.tryPromise({ try: () => pool.query("SELECT 'corrupt'"), catch: String }))
      expect(faulted).toContain("database protocol fault")

      const again = yield* Effect.tryPromise(() => pool.query<{ n: number }>("SELECT 1"))
      expect(again.rows).toEqual([{ n: 1 }])
      const viaSql = yield* sql<{ n: number }>`SELECT 1`
      expect(viaSql).toEqual([{ n: 1 }])
      const failedViaSql = yield* Effect.exit(sql`SELECT 'corrupt'`)
      expect(Exit.isFailure(failedViaSql)).toBe(true)
      expect(yield* sql<{ n: number }>`SELECT 1`).toEqual([{ n: 1 }])

      expect(fake.connections()).toBeGreaterThanOrEqual(3)
      expect(logs.filter((line) => line.includes("database protocol fault"))).toHaveLength(2)
    }), { timeout: 30_000 })
})
