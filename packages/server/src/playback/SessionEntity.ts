/**
 * The `PlaybackSession` entity (id = session id): owns the session's ffmpeg run, its throttling and
 * its idle timeout. Its state is the session row (reloaded when the entity starts on a node, so after
 * a failover the next request resumes from the saved position) plus, in memory, the run in progress.
 * One run at a time: a request for another variant, or for a segment far from what the run produces
 * (a seek), replaces it with a run starting at that segment. Closing the entity (stop, idle, shard
 * move, shutdown) kills ffmpeg and removes the session's directory.
 */
import { Entity } from "@effect/cluster"
import {
  Conflict,
  NotFound,
  PlaybackSession,
  PlaybackSessionEntity,
  PlaybackSessionId,
  PlaybackStopped,
  type PlaybackProfile,
  type SegmentPart,
  Unavailable
} from "@mediaserver/domain"
import { DateTime, Deferred, Duration, Effect, Layer, Option, Schema } from "effect"
import * as Path from "node:path"
import { orUnavailable } from "../access/Policy.js"
import { CacheStore } from "../cache/index.js"
import { NodeIdentity } from "../cluster/NodeIdentity.js"
import { AppConfig, type AppConfigShape } from "../config/AppConfig.js"
import { UserProgress } from "../content/UserProgress.js"
import { locateTool } from "../system/ToolPaths.js"
import { Events } from "../events/Events.js"
import { sessionAudio, variantOf } from "./Decision.js"
import { type DirWatch, makeChanges, watchDir } from "./DirChanges.js"
import { extractWebvtt, type FfmpegProcess, hlsArgs, startFfmpeg } from "./Ffmpeg.js"
import { type Layout, layoutOf } from "./Layout.js"
import { segmentName } from "./Playlists.js"
import { isIdle, throttleStep } from "./Pacing.js"
import { exists, listDir, makeDir, readBytes, readText, removeDir, removeFiles, writeText } from "./SessionFiles.js"
import { type SessionRecord, SessionsRepo, sessionTag } from "./SessionsRepo.js"

/** A request this many segments past what the run has produced is a seek: restart there. */
const SEEK_GAP = 2
/** The shortest wait between two idle checks. */
const TICK = Duration.millis(200)
/** Segments kept behind the last one requested. */
const KEEP_BEHIND = 10
/** How often a request waiting for a segment, or a running ffmpeg's pacing, looks without being woken. */
const RECHECK = Duration.seconds(1)
/** The same when the run's directory cannot be watched. */
const POLL = Duration.millis(20)

export const transcodeRoot = (config: AppConfigShape) =>
  Option.getOrElse(config.playbackTranscodeDir, () => Path.join(config.dataDir, "transcodes"))

interface Run {
  readonly profile: PlaybackProfile
  /** The segment it started at. */
  readonly start: number
  readonly layout: Layout
  readonly dir: string
  readonly process: FfmpegProcess
  /** The watcher of `dir`, which wakes the session's waiters. */
  readonly watch: DirWatch
}

const SEGMENT = /^(\d+)\.(ts|m4s)$/
/** The number of a segment file; null for any other file. */
const segmentNumber = (name: string) => {
  const n = SEGMENT.exec(name)
  return n === null ? null : Number(n[1])
}

/** A segment of several files (TS packets, or fMP4 fragments, follow one another as they are). */
const joined = (pieces: ReadonlyArray<Uint8Array>): Uint8Array => {
  if (pieces.length === 1 && pieces[0] !== undefined) return pieces[0]
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.byteLength, 0))
  let at = 0
  for (const piece of pieces) {
    out.set(piece, at)
    at += piece.byteLength
  }
  return out
}

const ended = new Conflict({ message: "The playback session has ended" })

