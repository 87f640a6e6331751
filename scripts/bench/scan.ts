/**
 * `npm run bench -- scan`: a generated tree of 20,000 empty placeholder files (10,000 movies in folders,
 * 10,000 episodes across 200 series) in a movie and a TV library, scanned by a whole node in this process
 * on real Postgres: the first scan (files/s, trigger to completion, both libraries at once), a rescan with
 * nothing changed, and a rescan after touching 1% of the files (new mtime). Baseline in the same run:
 * `find` walking the same tree.
 *
 * A scan that does not complete, or completes without having seen every file, within
 * BENCH_SCAN_DEADLINE fails the bench with no figure printed; files/s counts the files the scans saw.
 *
 * Settings (env): BENCH_SCAN_MOVIES (10000), BENCH_SCAN_SERIES (200), BENCH_SCAN_EPISODES_PER_SERIES (50),
 * BENCH_SCAN_DEADLINE (10 minutes, per scan round and for the probes after it).
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
import { BenchIncomplete, emit, progress, round } from "./report.js"
import { startNode } from "./support/jobs-node.js"

const BENCH = "scan"

const settings = Config.all({
  movies: Config.integer("BENCH_SCAN_MOVIES").pipe(Config.withDefault(10_000)),
  series: Config.integer("BENCH_SCAN_SERIES").pipe(Config.withDefault(200)),
  episodes: Config.integer("BENCH_SCAN_EPISODES_PER_SERIES").pipe(Config.withDefault(50)),
  deadline: Config.duration("BENCH_SCAN_DEADLINE").pipe(Config.withDefault(Duration.minutes(10)))
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
  const { movies, series, episodes, deadline } = yield* settings
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

  /** Polls `check` until it holds; past the deadline the bench fails (no figure for work not done). */
  const until = <A, E>(what: string, check: Effect.Effect<Option.Option<A>, E>) =>
    Effect.gen(function* () {
      const ends = Date.now() + Duration.toMillis(deadline)
      for (;;) {
        const value = yield* check
        if (Option.isSome(value)) return value.value
        if (Date.now() > ends) return yield* new BenchIncomplete({ message: `${what}: not done within ${Duration.format(deadline)}` })
        yield* Effect.sleep(Duration.millis(20))
      }
    })
  const awaitDone = (id: ScanId) =>
    until(`scan ${id}`, Effect.map(scansRepo.get(id), Option.filter((scan) => scan.status !== "running")))
  const expected = [tree.movies.length, tree.episodes.length]
  /** Both libraries at once, trigger to completion: seconds, and files the scans saw. */
  const scanAll = (label: string) =>
    Effect.gen(function* () {
      const started = performance.now()
      const done: ReadonlyArray<LibraryScan> = yield* Effect.forEach(targets, (library) =>
        Effect.flatMap(scans.start(library.id, "manual"), (scan) => awaitDone(scan.id)), { concurrency: "unbounded" })
      const seconds = (performance.now() - started) / 1000
      for (const scan of done) {
        progress(`${label}: ${scan.status} ${JSON.stringify(scan.counts)} (${scan.durationMs} ms in the job)`)
      }
      // A failed or cancelled scan, or one that missed files, measured something else.
      const short = done.filter((scan, i) => scan.status !== "completed" || scan.counts.seen !== expected[i])
      if (short.length > 0) {
        return yield* new BenchIncomplete({
          message: `${label}: ${short.map((s) => `${s.status}, ${s.counts.seen} files seen`).join("; ")} (expected ${expected.join(" and ")})`
        })
      }
      return { seconds, files: done.reduce((n, scan) => n + scan.counts.seen, 0) }
    })
  /** The probe jobs enqueued by a scan run afterwards: let them finish so they do not share the next scan's time. */
  const probesSettled = until("the probes after the first scan", Effect.map(
    sql<{ n: number }>`
      SELECT count(*)::int AS n FROM job_runs WHERE kind = 'library.probe' AND state IN ('queued', 'running', 'retrying')`,
    ([row]) => ((row?.n ?? 0) === 0 ? Option.some(true) : Option.none())
  ))

  const walkS = yield* timeFind(base)
  progress(`find walked ${total} files in ${round(walkS, 3)} s`)

  const first = yield* scanAll("first scan")
  yield* probesSettled
  const unchangedS = (yield* scanAll("unchanged rescan")).seconds
  const touched = [...tree.movies.map((p) => Path.join(movieRoot, p)), ...tree.episodes.map((p) => Path.join(tvRoot, p))]
    .filter((_, i) => i % 100 === 0)
  const later = new Date(Date.now() + 60_000)
  yield* Effect.promise(() => Promise.all(touched.map((p) => Fs.utimes(p, later, later))))
  const touchedS = (yield* scanAll(`rescan after touching ${touched.length} files`)).seconds

  emit(BENCH, "first_scan_files_per_s", round(first.files / first.seconds, 1), "files/s")
  emit(BENCH, "unchanged_rescan_s", round(unchangedS, 3), "s")
  emit(BENCH, "touched_rescan_s", round(touchedS, 3), "s")
  emit(BENCH, "walk_s", round(walkS, 3), "s")
  emit(BENCH, "ratio_rescan_to_walk", round(unchangedS / walkS, 2), "ratio")
}).pipe(Effect.scoped)
