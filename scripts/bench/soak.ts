/**
 * `npm run bench -- soak`: one node as its own process on the embedded database (PGlite in DATA_DIR),
 * SOAK_MINUTES (10) of mixed load, then SOAK_IDLE_SECONDS (60) of nothing:
 *  - SOAK_BROWSERS (2) clients paging through the movies, opening titles and searching;
 *  - SOAK_SESSIONS (3) players, each session reading every segment of a 30 s clip (one in three
 *    transcodes, the others remux), then stopped, and the next one started;
 *  - a scan of the library (SOAK_MOVIES (300) small files + the clip) every SOAK_SCAN_SECONDS (60);
 *  - a job run every SOAK_JOB_SECONDS (1): the scheduled cleanups and aggregations, run on request.
 * Figures (from /proc of the node): idle_rss_mb (started, nothing done yet), soak_rss_growth_pct (RSS at
 * the end of the load over RSS after its first minute), fd_growth (open descriptors after the idle
 * period over those after the first minute of load: the caches of descriptors are warm by then),
 * orphan_ffmpeg (ffmpeg processes
 * still below the node after the idle period), errors (requests without the expected answer, plus 1 if
 * the node died). Targets: idle RSS <= 150 MB, growth <= 10 %, no fd growth, no orphans, no errors.
 * SOAK_NODE_OPTIONS goes to the node (e.g. --heapsnapshot-signal=SIGUSR2 to look at what grows).
 */
import { Config, Duration, Effect, Fiber, Ref } from "effect"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { adminToken } from "@mediaserver/testkit/EmbeddedScenario"
import { spawnNode, waitFor200 } from "@mediaserver/testkit/NodeProcess"
import { BenchIncomplete, emit, progress, round } from "./report.js"
import { REMUX_CLIENT, setUpClipLibrary, TRANSCODE_CLIENT, writeClipLibrary } from "./support/clip-library.js"
import { descendants, fdChanges, fdCount, fdKinds, rssMb } from "./support/proc.js"
import { browse, type Client, failureKinds, makeTally, play, runJob, scan, until } from "./support/soak-load.js"

const BENCH = "soak"

const settings = Config.all({
  minutes: Config.number("SOAK_MINUTES").pipe(Config.withDefault(10)),
  idleSeconds: Config.integer("SOAK_IDLE_SECONDS").pipe(Config.withDefault(60)),
  browsers: Config.integer("SOAK_BROWSERS").pipe(Config.withDefault(2)),
  sessions: Config.integer("SOAK_SESSIONS").pipe(Config.withDefault(3)),
  movies: Config.integer("SOAK_MOVIES").pipe(Config.withDefault(300)),
  scanSeconds: Config.integer("SOAK_SCAN_SECONDS").pipe(Config.withDefault(60)),
  jobSeconds: Config.number("SOAK_JOB_SECONDS").pipe(Config.withDefault(1)),
  nodeOptions: Config.string("SOAK_NODE_OPTIONS").pipe(Config.withDefault(""))
})

const SAMPLE = Duration.seconds(10)

const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN

