/**
 * `npm run bench -- playback`: a whole node in this process on real Postgres, a movie library holding a
 * generated 1080p H.264 + AAC clip (Matroska, a keyframe every 3 s), scanned and probed. Timed over HTTP,
 * median of BENCH_PLAYBACK_RUNS (3), each on a new session:
 *  - remux_first_segment_s: POST /sessions to the first segment served (master, media playlist, segment 0);
 *  - transcode_first_segment_s: the same for the 720p variant of a client limited to 720p;
 *  - seek_s: in that session, the segment at 50% of the duration (ffmpeg restarts there);
 *  - ratio_to_ffmpeg: transcode_first_segment_s over a bare ffmpeg producing the same first segment
 *    (the same arguments, timed from spawn to the segment file);
 *  - idle_session_cpu_ms_per_s: the node's CPU per open session that nobody reads from (segment 0
 *    served, ffmpeg throttled or done), over the node's own idle CPU (idle_node_cpu_ms_per_s).
 */
import { SqlClient } from "@effect/sql"
import { Config, Context, Effect, Redacted, Schema } from "effect"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { MediaInfo, PlaybackDecision } from "@mediaserver/domain"
import { variantOf } from "@mediaserver/server/playback"
import { hlsArgs } from "@mediaserver/server/playback"
import { account, request } from "@mediaserver/testkit/Http"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"
import { TestMedia } from "@mediaserver/testkit/TestMedia"
import { createSession, fetchRaw, ffmpegPids, playableMovies, processState } from "@mediaserver/testkit/PlaybackNode"
import { eventually } from "@mediaserver/testkit/Poll"
import { emit, progress, round } from "./report.js"
import { startNode } from "./support/jobs-node.js"

const BENCH = "playback"
const DURATION = 30
const SEGMENT = 3
/**
 * Open sessions, and the windows of the idle figure: its median, since the first window after opening
 * the sessions still holds their aftermath (garbage collection, connections going idle).
 */
const IDLE_SESSIONS = 16
const IDLE_WINDOW_MS = 2000
const IDLE_WINDOWS = 5

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

const timed = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.all([Effect.sync(() => performance.now()), effect, Effect.sync(() => performance.now())]), ([a, value, b]) => ({
    value,
    seconds: (b - a) / 1000
  }))

const ok = (what: string) => (res: { readonly status: number; readonly text: string }) =>
  res.status === 200 ? Effect.void : Effect.die(`${what} answered ${res.status}: ${res.text.slice(0, 300)}`)

/** A bare ffmpeg with our arguments, from spawn until its first segment exists (then killed). */
const bareFirstSegment = (binary: string, args: ReadonlyArray<string>, segment: string) =>
  Effect.async<number>((resume) => {
    const started = performance.now()
    const child = spawn(binary, args, { stdio: "ignore" })
    const timer = setInterval(() => {
      if (Fs.existsSync(segment)) {
        clearInterval(timer)
        const seconds = (performance.now() - started) / 1000
        child.kill("SIGKILL")
        resume(Effect.succeed(seconds))
      }
    }, 2)
    return Effect.sync(() => {
      clearInterval(timer)
      child.kill("SIGKILL")
    })
  })

