/**
 * A whole node (HTTP + the workers package) on a fresh database, for library tests over real HTTP:
 * `url` to call, `sql` to look at what a scan wrote, `admin` signed in (the first account is admin).
 */
import { migratedDatabase } from "./MigratedDatabase.js"
import { HttpServer } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { Context, Duration, Effect, Layer, Redacted, Schema } from "effect"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { account, type Auth, read, request } from "./Http.js"
import { eventually } from "./Poll.js"
import { testNode } from "./TestServer.js"
import { WorkersLive } from "@mediaserver/workers"

export const libraryNode = (label: string, env: Record<string, string> = {}) =>
  Effect.gen(function* () {
    const db = yield* migratedDatabase(label)
    const context = yield* Layer.build(
      testNode({ LOG_LEVEL: "Error", DATABASE_URL: Redacted.value(db.url), SCAN_PROGRESS_INTERVAL: "200 millis", ...env }, WorkersLive)
    )
    const server = Context.get(context, HttpServer.HttpServer)
    const url = `http://127.0.0.1:${server.address._tag === "TcpAddress" ? server.address.port : 0}`
    const sql = Context.get(context, SqlClient.SqlClient)
    const admin = yield* account(url, "admin")
    return { url, sql, admin: admin.auth, context }
  })

/** A temp directory (removed after the scope) with the given files: path -> content ("" for empty). */
export const tree = (files: Readonly<Record<string, string | { readonly copyOf: string }>>) =>
  Effect.gen(function* () {
    const root = yield* Effect.acquireRelease(
      Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "ms-library-"))),
      (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
    )
    yield* Effect.promise(() => writeTree(root, files))
    return root
  })

export const writeTree = async (root: string, files: Readonly<Record<string, string | { readonly copyOf: string }>>) => {
  for (const [relative, content] of Object.entries(files)) {
    const path = Path.join(root, relative)
    await Fs.mkdir(Path.dirname(path), { recursive: true })
    if (typeof content === "string") await Fs.writeFile(path, content)
    else await Fs.copyFile(content.copyOf, path)
  }
}

const Created = Schema.Struct({ id: Schema.String })
const Scan = Schema.Struct({
  id: Schema.String,
  status: Schema.String,
  trigger: Schema.String,
  counts: Schema.Struct({
    seen: Schema.Number, new: Schema.Number, changed: Schema.Number, unchanged: Schema.Number,
    removed: Schema.Number, matched: Schema.Number, unmatched: Schema.Number, errors: Schema.Number
  }),
  unmatched: Schema.Array(Schema.Struct({ path: Schema.String, message: Schema.String })),
  filesPerSecond: Schema.Number,
  startedAt: Schema.String,
  finishedAt: Schema.NullOr(Schema.String)
})
export type Scan = typeof Scan.Type
export const ScansPage = Schema.Struct({ items: Schema.Array(Scan), total: Schema.Number })

export const createLibrary = (url: string, auth: Auth, body: Record<string, unknown>) =>
  Effect.flatMap(request(url, "POST", "/api/v1/libraries", { auth, body }), read(Created))

export const startScan = (url: string, auth: Auth, libraryId: string) =>
  Effect.flatMap(request(url, "POST", `/api/v1/libraries/${libraryId}/scan`, { auth }), (res) =>
    res.status === 202 ? read(Scan)(res) : Effect.die(`scan trigger answered ${res.status}: ${JSON.stringify(res.body)}`))

/** Waits until the scan with this id is no longer running and returns it. */
export const awaitScan = (url: string, auth: Auth, libraryId: string, scanId: string) =>
  Effect.gen(function* () {
    const page = yield* eventually(
      Effect.flatMap(request(url, "GET", `/api/v1/libraries/${libraryId}/scans`, { auth }), read(ScansPage)),
      (p) => p.items.some((s) => s.id === scanId && s.status !== "running"),
      { what: `scan ${scanId} finished`, timeout: Duration.seconds(60), interval: Duration.millis(100) }
    )
    const found = page.items.find((s) => s.id === scanId)
    return found === undefined ? yield* Effect.die(`scan ${scanId} vanished`) : found
  })

/** Starts a scan and waits for it. */
export const scanNow = (url: string, auth: Auth, libraryId: string) =>
  Effect.flatMap(startScan(url, auth, libraryId), (scan) => awaitScan(url, auth, libraryId, scan.id))

/** A movie library and a TV library ("Movies", "Shows") on these folders, each scanned once. */
export const scannedLibraries = (url: string, auth: Auth, folders: { readonly movies: string; readonly shows: string }) =>
  Effect.gen(function* () {
    const movies = yield* createLibrary(url, auth, { name: "Movies", kind: "movie", paths: [folders.movies] })
    const shows = yield* createLibrary(url, auth, { name: "Shows", kind: "tvshow", paths: [folders.shows] })
    yield* scanNow(url, auth, movies.id)
    yield* scanNow(url, auth, shows.id)
    return { movies, shows }
  })

/** Everything the metadata pipeline started has finished: no run queued, running or retrying. */
export const metadataIdle = (sql: SqlClient.SqlClient) =>
  eventually(
    sql<{ n: number }>`SELECT count(*)::int AS n FROM job_runs WHERE kind LIKE 'metadata.%' AND state IN ('queued', 'running', 'retrying')`,
    (rows) => rows[0]?.n === 0,
    { what: "metadata jobs finished", timeout: Duration.seconds(60), interval: Duration.millis(200) }
  )

/** The library's whole scan history, once every scan has finished. */
export const allScansFinished = (url: string, auth: Auth, libraryId: string) =>
  eventually(
    Effect.flatMap(request(url, "GET", `/api/v1/libraries/${libraryId}/scans?pageSize=200`, { auth }), read(ScansPage)),
    (page) => page.items.length > 0 && page.items.every((s) => s.status !== "running"),
    { what: "every scan finished", timeout: Duration.seconds(60), interval: Duration.millis(100) }
  ).pipe(Effect.map((page) => page.items))

/** At most one scan ran at a time: no two [startedAt, finishedAt] intervals overlap. */
export const overlapping = (scans: ReadonlyArray<Scan>): number => {
  const spans = scans
    .map((s) => [Date.parse(s.startedAt), s.finishedAt === null ? Infinity : Date.parse(s.finishedAt)] as const)
    .sort((a, b) => a[0] - b[0])
  return spans.filter((span, i) => i > 0 && span[0] < (spans[i - 1]?.[1] ?? -Infinity)).length
}
