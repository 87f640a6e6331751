/**
 * What a newcomer does on the embedded default, as one scenario for the embedded test and the
 * `embedded` benchmark: a server process on a fresh DATA_DIR (PGlite), a movie library of N small real
 * files (one ffmpeg-made clip, hard-linked under N movie names), a scan while another client pages
 * through the movies, and a second scan requested while the first one's probes run. Every page is
 * checked (status, shape, order, no repeats), and the process must stay up.
 */
import { Duration, Effect, Schedule, Schema } from "effect"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { type NodeProcess, spawnNode, waitFor200 } from "./NodeProcess.js"
import { exec, ffmpegPath } from "./TestMedia.js"

export class ScenarioFailure extends Schema.TaggedError<ScenarioFailure>()("ScenarioFailure", {
  message: Schema.String
}) {}

const fail = (message: string) => new ScenarioFailure({ message })

const MoviePage = Schema.Struct({
  items: Schema.Array(Schema.Struct({ id: Schema.String, title: Schema.String })),
  nextCursor: Schema.NullOr(Schema.String)
})
const Scan = Schema.Struct({
  id: Schema.String,
  status: Schema.String,
  phase: Schema.String,
  counts: Schema.Struct({ seen: Schema.Number, matched: Schema.Number })
})
const ScanList = Schema.Struct({ items: Schema.Array(Scan) })

export interface ScenarioOptions {
  readonly movies: number
  /** Page size of the browsing client. */
  readonly pageSize?: number
  /** How long to wait for the probes to finish before measuring idle pages (default: 1 s per 20 files). */
  readonly settleProbes?: Duration.Duration
  /** More environment for the server process (e.g. NODE_OPTIONS for a CPU profile). */
  readonly env?: Readonly<Record<string, string>>
}

export interface ScenarioResult {
  readonly files: number
  readonly scanSeconds: number
  /** Latencies (ms) of list pages while no background work ran (jobs settled or were cancelled first). */
  readonly idleMs: ReadonlyArray<number>
  /** Latencies (ms) of list pages answered during the scans and probes. */
  readonly busyMs: ReadonlyArray<number>
  /** Whether all probes finished before the scenario's deadline (if not, the rest were cancelled before idle pages). */
  readonly probesSettled: boolean
  readonly moviesListed: number
  readonly crashed: boolean
  readonly output: string
}

const titleOf = (i: number) => `Film Number ${i}`
const poll = Schedule.spaced(Duration.millis(250))
const JobsTotal = Schema.Struct({ total: Schema.Number })
const JobRuns = Schema.Struct({ items: Schema.Array(Schema.Struct({ id: Schema.String })) })

/** N movie folders holding hard links to one small clip (made once with ffmpeg). */
export const writeLibrary = (root: string, movies: number) =>
  Effect.gen(function* () {
    const clip = Path.join(root, ".clip.mkv")
    yield* exec(yield* ffmpegPath, [
      "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=10:duration=1",
      "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", clip
    ])
    yield* Effect.promise(async () => {
      for (let i = 0; i < movies; i += 250) {
        await Promise.all(Array.from({ length: Math.min(250, movies - i) }, async (_, k) => {
          const name = `${titleOf(i + k)} (${1950 + ((i + k) % 70)})`
          await Fs.mkdir(Path.join(root, "movies", name), { recursive: true })
          await Fs.link(clip, Path.join(root, "movies", name, `${name}.mkv`))
        }))
      }
    })
  })

