/**
 * `npm run bench -- scan`: a generated tree of 20,000 empty placeholder files (10,000 movies in folders,
 * 10,000 episodes across 200 series) in a movie and a TV library, scanned by a whole node in this process
 * on real Postgres: the first scan (files/s, trigger to completion, both libraries at once), a rescan with
 * nothing changed, and a rescan after touching 1% of the files (new mtime). Baseline in the same run:
 * `find` walking the same tree.
 *
 * Settings (env): BENCH_SCAN_MOVIES (10000), BENCH_SCAN_SERIES (200), BENCH_SCAN_EPISODES_PER_SERIES (50).
 */
import { SqlClient } from "@effect/sql"
import { CreateLibraryRequest, type LibraryScan, type ScanId } from "@mediaserver/domain"
import { Config, Context, Duration, Effect, Option, Redacted } from "effect"
import { execFile } from "node:child_process"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { Libraries, LibraryScans, ScansRepo } from "@mediaserver/server/library"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"
import { emit, progress, round } from "./report.js"
import { startNode } from "./support/jobs-node.js"

const BENCH = "scan"

const settings = Config.all({
  movies: Config.integer("BENCH_SCAN_MOVIES").pipe(Config.withDefault(10_000)),
  series: Config.integer("BENCH_SCAN_SERIES").pipe(Config.withDefault(200)),
  episodes: Config.integer("BENCH_SCAN_EPISODES_PER_SERIES").pipe(Config.withDefault(50))
})

/** Paths relative to the movie and TV roots. */
const layout = (movies: number, series: number, episodesPerSeries: number) => ({
  movies: Array.from({ length: movies }, (_, i) => {
    const name = `Movie Title ${i} (${1950 + (i % 70)})`
    return `${name}/${name}.mkv`
  }),
  episodes: Array.from({ length: series }, (_, s) =>
    Array.from({ length: episodesPerSeries }, (_, e) => {
      const season = 1 + Math.floor(e / 10)
      const code = `S${String(season).padStart(2, "0")}E${String((e % 10) + 1).padStart(2, "0")}`
      return `Series ${s} (${1990 + (s % 30)})/Season ${String(season).padStart(2, "0")}/Series ${s} ${code}.mkv`
    })).flat()
})

const writeTree = (root: string, paths: ReadonlyArray<string>) =>
  Effect.promise(async () => {
    const dirs = new Set(paths.map((p) => Path.dirname(Path.join(root, p))))
    for (const dir of dirs) await Fs.mkdir(dir, { recursive: true })
    for (let i = 0; i < paths.length; i += 500) {
      await Promise.all(paths.slice(i, i + 500).map((p) => Fs.writeFile(Path.join(root, p), "")))
    }
  })

const timeFind = (root: string) =>
  Effect.promise(() => new Promise<number>((resolve, reject) => {
    const started = performance.now()
    execFile("find", [root, "-type", "f"], { maxBuffer: 256 * 1024 * 1024 }, (error) =>
      error === null ? resolve((performance.now() - started) / 1000) : reject(error))
  }))

export const run = Effect.gen(function* () {
  const { movies, series, episodes } = yield* settings
  const base = yield* Effect.acquireRelease(
    Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "ms-bench-scan-"))),
    (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
  )
  const tree = layout(movies, series, episodes)
  const movieRoot = Path.join(base, "movies")
  const tvRoot = Path.join(base, "tv")
  const total = tree.movies.length + tree.episodes.length
  progress(`writing ${total} placeholder files under ${base}`)
  yield* writeTree(movieRoot, tree.movies)
  yield* writeTree(tvRoot, tree.episodes)

  const db = yield* freshDatabase("benchscan")
  const node = yield* startNode({ DATABASE_URL: Redacted.value(db.url), LOG_LEVEL: "Warning" })
  const libraries = Context.get(node.context, Libraries)
  const scans = Context.get(node.context, LibraryScans)
  const scansRepo = Context.get(node.context, ScansRepo)
  const sql = Context.get(node.context, SqlClient.SqlClient)
  const create = (name: string, kind: "movie" | "tvshow", root: string) =>
    libraries.create(new CreateLibraryRequest({ name, kind, paths: [root] }))
  const targets = [yield* create("Movies", "movie", movieRoot), yield* create("Shows", "tvshow", tvRoot)]

  const awaitDone = (id: ScanId) =>
    Effect.gen(function* () {
      for (;;) {
        const scan = yield* scansRepo.get(id)
        if (Option.isSome(scan) && scan.value.status !== "running") return scan.value
        yield* Effect.sleep(Duration.millis(20))
      }
    })
  /** Both libraries at once, trigger to completion, in seconds. */
  const scanAll = (label: string) =>
    Effect.gen(function* () {
      const started = performance.now()
      const done: ReadonlyArray<LibraryScan> = yield* Effect.forEach(targets, (library) =>
        Effect.flatMap(scans.start(library.id, "manual"), (scan) => awaitDone(scan.id)), { concurrency: "unbounded" })
      const seconds = (performance.now() - started) / 1000
      for (const scan of done) {
        progress(`${label}: ${scan.status} ${JSON.stringify(scan.counts)} (${scan.durationMs} ms in the job)`)
      }
      return seconds
    })
  /** The probe jobs enqueued by a scan run afterwards: let them finish so they do not share the next scan's time. */
  const probesSettled = Effect.gen(function* () {
    for (;;) {
      const [row] = yield* sql<{ n: number }>`
        SELECT count(*)::int AS n FROM job_runs WHERE kind = 'library.probe' AND state IN ('queued', 'running', 'retrying')`
      if ((row?.n ?? 0) === 0) return
      yield* Effect.sleep(Duration.millis(50))
    }
  })

  const walkS = yield* timeFind(base)
  progress(`find walked ${total} files in ${round(walkS, 3)} s`)

  const firstS = yield* scanAll("first scan")
  yield* probesSettled
  const unchangedS = yield* scanAll("unchanged rescan")
  const touched = [...tree.movies.map((p) => Path.join(movieRoot, p)), ...tree.episodes.map((p) => Path.join(tvRoot, p))]
    .filter((_, i) => i % 100 === 0)
  const later = new Date(Date.now() + 60_000)
  yield* Effect.promise(() => Promise.all(touched.map((p) => Fs.utimes(p, later, later))))
  const touchedS = yield* scanAll(`rescan after touching ${touched.length} files`)

  emit(BENCH, "first_scan_files_per_s", round(total / firstS, 1), "files/s")
  emit(BENCH, "unchanged_rescan_s", round(unchangedS, 3), "s")
  emit(BENCH, "touched_rescan_s", round(touchedS, 3), "s")
  emit(BENCH, "walk_s", round(walkS, 3), "s")
  emit(BENCH, "ratio_rescan_to_walk", round(unchangedS / walkS, 2), "ratio")
}).pipe(Effect.scoped)