const build = Effect.gen(function* () {
  const address = yield* Entity.CurrentAddress
  const id = yield* Schema.decodeUnknown(PlaybackSessionId)(address.entityId).pipe(Effect.orDie)
  const config = yield* AppConfig
  const repo = yield* SessionsRepo
  const watch = yield* UserProgress
  const events = yield* Events
  const node = yield* NodeIdentity
  const store = yield* CacheStore
  const ffmpeg = locateTool(config, "ffmpeg")
  const binary = ffmpeg.path
  // The packaged ffmpeg (a 2018 build) ignores `-hls_flags temp_file`: it writes each file in place, so
  // a file is whole only once the next one exists or the run has ended.
  const inPlace = ffmpeg.source === "packaged"
  const dir = Path.join(transcodeRoot(config), id)
  const lock = yield* Effect.makeSemaphore(1)
  // One extraction at a time: a second request for a track waits for the first and reads its file.
  const subtitleLock = yield* Effect.makeSemaphore(1)
  // What the waiters of this session wait on (see DirChanges).
  const changes = yield* makeChanges

  let record: SessionRecord | null = null
  let lastActive = Date.now()
  /** Stream requests being answered: a slow one (ffmpeg on a busy machine) is activity too. */
  let inFlight = 0
  const busy = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.suspend(() => {
      inFlight++
      lastActive = Date.now()
      return Effect.ensuring(effect, Effect.sync(() => {
        inFlight--
        lastActive = Date.now()
      }))
    })
  let run: Run | null = null
  let lastRequested = 0

  const load = Effect.gen(function* () {
    if (record !== null) return record
    const found = yield* orUnavailable(repo.get(id))
    if (Option.isNone(found)) return yield* new NotFound({ message: `No playback session ${id}` })
    lastActive = found.value.session.lastActiveAt.epochMillis
    const { session } = found.value
    // Written when the session moves here (first start, failover), not on every load.
    if (session.state === "active" && session.node !== node.id) {
      yield* orUnavailable(repo.setNode(id, node.id))
      record = { ...found.value, session: new PlaybackSession({ ...session, node: node.id }) }
    } else {
      record = found.value
    }
    return record
  })
  const active = Effect.flatMap(load, (r) => (r.session.state === "active" ? Effect.succeed(r) : Effect.fail(ended)))
  const reload = Effect.suspend(() => {
    record = null
    return load
  })

  const finished = (r: Run) => !r.process.running()
  const layoutFor = (r: SessionRecord): Layout =>
    layoutOf(r.session.durationSeconds, r.options.segmentSeconds, r.options.cuts)
  const filePath = (profile: PlaybackProfile, file: number, r: SessionRecord) =>
    Path.join(dir, profile, segmentName(file, r.options.segmentFormat))
  /** The files of a segment (one for fixed segments, one per keyframe for a copy). */
  const segmentFiles = (profile: PlaybackProfile, segment: number, r: SessionRecord) => {
    const [from, to] = layoutFor(r).files(segment)
    return Array.from({ length: to - from }, (_, i) => filePath(profile, from + i, r))
  }

  /**
   * The last segment of the unbroken series the run has ready, counted from its start (or from the
   * oldest one pruning keeps). Files of earlier runs further on count only once the series reaches them.
   */
  const lastProduced = (r: Run, names: ReadonlyArray<string>) => {
    const ready = new Set(names.map(segmentNumber))
    if (inPlace && !finished(r)) ready.delete(Math.max(-1, ...[...ready].flatMap((n) => (n === null ? [] : [n]))))
    let next = r.layout.files(Math.max(r.start, lastRequested - KEEP_BEHIND))[0]
    while (ready.has(next)) next++
    // The segment of the first missing file is not complete yet.
    return r.layout.segmentOfFile(next) - 1
  }
  const produced = (r: Run) => Effect.map(listDir(r.dir), (names) => lastProduced(r, names))
  const recheck = (r: Run) => (r.watch.watching() ? RECHECK : POLL)

  const stopRun = Effect.suspend(() => {
    const current = run
    run = null
    return current === null ? Effect.void : Effect.zipRight(current.process.kill, current.watch.close)
  })

  /** Uninterruptible: a request given up halfway must not leave an ffmpeg or a watcher that no run holds. */
  const startRun = (r: SessionRecord, profile: PlaybackProfile, start: number) =>
    Effect.uninterruptible(Effect.gen(function* () {
      yield* stopRun
      const video = r.info.video
      if (video === null) return yield* new NotFound({ message: "The file has no video stream" })
      const runDir = Path.join(dir, profile)
      yield* makeDir(runDir)
      // Watched before ffmpeg starts: none of its files can appear unseen.
      const watch = yield* watchDir(runDir, changes.notify)
      const burn = r.options.burnSubtitle
        ? r.options.sources.find((s) => s.id === r.options.subtitle)?.index ?? null
        : null
      const audio = sessionAudio(r.info, r.options.audioStream)
      const layout = layoutFor(r)
      const args = hlsArgs({
        input: r.path,
        video,
        audio,
        variant: variantOf(r.info, video, r.session.decision, profile),
        copyAudio: r.session.decision.copyAudio,
        downmix: r.options.downmix,
        burnStream: burn,
        startSeconds: layout.start(start),
        startNumber: layout.files(start)[0],
        segmentSeconds: r.options.segmentSeconds,
        keyframed: layout.keyframed,
        format: r.options.segmentFormat,
        dir: runDir,
        preset: config.playbackX264Preset,
        legacyHls: inPlace
      })
      const process = yield* startFfmpeg(binary, args)
      yield* Effect.logDebug(`playback ${id}: ffmpeg ${process.pid} for ${profile} from segment ${start}`)
      const started: Run = { profile, start, layout, dir: runDir, process, watch }
      run = started
      // The player asks for the run's first segment next: throttle from there.
      lastRequested = start
      changes.notify()
      return started
    }))

  /**
   * Keeps ffmpeg at most THROTTLE segments ahead of the player (suspended beyond, resumed below), and
   * deletes segments well behind the player (a film's worth would fill the disk; a seek back re-encodes).
   */
  const pace = Effect.suspend(() => {
    const current = run
    if (current === null) return Effect.void
    return Effect.flatMap(listDir(current.dir), (names) => {
      const keepFrom = current.layout.files(Math.max(0, lastRequested - KEEP_BEHIND))[0]
      const behind = names.filter((name) => {
        const n = segmentNumber(name)
        return n !== null && n < keepFrom
      })
      const step = finished(current)
        ? "keep"
        : throttleStep(lastProduced(current, names), lastRequested, config.playbackThrottleSegments, current.process.suspended())
      return Effect.zipRight(
        behind.length === 0 ? Effect.void : removeFiles(current.dir, behind),
        step === "suspend" ? current.process.suspend : step === "resume" ? current.process.resume : Effect.void
      )
    })
  })

  /** The run that will produce `part` of `profile`: the current one if it is close, else a new one. */
  const runFor = (r: SessionRecord, profile: PlaybackProfile, part: SegmentPart | "position") =>
    lock.withPermits(1)(Effect.gen(function* () {
      const current = run
      // A seek lands on the segment start (a keyframe, for a copy) at or before the position.
      const at = typeof part === "number" ? part : layoutFor(r).segmentAt(r.session.positionSeconds)
      if (current !== null && current.profile === profile) {
        if (typeof part !== "number") return current
        const last = yield* produced(current)
        if (!finished(current) && part >= current.start && part <= last + SEEK_GAP) return current
      }
      return yield* startRun(r, profile, at)
    }))

  /** A segment file ffmpeg has finished (see `inPlace`). */
  const whole = (path: string) =>
    Effect.gen(function* () {
      if (!(yield* exists(path))) return false
      const number = segmentNumber(Path.basename(path))
      if (!inPlace || number === null) return true
      if (yield* exists(Path.join(Path.dirname(path), Path.basename(path).replace(/^\d+/, String(number + 1))))) return true
      const current = run
      return current !== null && current.dir === Path.dirname(path) && finished(current)
    })

  /** Looks again at each change in the session (or ffmpeg's end), until the file is whole or the deadline. */
  const waitFor = (path: string, r: Run) =>
    Effect.gen(function* () {
      const deadline = Date.now() + Duration.toMillis(config.playbackSegmentTimeout)
      for (;;) {
        const change = yield* changes.next
        if (yield* whole(path)) return
        if (finished(r)) {
          const code = yield* Deferred.await(r.process.exited)
          return yield* new Unavailable({ message: `ffmpeg ended (${code}) without producing it: ${r.process.stderr().trim()}` })
        }
        const left = deadline - Date.now()
        if (left <= 0) return yield* new Unavailable({ message: "ffmpeg did not produce the segment in time" })
        yield* Effect.raceAll([change, Deferred.await(r.process.exited), Effect.sleep(Math.min(left, Duration.toMillis(recheck(r))))])
      }
    })

  const checkProfile = (r: SessionRecord, profile: PlaybackProfile) =>
    r.session.decision.profiles.includes(profile)
      ? Effect.void
      : Effect.fail(new NotFound({ message: `The session offers no ${profile} variant` }))

  const stop = (reason: string) =>
    Effect.gen(function* () {
      const r = yield* load
      yield* lock.withPermits(1)(stopRun)
      yield* removeDir(dir)
      const stopped = yield* orUnavailable(repo.stop(id, reason))
      // Stream requests read the row through the cache: they must see the stop at once.
      yield* store.invalidateTag(sessionTag(id))
      if (stopped) {
        yield* events.publish(new PlaybackStopped({
          sessionId: id, userId: r.session.userId, item: r.session.item, reason, positionSeconds: r.session.positionSeconds
        }))
      }
      yield* reload
    })

  yield* Effect.addFinalizer(() => Effect.zipRight(Effect.suspend(() => stopRun), removeDir(dir)))

  // Pacing runs at each change in the session; while ffmpeg produces, it also looks again now and
  // then (a missed event costs a few segments ahead at most). A throttled or finished run costs nothing.
  yield* Effect.forkScoped(Effect.forever(Effect.gen(function* () {
    const change = yield* changes.next
    yield* Effect.ignoreLogged(pace)
    const current = run
    yield* current !== null && !finished(current) && !current.process.suspended()
      ? Effect.raceFirst(change, Effect.sleep(recheck(current)))
      : change
  })))
  // The idle timeout (no heartbeat nor stream request for PLAYBACK_IDLE_TIMEOUT), checked when it may be due.
  const timeoutMs = Duration.toMillis(config.playbackIdleTimeout)
  const open = () => record !== null && record.session.state === "active"
  const idle = Effect.suspend(() =>
    open() && inFlight === 0 && isIdle(lastActive, Date.now(), config.playbackIdleTimeout) ? stop("idle") : Effect.void
  )
  const untilDue = Effect.suspend(() =>
    Effect.sleep(open() ? Math.max(Duration.toMillis(TICK), lastActive + timeoutMs - Date.now() + 1) : timeoutMs)
  )
  yield* Effect.forkScoped(Effect.forever(Effect.zipRight(untilDue, Effect.ignoreLogged(idle))))

  return {
    Prepare: ({ payload }: { readonly payload: { readonly profile: PlaybackProfile } }) =>
      busy(Effect.gen(function* () {
        const r = yield* active
        yield* checkProfile(r, payload.profile)
        yield* runFor(r, payload.profile, "position")
      })),
    // A player that only fetches segments (a TV, a cast device) is playing: its requests are activity.
    Segment: ({ payload }: { readonly payload: { readonly profile: PlaybackProfile; readonly part: SegmentPart } }) =>
      busy(Effect.gen(function* () {
        const r = yield* active
        yield* checkProfile(r, payload.profile)
        const { part, profile } = payload
        const layout = layoutFor(r)
        if (part === "init" ? r.options.segmentFormat !== "fmp4" : part >= layout.count) {
          return yield* new NotFound({ message: `No segment ${part}` })
        }
        if (typeof part === "number") {
          lastRequested = part
          // Pacing follows the player: resume a throttled ffmpeg, delete what is now far behind.
          changes.notify()
        }
        const initPath = Path.join(dir, profile, "init.mp4")
        const paths = part === "init" ? [initPath] : segmentFiles(profile, part, r)
        // ffmpeg writes init.mp4 in place: it is complete once the run's first segment is.
        const current = run
        const initPending = part === "init" && (current === null || current.profile !== profile ||
          (yield* produced(current)) < current.start)
        const ready = yield* Effect.forEach(paths, whole)
        if (initPending || ready.includes(false)) {
          const producing = yield* runFor(r, profile, part)
          // Files appear in order, each once complete: the segment's last one means all of it.
          const last = part === "init" ? segmentFiles(profile, producing.start, r).at(-1) : paths.at(-1)
          yield* waitFor(last ?? initPath, producing)
        }
        return joined(yield* Effect.forEach(paths, readBytes))
      })),
    Subtitle: ({ payload }: { readonly payload: { readonly track: number } }) =>
      busy(Effect.gen(function* () {
        const r = yield* active
        const source = r.options.sources.find((s) => s.id === payload.track)
        const offered = r.options.subtitles.some((s) => s.id === payload.track && s.delivery === "webvtt")
        if (source === undefined || !offered) return yield* new NotFound({ message: `No text subtitle track ${payload.track}` })
        // Extracted once per session (the player asks again on every seek or track switch); the file
        // goes with the session's directory.
        const cached = Path.join(dir, "subtitles", `${payload.track}.vtt`)
        return yield* subtitleLock.withPermits(1)(Effect.gen(function* () {
          if (yield* exists(cached)) return yield* readText(cached)
          const text = yield* extractWebvtt(binary, source.path ?? r.path, source.index)
          yield* writeText(cached, text).pipe(Effect.catchAll((e) => Effect.logWarning(`playback ${id}: ${e.message}`)))
          return text
        }))
      })),
    Heartbeat: ({ payload }: { readonly payload: { readonly positionSeconds: number; readonly paused: boolean } }) =>
      Effect.gen(function* () {
        const r = yield* active
        const position = Math.min(payload.positionSeconds, r.session.durationSeconds)
        const saved = yield* orUnavailable(repo.heartbeat(id, position, payload.paused))
        if (Option.isNone(saved)) {
          // Stopped elsewhere (the health job): the next request reads the row again.
          record = null
          return yield* ended
        }
        lastActive = Date.now()
        yield* orUnavailable(watch.setProgress(r.session.userId, r.session.item, position, r.session.durationSeconds))
        // The row changed only where this heartbeat changed it: no need to read it back.
        const session = new PlaybackSession({
          ...r.session, positionSeconds: position, paused: payload.paused, lastActiveAt: DateTime.unsafeFromDate(saved.value)
        })
        record = { ...r, session }
        return session
      }),
    Stop: ({ payload }: { readonly payload: { readonly reason: string } }) => stop(payload.reason)
  }
})

/** Registered on every runner (all runners on one database register the same entities). */
export const PlaybackSessionEntityLive = Layer.unwrapEffect(
  Effect.gen(function* () {
    const config = yield* AppConfig
    // What a previous process of this node left (it was killed before its entities closed).
    yield* removeDir(transcodeRoot(config))
    return PlaybackSessionEntity.toLayer(build, {
      concurrency: "unbounded",
      // Outlives the idle timeout, so the entity's own check stops an idle session first.
      maxIdleTime: Duration.sum(config.playbackIdleTimeout, Duration.seconds(30))
    })
  })
)