export const run: Effect.Effect<void, unknown> = Effect.gen(function* () {
  const s = yield* settings
  const base = yield* Effect.acquireRelease(
    Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "ms-bench-soak-"))),
    (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
  )
  const moviesDir = yield* writeClipLibrary(base, s.movies)

  const node = yield* spawnNode({
    DATA_DIR: Path.join(base, "data"),
    PLAYBACK_TRANSCODE_DIR: Path.join(base, "transcodes"),
    PLAYBACK_SEGMENT_SECONDS: "2",
    // The same sign-in serves the whole run, however long; the clients, all on 127.0.0.1, stand for
    // many users, so the per-address request limit is off.
    AUTH_ACCESS_TOKEN_TTL: "1 day",
    HTTP_RATE_LIMIT: "0",
    ...(s.nodeOptions === "" ? {} : { NODE_OPTIONS: s.nodeOptions })
  })
  const pid = node.child.pid
  if (pid === undefined) return yield* new BenchIncomplete({ message: "the node did not start" })
  yield* waitFor200(node, "/readyz", Duration.seconds(120))
  const dead = () => node.child.exitCode !== null || node.child.signalCode !== null

  // Idle: started, nothing asked of it yet; the median of a few samples once start-up work settled.
  yield* Effect.sleep(Duration.seconds(10))
  const idleRss = median(yield* Effect.forEach([0, 1, 2, 3, 4], () => Effect.zipLeft(rssMb(pid), Effect.sleep(Duration.seconds(1)))))
  progress(`idle RSS ${round(idleRss, 1)} MB (load average ${Os.loadavg().map((n) => n.toFixed(2)).join(" ")})`)

  const tally = makeTally()
  const client: Client = { url: node.url, token: yield* adminToken(node), tally }
  const { clipId, libraryId } = yield* setUpClipLibrary(client, moviesDir)
  yield* Effect.sleep(Duration.seconds(5))
  const setupFds = yield* fdCount(pid)
  const setupKinds = yield* fdKinds(pid)
  progress(`set up: library ${libraryId}, clip ${clipId}; ${setupFds} open descriptors, RSS ${round(yield* rssMb(pid), 1)} MB`)

  // The load.
  const stop = yield* Ref.make(false)
  const pause = Duration.millis(25)
  const stoppable = yield* Effect.forEach([
    ...Array.from({ length: s.browsers }, () => until(stop, browse(client, pause))),
    ...Array.from({ length: s.sessions }, (_, i) => until(stop, play(client, clipId, i % 3 === 2 ? TRANSCODE_CLIENT : REMUX_CLIENT, Duration.millis(250))))
  ], (loop) => Effect.fork(loop))
  let jobIndex = 0
  const background = yield* Effect.forEach([
    Effect.forever(Effect.zipRight(scan(client, libraryId), Effect.sleep(Duration.seconds(s.scanSeconds)))),
    Effect.forever(Effect.zipRight(Effect.suspend(() => runJob(client, jobIndex++)), Effect.sleep(Duration.seconds(s.jobSeconds))))
  ], (loop) => Effect.fork(loop))

  const loadMs = s.minutes * 60_000
  const firstMinuteMs = Math.min(60_000, loadMs / 2)
  const started = Date.now()
  let firstMinuteRss = Number.NaN
  let lastRss = Number.NaN
  let firstMinuteFds = Number.NaN
  while (Date.now() - started < loadMs && !dead()) {
    yield* Effect.sleep(Duration.millis(Math.min(Duration.toMillis(SAMPLE), Math.max(0, loadMs - (Date.now() - started)))))
    lastRss = yield* rssMb(pid)
    if (Number.isNaN(firstMinuteRss) && Date.now() - started >= firstMinuteMs) {
      firstMinuteRss = lastRss
      firstMinuteFds = yield* fdCount(pid)
    }
    progress(`load ${Math.round((Date.now() - started) / 1000)} s: RSS ${round(lastRss, 1)} MB, ${yield* fdCount(pid)} fds, ` +
      `${(yield* descendants(pid)).length} child processes, ${tally.requests} requests, ${tally.errors} errors`)
  }
  yield* Ref.set(stop, true)
  yield* Effect.forEach(background, Fiber.interrupt)
  yield* Effect.forEach(stoppable, Fiber.join)
  const endRss = lastRss
  progress(`load done: ${tally.requests} requests, ${tally.errors} errors; RSS after the first minute ${round(firstMinuteRss, 1)} MB, at the end ${round(endRss, 1)} MB`)

  // Idle: every session was stopped; their ffmpeg must go, and descriptors come back to where they were.
  const idleEnd = Date.now() + s.idleSeconds * 1000
  const fds: Array<number> = []
  while (Date.now() < idleEnd && !dead()) {
    yield* Effect.sleep(Duration.seconds(5))
    fds.push(yield* fdCount(pid))
  }
  const left = (yield* descendants(pid)).filter((p) => p.name.includes("ffmpeg"))
  const endFds = Math.min(...fds.slice(-3))
  progress(`descriptors: ${setupFds} at set-up, ${firstMinuteFds} after the first minute, ${endFds} at the end; ` +
    `since set-up: ${fdChanges(setupKinds, yield* fdKinds(pid)) || "none changed"}`)
  progress(`after ${s.idleSeconds} s idle: RSS ${round(yield* rssMb(pid), 1)} MB, fds ${fds.join(" ")}, ffmpeg left: ${JSON.stringify(left)}`)
  if (tally.errors > 0) progress(`errors by kind:\n  ${failureKinds(tally).join("\n  ")}`)
  const crashed = dead()
  if (crashed) progress(`the node ended: ${node.output().slice(-4000)}`)

  emit(BENCH, "idle_rss_mb", round(idleRss, 1), "MB")
  if (!crashed) {
    emit(BENCH, "soak_rss_growth_pct", round(((endRss - firstMinuteRss) / firstMinuteRss) * 100, 1), "%")
    emit(BENCH, "fd_growth", endFds - firstMinuteFds, "count")
    emit(BENCH, "orphan_ffmpeg", left.length, "count")
  }
  emit(BENCH, "errors", tally.errors + (crashed ? 1 : 0), "count")
  emit(BENCH, "requests", tally.requests, "count")
}).pipe(Effect.scoped)