export const run: Effect.Effect<void, unknown> = Effect.gen(function* () {
  const runs = yield* Config.integer("BENCH_PLAYBACK_RUNS").pipe(Config.withDefault(3))
  const dir = yield* Effect.acquireRelease(
    Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "ms-bench-play-"))),
    (d) => Effect.sync(() => Fs.rmSync(d, { recursive: true, force: true }))
  )
  const source = Path.join(dir, "source.mkv")
  progress(`encoding a ${DURATION} s 1080p H.264 source`)
  yield* TestMedia.exec(yield* TestMedia.ffmpegPath, [
    "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", `testsrc2=size=1920x1080:rate=24:duration=${DURATION}`, "-f", "lavfi", "-i", `sine=frequency=440:duration=${DURATION}`,
    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", String(24 * SEGMENT), "-keyint_min", String(24 * SEGMENT),
    "-sc_threshold", "0", "-c:a", "aac", "-ac", "2", "-shortest", source
  ])

  const db = yield* freshDatabase("benchplay")
  const transcodes = Path.join(dir, "transcodes")
  const node = yield* startNode({
    DATABASE_URL: Redacted.value(db.url), LOG_LEVEL: "Warning", PLAYBACK_SEGMENT_SECONDS: String(SEGMENT), PLAYBACK_TRANSCODE_DIR: transcodes
  })
  const url = `http://127.0.0.1:${node.port}`
  const sql = Context.get(node.context, SqlClient.SqlClient)
  const admin = (yield* account(url, "admin")).auth
  const { movies } = yield* playableMovies(url, admin, sql, { Source: source })
  const item = { _tag: "movie", id: movies["Source"] }

  const firstSegment = (client: Record<string, unknown>, profile: string) =>
    timed(Effect.gen(function* () {
      const steps = [performance.now()]
      const session = yield* createSession(url, admin, { item, client, startSeconds: 0 })
      const base = `/api/v1/playback/stream/${session.id}`
      steps.push(performance.now())
      yield* Effect.flatMap(fetchRaw(url, `${base}/master.m3u8`, admin), ok("master"))
      steps.push(performance.now())
      yield* Effect.flatMap(fetchRaw(url, `${base}/${profile}/index.m3u8`, admin), ok("index"))
      steps.push(performance.now())
      yield* Effect.flatMap(fetchRaw(url, `${base}/${profile}/0.ts`, admin), ok("segment 0"))
      steps.push(performance.now())
      const ms = steps.slice(1).map((t, i) => Math.round(t - (steps[i] ?? t)))
      progress(`${profile}: session ${ms[0]} ms, master ${ms[1]} ms, playlist ${ms[2]} ms, segment ${ms[3]} ms`)
      return session
    }))
  const stop = (id: string) => request(url, "DELETE", `/api/v1/playback/sessions/${id}`, { auth: admin })

  const remux = { containers: ["mp4"], videoCodecs: ["h264"], audioCodecs: ["aac"] }
  const limited = { ...remux, maxHeight: 720 }
  // Unmeasured: warms the page cache, the node's code paths and the database connections.
  yield* Effect.flatMap(firstSegment(remux, "original"), ({ value }) => stop(value.id))

  // The same first segment (720p, segment 0) from a bare ffmpeg with the arguments our run uses,
  // measured in each run right after ours, so both see the same machine load.
  const [row] = yield* sql<{ probe: unknown }>`SELECT probe FROM media_files LIMIT 1`
  const info = yield* Schema.decodeUnknown(MediaInfo)(row?.probe)
  const video = info.video
  if (video === null) return yield* Effect.die("the source has no video")
  const ffmpeg = yield* TestMedia.ffmpegPath
  const decision = new PlaybackDecision({ method: "transcode", reasons: [], profiles: ["720p"], copyVideo: false, copyAudio: true })
  const bare = (i: number) => {
    const out = Path.join(dir, `bare-${i}`)
    Fs.mkdirSync(out)
    const args = hlsArgs({
      input: source, video, audio: info.audio[0] ?? null, variant: variantOf(info, video, decision, "720p"), copyAudio: true,
      downmix: false, burnStream: null, startSeconds: 0, startNumber: 0, segmentSeconds: SEGMENT, keyframed: false, format: "ts", dir: out, preset: "veryfast", legacyHls: false
    })
    return bareFirstSegment(ffmpeg, args, Path.join(out, "0.ts"))
  }

  const remuxS: Array<number> = []
  const transcodeS: Array<number> = []
  const seekS: Array<number> = []
  const bareS: Array<number> = []
  for (let i = 0; i < runs; i++) {
    const r = yield* firstSegment(remux, "original")
    if (r.value.decision.method !== "remux") return yield* Effect.die(`expected a remux, got ${r.value.decision.method}`)
    remuxS.push(r.seconds)
    yield* stop(r.value.id)
    const t = yield* firstSegment(limited, "720p")
    if (t.value.decision.method !== "transcode") return yield* Effect.die(`expected a transcode, got ${t.value.decision.method}`)
    transcodeS.push(t.seconds)
    const middle = Math.floor(DURATION / SEGMENT / 2)
    const seek = yield* timed(Effect.flatMap(fetchRaw(url, `/api/v1/playback/stream/${t.value.id}/720p/${middle}.ts`, admin), ok("seek")))
    seekS.push(seek.seconds)
    yield* stop(t.value.id)
    bareS.push(yield* bare(i))
    progress(`run ${i + 1}: remux ${round(r.seconds, 3)} s, transcode ${round(t.seconds, 3)} s, seek ${round(seek.seconds, 3)} s, ` +
      `bare ffmpeg ${round(bareS[i] ?? 0, 3)} s`)
  }


  // Idle sessions: opened, segment 0 served, then left alone once every ffmpeg is throttled (stopped) or done.
  // The node runs in this process: its own CPU clock, in microseconds.
  const window = Effect.gen(function* () {
    const before = process.cpuUsage()
    yield* Effect.sleep(IDLE_WINDOW_MS)
    const used = process.cpuUsage(before)
    return (used.user + used.system) / 1000 / (IDLE_WINDOW_MS / 1000)
  })
  const idleCpuMsPerS = Effect.map(Effect.replicateEffect(window, IDLE_WINDOWS), (windows) => {
    progress(`idle CPU windows (ms/s): ${windows.map((w) => round(w, 1)).join(" ")}`)
    return median(windows)
  })
  const nodeIdle = yield* idleCpuMsPerS
  const open = yield* Effect.forEach(Array.from({ length: IDLE_SESSIONS }), () =>
    Effect.map(firstSegment(remux, "original"), ({ value }) => value.id), { concurrency: 4 })
  yield* eventually(
    Effect.flatMap(ffmpegPids(transcodes), (pids) => Effect.forEach(pids, processState)),
    (states) => states.every((s) => s === "T" || s === "gone"),
    { what: "every session's ffmpeg throttled or done", timeout: "60 seconds", interval: "200 millis" }
  )
  const withSessions = yield* idleCpuMsPerS
  yield* Effect.forEach(open, stop)
  progress(`idle: node ${round(nodeIdle, 2)} ms/s, with ${IDLE_SESSIONS} open sessions ${round(withSessions, 2)} ms/s`)

  emit(BENCH, "remux_first_segment_s", round(median(remuxS), 3), "s")
  emit(BENCH, "transcode_first_segment_s", round(median(transcodeS), 3), "s")
  emit(BENCH, "seek_s", round(median(seekS), 3), "s")
  emit(BENCH, "ratio_to_ffmpeg", round(median(transcodeS) / median(bareS), 2), "ratio")
  emit(BENCH, "idle_node_cpu_ms_per_s", round(nodeIdle, 2), "ms/s")
  emit(BENCH, "idle_session_cpu_ms_per_s", round((withSessions - nodeIdle) / IDLE_SESSIONS, 3), "ms/s")
}).pipe(Effect.scoped)
