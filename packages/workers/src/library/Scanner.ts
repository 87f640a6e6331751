/**
 * One scan of one library: walk the roots, compare with the files we know (path, size, mtime), match and
 * write only new and changed files in batches, mark the vanished ones missing, and delete what has been
 * missing past the grace period. An unchanged file costs no parse, no probe and no write.
 */
import { type DatabaseError, type Library, ScanCounts, ScanIssue } from "@mediaserver/domain"
import { ContentRepo, type Events } from "@mediaserver/server/library"
import type { ScanProgress } from "@mediaserver/server/library"
import { RequestPriority } from "@mediaserver/server/system"
import { Duration, Effect, Fiber, Schedule } from "effect"
import { type EpisodeFile, matchFile, type MovieFile } from "./Matcher.js"
import { walk } from "./Walk.js"
import { type Unmatched, writeEpisodes, writeMovies } from "./Writer.js"

const BATCH = 1000
const MATCH_CONCURRENCY = 16
const MAX_ISSUES = 100

export interface ScanOptions {
  readonly missingGrace: Duration.Duration
  readonly progressInterval: Duration.Duration
  readonly report: (progress: ScanProgress) => Effect.Effect<void>
}

export interface ScanOutcome {
  readonly progress: ScanProgress
  /** Movies, series and episodes created by this scan (metadata to fetch). */
  readonly newItems: number
  /** New or changed files (to probe). */
  readonly touchedFiles: number
}

class Tally {
  seen = 0
  new = 0
  changed = 0
  unchanged = 0
  removed = 0
  matched = 0
  unmatched = 0
  errors = 0
  phase = "walking"
  readonly unmatchedIssues: Array<ScanIssue> = []
  readonly errorIssues: Array<ScanIssue> = []
  readonly started = Date.now()

  issue(list: Array<ScanIssue>, path: string, message: string) {
    if (list.length < MAX_ISSUES) list.push(new ScanIssue({ path, message }))
  }

  snapshot(): ScanProgress {
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001)
    return {
      phase: this.phase,
      counts: new ScanCounts({
        seen: this.seen, new: this.new, changed: this.changed, unchanged: this.unchanged, removed: this.removed,
        matched: this.matched, unmatched: this.unmatched, errors: this.errors
      }),
      filesPerSecond: Math.round((this.seen / seconds) * 10) / 10,
      unmatched: [...this.unmatchedIssues],
      errors: [...this.errorIssues]
    }
  }
}

const chunks = <A>(items: ReadonlyArray<A>, size: number): Array<ReadonlyArray<A>> =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size))

export const runScan = (library: Library, options: ScanOptions): Effect.Effect<ScanOutcome, DatabaseError, ContentRepo | Events> =>
  Effect.gen(function* () {
    const repo = yield* ContentRepo
    const tally = new Tally()
    const flush = Effect.suspend(() => options.report(tally.snapshot()))
    const reporter = yield* Effect.fork(Effect.repeat(flush, Schedule.spaced(options.progressInterval)).pipe(Effect.delay(options.progressInterval)))

    const t0 = Date.now()
    const known = new Map((yield* repo.knownFiles(library.id)).map((f) => [f.path, f]))
    const tk = Date.now()
    const extensions = new Set(library.scan.extensions)
    const walked = yield* Effect.tryPromise({
      try: (signal) =>
        walk(library.paths, {
          extensions,
          exclude: library.scan.exclude,
          signal,
          onFile: () => { tally.seen++ }
        }),
      catch: (error) => error
    }).pipe(Effect.orDie)
    const t1 = Date.now()
    for (const error of walked.errors) {
      tally.errors++
      tally.issue(tally.errorIssues, error.path, error.message)
    }

    tally.phase = "matching"
    const touched = walked.files.filter((file) => {
      const before = known.get(file.path)
      if (before === undefined) tally.new++
      else if (before.size !== file.size || before.mtimeMs !== file.mtimeMs || before.missing) tally.changed++
      else {
        tally.unchanged++
        return false
      }
      return true
    })
    const seriesNfos = new Map()
    let newItems = 0
    const priority = yield* RequestPriority
    for (const batch of chunks(touched, priority.batchSize(BATCH))) {
      yield* priority.yieldToRequests
      const matched = yield* Effect.forEach(batch, (file) => matchFile(library.kind, extensions, file, walked.nfos, seriesNfos), {
        concurrency: MATCH_CONCURRENCY
      })
      const movies: Array<MovieFile> = []
      const episodes: Array<EpisodeFile> = []
      const unmatched: Array<Unmatched> = []
      for (const m of matched) {
        if (m.kind === "movie") movies.push(m.value)
        else if (m.kind === "episode") episodes.push(m.value)
        else {
          unmatched.push({ file: m.file, reason: m.reason })
          tally.issue(tally.unmatchedIssues, m.file.path, m.reason)
        }
      }
      newItems += library.kind === "movie"
        ? yield* writeMovies(library.id, movies, unmatched)
        : yield* writeEpisodes(library.id, episodes, unmatched)
      tally.matched += movies.length + episodes.length
      tally.unmatched += unmatched.length
    }

    const t2 = Date.now()
    tally.phase = "cleaning"
    // Files under a root we could not read are not gone: the disk may be unmounted.
    const unreadable = walked.unreadableRoots
    const seen = new Set(walked.files.map((f) => f.path))
    const vanished = [...known.values()].filter((f) =>
      !f.missing && !seen.has(f.path) && !unreadable.some((root) => f.path.startsWith(`${root}/`))
    )
    tally.removed = vanished.length
    for (const batch of chunks(vanished.map((f) => f.id), BATCH)) yield* repo.markMissing(batch)
    // Orphans only appear when files were re-matched or are missing: an unchanged library skips the sweep.
    if (touched.length > 0 || vanished.length > 0 || [...known.values()].some((f) => f.missing)) {
      yield* repo.cleanUp(library.id, Duration.toSeconds(options.missingGrace))
    }

    const t3 = Date.now()
    yield* Effect.logDebug(`scan of ${library.name}: load ${tk - t0} ms, walk ${t1 - tk} ms, match ${t2 - t1} ms, clean ${t3 - t2} ms`)
    tally.phase = "done"
    yield* Fiber.interrupt(reporter)
    return { progress: tally.snapshot(), newItems, touchedFiles: touched.length }
  })