export const api = (node: NodeProcess, token: string) => (path: string, init?: RequestInit) =>
  Effect.tryPromise({
    try: async () => {
      const res = await fetch(`${node.url}/api/v1${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...init?.headers }
      })
      const text = await res.text()
      return { status: res.status, body: text.length > 0 ? JSON.parse(text) : null }
    },
    catch: (cause) =>
      fail(
        node.child.exitCode !== null || node.child.signalCode !== null
          ? `the server process ended (${node.child.exitCode ?? node.child.signalCode}) during ${path}:\n${node.output().slice(-4000)}`
          : `${path}: ${String(cause)}`
      )
  })

/** Registers the admin (the first account) if needed and signs in. */
export const adminToken = (node: NodeProcess) =>
  Effect.tryPromise({
    try: async () => {
      const account = { username: "admin", email: "admin@example.com", password: "a long passphrase for tests" }
      const post = (path: string, body: unknown) =>
        fetch(`${node.url}/api/v1${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
      await post("/auth/register", account)
      const login = await post("/auth/login", { username: account.username, password: account.password })
      const body: unknown = await login.json()
      return Schema.decodeUnknownSync(Schema.Struct({ accessToken: Schema.String }))(body).accessToken
    },
    catch: (cause) => fail(`cannot sign in: ${String(cause)}`)
  })

export const runEmbeddedScenario = (options: ScenarioOptions) =>
  Effect.gen(function* () {
    const pageSize = options.pageSize ?? 48
    const base = yield* Effect.acquireRelease(
      Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "ms-embedded-scenario-"))),
      (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
    )
    yield* writeLibrary(base, options.movies)
    const node = yield* spawnNode({ ...options.env, DATA_DIR: Path.join(base, "data") })
    yield* waitFor200(node, "/readyz", Duration.seconds(90))
    const call = api(node, yield* adminToken(node))

    const created = yield* call("/libraries", {
      method: "POST",
      body: JSON.stringify({ name: "Movies", kind: "movie", paths: [Path.join(base, "movies")] })
    })
    if (created.status !== 201 && created.status !== 200) return yield* fail(`create library: ${created.status}`)
    const libraryId = Schema.decodeUnknownSync(Schema.Struct({ id: Schema.String }))(created.body).id

    /** One full pass through the list, page by page; every page is checked. Returns latencies and count. */
    const pageThrough = Effect.gen(function* () {
      const latencies: Array<number> = []
      const seen = new Set<string>()
      let cursor: string | null = null
      let previous = ""
      do {
        const query: string = `/movies?limit=${pageSize}&sort=title&order=asc${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`
        const started = performance.now()
        const res = yield* call(query)
        latencies.push(performance.now() - started)
        if (res.status !== 200) return yield* fail(`GET ${query}: ${res.status} ${JSON.stringify(res.body)}`)
        const page = yield* Schema.decodeUnknown(MoviePage)(res.body).pipe(Effect.mapError((e) => fail(`page shape: ${e.message}`)))
        for (const item of page.items) {
          if (seen.has(item.id)) return yield* fail(`movie ${item.id} listed twice in one pass`)
          if (item.title.localeCompare(previous) < 0 && previous !== "") {
            // Titles sort as the database collates them; only a step backwards is wrong.
            if (item.title < previous) return yield* fail(`order broken: ${previous} then ${item.title}`)
          }
          seen.add(item.id)
          previous = item.title
        }
        cursor = page.nextCursor
      } while (cursor !== null)
      return { latencies, count: seen.size }
    })

    const scans = call(`/libraries/${libraryId}/scans`).pipe(
      Effect.flatMap((res) => Schema.decodeUnknown(ScanList)(res.body)),
      Effect.mapError((e) => fail(`scans: ${String(e)}`))
    )
    const startScan = call(`/libraries/${libraryId}/scan`, { method: "POST" }).pipe(
      Effect.flatMap((res) => Schema.decodeUnknown(Scan)(res.body)),
      Effect.mapError((e) => fail(`start scan: ${String(e)}`))
    )
    const scanDone = (id: string) =>
      scans.pipe(
        Effect.flatMap((list) => {
          const scan = list.items.find((s) => s.id === id)
          return scan !== undefined && scan.status !== "running" ? Effect.succeed(scan) : Effect.fail(fail("running"))
        }),
        Effect.retry({ while: (e) => e.message === "running", schedule: poll })
      )
    const pendingStates = ["queued", "running", "retrying"] as const
    const probesPending = Effect.forEach(pendingStates, (state) =>
      call(`/admin/jobs?kind=library.probe&state=${state}&pageSize=1`).pipe(
        Effect.flatMap((res) => Schema.decodeUnknown(JobsTotal)(res.body)),
        Effect.mapError((e) => fail(`jobs: ${String(e)}`)),
        Effect.map((page) => page.total)
      )).pipe(Effect.map((totals) => totals.reduce((a, b) => a + b, 0)))
    // Any job kind still queued or running; idle pages are measured only once this is empty.
    const pendingRuns = Effect.forEach(pendingStates, (state) =>
      call(`/admin/jobs?state=${state}&pageSize=200`).pipe(
        Effect.flatMap((res) => Schema.decodeUnknown(JobRuns)(res.body)),
        Effect.mapError((e) => fail(`jobs: ${String(e)}`)),
        Effect.map((page) => page.items.map((run) => run.id))
      )).pipe(Effect.map((ids) => ids.flat()))
    const cancelUntilQuiet = pendingRuns.pipe(
      Effect.tap((ids) => Effect.forEach(ids, (id) => call(`/admin/jobs/${id}/cancel`, { method: "POST" }), { discard: true })),
      Effect.repeat({ until: (ids) => ids.length === 0, schedule: poll }),
      Effect.timeoutFail({ duration: Duration.seconds(120), onTimeout: () => fail("background jobs did not stop after cancel") })
    )

    const busy: Array<number> = []
    const browseWhile = <A, E, R>(work: Effect.Effect<A, E, R>) =>
      Effect.gen(function* () {
        const fiber = yield* Effect.fork(work)
        for (;;) {
          const pass = yield* pageThrough
          busy.push(...pass.latencies)
          const done = yield* fiber.poll
          if (done._tag === "Some") return yield* done.value
        }
      })

    const started = performance.now()
    const first = yield* startScan
    const firstDone = yield* browseWhile(scanDone(first.id))
    const scanSeconds = (performance.now() - started) / 1000
    if (firstDone.status !== "completed") return yield* fail(`first scan ended ${firstDone.status}`)

    // The second scan is asked for while the first one's probes run.
    const second = yield* startScan
    const secondDone = yield* browseWhile(scanDone(second.id))
    if (secondDone.status !== "completed") return yield* fail(`second scan ended ${secondDone.status}`)

    const probesSettled = yield* browseWhile(
      probesPending.pipe(
        Effect.repeat({ until: (n) => n === 0, schedule: poll }),
        Effect.as(true),
        Effect.timeoutTo({ duration: options.settleProbes ?? Duration.seconds(options.movies / 20), onTimeout: () => false, onSuccess: (b) => b })
      )
    )

    // Idle means idle: what did not finish in time is cancelled, so no page below shares the machine.
    yield* cancelUntilQuiet
    const idle: Array<number> = []
    let moviesListed = 0
    for (let pass = 0; pass < 3; pass++) {
      const result = yield* pageThrough
      idle.push(...result.latencies)
      moviesListed = result.count
    }
    const crashed = node.child.exitCode !== null || node.child.signalCode !== null
    return {
      files: options.movies,
      scanSeconds,
      idleMs: idle,
      busyMs: busy,
      probesSettled,
      moviesListed,
      crashed,
      output: node.output()
    } satisfies ScenarioResult
  })

