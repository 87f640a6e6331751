/**
 * Embedded Postgres for `npm start` with nothing installed: PGlite on DATA_DIR/pg, served over a unix
 * socket (EmbeddedSocket) so the normal `pg` driver (and the cluster's SQL storage) can use it.
 * A lock file keeps a second process from opening the same data directory (PGlite would corrupt it).
 */
import { PGlite } from "@electric-sql/pglite"
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm"
import { StartupError } from "@mediaserver/domain"
import { Effect, Runtime } from "effect"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { serveEmbedded } from "./EmbeddedSocket.js"

const SOCKET_PORT = 5432

export interface EmbeddedPostgresHandle {
  readonly dataDir: string
  readonly socketDir: string
  readonly port: number
}

const fail = (message: string) => (cause: unknown) =>
  new StartupError({ component: "embedded-database", message: `${message}: ${String(cause)}` })

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return error instanceof Error && "code" in error && error.code === "EPERM"
  }
}

const acquireLock = (lockFile: string) =>
  Effect.gen(function* () {
    const existing = yield* Effect.promise(() => Fs.readFile(lockFile, "utf8").catch(() => ""))
    const pid = Number.parseInt(existing, 10)
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
      return yield* new StartupError({
        component: "embedded-database",
        message: `data directory is in use by process ${pid} (${lockFile}); stop it or set DATA_DIR`
      })
    }
    yield* Effect.tryPromise({ try: () => Fs.writeFile(lockFile, String(process.pid)), catch: fail("cannot write lock") })
  })

export const startEmbeddedPostgres = (dataDirInput: string) =>
  Effect.gen(function* () {
    const dataDir = Path.resolve(dataDirInput)
    yield* Effect.tryPromise({ try: () => Fs.mkdir(dataDir, { recursive: true }), catch: fail(`cannot create ${dataDir}`) })
    const lockFile = Path.join(dataDir, "server.lock")
    yield* Effect.acquireRelease(acquireLock(lockFile), () => Effect.promise(() => Fs.rm(lockFile, { force: true })))

    const db = yield* Effect.acquireRelease(
      Effect.tryPromise({
        // Postgres' 128 MB shared buffers live in the process's WebAssembly memory, which never shrinks:
        // a small server fills them over days and keeps them (files are cached by the OS anyway). Each
        // table and index file Postgres touches stays open in this process, up to max_files_per_process
        // (1000 by default): bounded lower, the server's descriptors stop growing with the schema.
        try: () =>
          PGlite.create(Path.join(dataDir, "pg"), {
            extensions: { pg_trgm },
            postgresqlconf: ["shared_buffers = 32MB", "max_files_per_process = 100"]
          }),
        catch: fail(`cannot open the embedded database in ${dataDir}`)
      }),
      (db) => Effect.promise(() => db.close()).pipe(Effect.orDie)
    )
    const socketPath = Path.join(dataDir, `.s.PGSQL.${SOCKET_PORT}`)
    // A stale socket from a killed process would make listen() fail; the lock above says it is stale.
    yield* Effect.promise(() => Fs.rm(socketPath, { force: true }))
    const runtime = yield* Effect.runtime<never>()
    const onFault = (fault: { readonly message: string }) =>
      Runtime.runFork(runtime)(
        Effect.logError("embedded database: a client sent bytes out of step with the protocol; its connection is closed").pipe(
          Effect.annotateLogs({ fault: fault.message })
        )
      )
    yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => serveEmbedded(db, socketPath, { onFault }),
        catch: fail("cannot start the embedded database socket")
      }),
      (server) => Effect.promise(() => server.close())
    )
    return { dataDir, socketDir: dataDir, port: SOCKET_PORT } satisfies EmbeddedPostgresHandle
  })
