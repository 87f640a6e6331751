/**
 * Playback sessions as callers see them: create (pick the file, check library access, decide), read,
 * heartbeat and stop (through the session's entity), and the HLS stream: playlists are written here
 * from the session row on whichever node the request reached; segments and subtitles come from the
 * entity, which owns ffmpeg. Who may use a session is `owned` (owner or admin), the one check.
 */
import {
  Conflict,
  type CreatePlaybackSessionRequest,
  CurrentUser,
  type DatabaseError,
  type Forbidden,
  NotFound,
  type PlaybackHeartbeat,
  type PlaybackProfile,
  PlaybackDecision,
  PlaybackSession,
  PlaybackSessionEntity,
  PlaybackSessionId,
  PlaybackStarted,
  PlaybackStopped,
  Unauthorized,
  Unavailable,
  Unprocessable
} from "@mediaserver/domain"
import { Context, Duration, Effect, Layer, Option, Schema } from "effect"
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto"
import { any, requireAdmin, requireSelf } from "../access/Policy.js"
import { entityCall } from "../cluster/EntityCall.js"
import { CacheAside, CacheStore } from "../cache/index.js"
import { AppConfig } from "../config/AppConfig.js"
import { UserProgress } from "../content/UserProgress.js"
import { Events } from "../events/Events.js"
import { LibraryAccess } from "../library/LibraryAccess.js"
import { Settings } from "../settings/Service.js"
import { allContentChanged } from "../content/ContentCache.js"
import { readKeyframes } from "../library/Keyframes.js"
import { MediaProbe } from "../library/Probe.js"
import { ProbesRepo } from "../library/ProbesRepo.js"
import { externalSubtitlesOf } from "../library/Subtitles.js"
import { MediaTools } from "../system/MediaTools.js"
import { toolPath } from "../system/ToolPaths.js"
import { decide, hlsCarries, sessionAudio, variantOf } from "./Decision.js"
import { audioSegment } from "./Ffmpeg.js"
import { cutsFrom, layoutOf } from "./Layout.js"
import type { StreamTarget } from "./Names.js"
import { masterPlaylist, mediaPlaylist, subtitlePlaylist } from "./Playlists.js"
import { type PlayableFile, SessionRecord, SessionsRepo, sessionTag } from "./SessionsRepo.js"
import { subtitleTracks, type Tracks } from "./Tracks.js"

export interface StreamBody {
  readonly body: string | Uint8Array
  readonly contentType: string
}

const MPEGURL = "application/vnd.apple.mpegurl"
const TRANSCODE_LIMIT_KEY = "playback.maxConcurrentTranscodes"
/** The Retry-After of a refused transcode: sessions end at least this often in a busy cluster. */
export const TRANSCODE_RETRY_AFTER_SECONDS = 10

/** What a session will do: the decision and the choices it was made with. */
interface Plan {
  readonly decision: PlaybackDecision
  readonly audioStream: number | null
  readonly downmix: boolean
  readonly burn: boolean
  readonly tracks: Tracks
}
type StreamError = NotFound | Conflict | Unavailable | DatabaseError

export class PlaybackSessions extends Context.Tag("@mediaserver/playback/PlaybackSessions")<
  PlaybackSessions,
  {
    readonly create: (
      request: CreatePlaybackSessionRequest
    ) => Effect.Effect<PlaybackSession, NotFound | Forbidden | Conflict | Unprocessable | Unavailable | DatabaseError, CurrentUser>
    /** The policy of one session: its owner or an admin; anyone else gets 404 (no existence leak). */
    readonly owned: (id: PlaybackSessionId) => Effect.Effect<SessionRecord, NotFound | DatabaseError, CurrentUser>
    /**
     * `owned` for media requests (playlists, segments, subtitles, direct play) and heartbeats, the
     * frequent calls: the row comes from the cache (a stop drops it), its position may lag (the entity
     * holds the live one); the policy is checked every time.
     */
    readonly streaming: (id: PlaybackSessionId) => Effect.Effect<SessionRecord, NotFound | DatabaseError, CurrentUser>
    readonly heartbeat: (id: PlaybackSessionId, beat: PlaybackHeartbeat) => Effect.Effect<PlaybackSession, StreamError>
    readonly stop: (id: PlaybackSessionId, reason: string) => Effect.Effect<void, NotFound | Unavailable>
    readonly stream: (record: SessionRecord, target: StreamTarget) => Effect.Effect<StreamBody, StreamError>
    /**
     * A stream request keeps its session alive as a heartbeat does (players that send none are
     * playing too); written at most a few times per idle timeout per node.
     */
    readonly touch: (record: SessionRecord) => Effect.Effect<void, DatabaseError>
    /**
     * The session a signed stream URL's token names, if the token is its own and it is active; anything
     * else is 401 and says no more (the token is the only credential of those URLs).
     */
    readonly signed: (token: string) => Effect.Effect<SessionRecord, Unauthorized | DatabaseError>
    /** Stops every active session with no heartbeat for the idle timeout (the health job); how many. */
    readonly stopIdle: Effect.Effect<number, DatabaseError>
  }
>() {
  static readonly layer = Layer.scoped(
    PlaybackSessions,
    Effect.gen(function* () {
      const config = yield* AppConfig
      const repo = yield* SessionsRepo
      const access = yield* LibraryAccess
      const watch = yield* UserProgress
      const events = yield* Events
      const client = yield* PlaybackSessionEntity.client
      const store = yield* CacheStore
      const settings = yield* Settings
      const probe = yield* MediaProbe
      const tools = yield* MediaTools
      const probes = yield* ProbesRepo
      const ffprobe = toolPath(config, "ffprobe")
      const ffmpeg = toolPath(config, "ffmpeg")
      const records = yield* CacheAside.make({
        namespace: "playback-session",
        schema: SessionRecord,
        // Short: its state may lag a stop whose invalidation this node missed (Redis down).
        ttl: { l1: "10 seconds", l2: "1 minute" },
        tags: (id: PlaybackSessionId) => [sessionTag(id)]
      })
      // A segment may wait for ffmpeg up to PLAYBACK_SEGMENT_TIMEOUT; the call gets a little more.
      const timeout = Duration.sum(config.playbackSegmentTimeout, Duration.seconds(5))
      const call = (id: PlaybackSessionId) => entityCall(`PlaybackSession/${id}`, timeout)

      const transcodeLimit = settings.get("server", TRANSCODE_LIMIT_KEY).pipe(
        Effect.map((setting) => (typeof setting.value === "number" ? setting.value : 2)),
        Effect.catchTag("NotFound", () => Effect.succeed(2))
      )

      const notFound = (id: PlaybackSessionId) => new NotFound({ message: `No playback session ${id}` })
      const load = (id: PlaybackSessionId) =>
        Effect.flatMap(repo.get(id), Option.match({ onNone: () => Effect.fail(notFound(id)), onSome: Effect.succeed }))

      // Read once per file and kept with its probe: a copy's segments start at the source's keyframes.
      const keyframesOf = (file: PlayableFile, stream: number) =>
        file.keyframes !== null ? Effect.succeed(file.keyframes) : readKeyframes(ffprobe, file.path, stream).pipe(
          Effect.tap((times) => repo.saveKeyframes(file.id, times)),
          Effect.catchTags({
            ProbeFailed: (e) => new Unprocessable({ message: `The file's keyframes cannot be read: ${e.message}`, details: { field: "fileId" } }),
            ProbeUnavailable: (e) => new Unavailable({ message: `ffprobe cannot run: ${e.message}` })
          })
        )

      // A file the probe queue has not reached yet is probed now (a fraction of a second), not refused.
      const probeNow = (file: PlayableFile) =>
        Effect.gen(function* () {
          const stale = { id: file.id, path: file.path, size: file.size_bytes, mtimeMs: file.mtime_ms }
          const info = yield* probe.probe(file.path).pipe(
            Effect.tapError((e) => e._tag === "ProbeFailed" ? probes.saveAll([{ file: stale, error: e.message }]) : Effect.void)
          )
          const external = yield* externalSubtitlesOf([file.path])
          yield* probes.saveAll([{ file: stale, info, external: external.get(file.path) ?? [] }])
          yield* Effect.provideService(allContentChanged(file.library_id), CacheStore, store)
          return info
        }).pipe(
          Effect.catchTags({
            ProbeFailed: (e) => new Unprocessable({ message: `The file cannot be read: ${e.message}`, details: { field: "fileId" } }),
            ProbeTimeout: (e) => new Unavailable({ message: e.message }),
            ProbeUnavailable: (e) => new Unavailable({ message: `ffprobe cannot run: ${e.message}` })
          })
        )

      const create = (request: CreatePlaybackSessionRequest) =>
        Effect.gen(function* () {
          const user = yield* CurrentUser
          const files = yield* repo.files(request.item)
          const file = request.fileId === undefined
            ? files.find((f) => f.probe !== null) ?? files[0]
            : files.find((f) => f.id === request.fileId)
          const noFile = new NotFound({ message: `No playable file for ${request.item._tag} ${request.item.id}`, details: { field: "fileId" } })
          if (file === undefined) return yield* noFile
          // A library the caller cannot see answers exactly as a missing item: no hint that it exists.
          yield* access.require(file.library_id, "view").pipe(
            Effect.catchTags({ NotFound: () => Effect.fail(noFile), Forbidden: () => Effect.fail(noFile) })
          )
          const info = file.probe ?? (yield* probeNow(file))
          const durationSeconds = (info.durationMs ?? 0) / 1000
          if (durationSeconds <= 0) {
            return yield* new Unprocessable({ message: "The file's duration is unknown", details: { field: "fileId" } })
          }
          const video = info.video
          const burn = request.burnSubtitle === true
          const external = yield* repo.externalSubtitles(file.id)
          const asked: Plan = {
            decision: yield* decide(info, request.client, { audioStream: request.audioStream, downmix: request.downmix, burnSubtitle: burn }),
            audioStream: request.audioStream ?? null,
            downmix: request.downmix === true,
            burn,
            tracks: yield* subtitleTracks(info, external, request.subtitle, burn)
          }
          // HLS needs ffmpeg: without it a session would start and never deliver a segment.
          const ffmpegMissing = tools.status.find((t) => t.tool === "ffmpeg" && t.error !== null)
          if (asked.decision.method !== "direct" && ffmpegMissing !== undefined) {
            return yield* new Unavailable({
              message: `ffmpeg cannot run on this node (${ffmpegMissing.path}: ${ffmpegMissing.error}); set FFMPEG_PATH or install it`,
              details: { field: "ffmpeg" }
            })
          }
          const resume = request.startSeconds === undefined
            ? Effect.map(watch.get(user.userId, request.item), (p) => (p.watched ? 0 : p.positionSeconds))
            : Effect.succeed(request.startSeconds)
          const position = Math.min(yield* resume, durationSeconds)
          const id = PlaybackSessionId.make(randomUUID())
          const streamToken = randomBytes(32).toString("base64url")
          const insert = (plan: Plan, limit: number | null) =>
            Effect.gen(function* () {
              const { decision } = plan
              return yield* repo.insert({
                id,
                userId: user.userId,
                item: request.item,
                fileId: file.id,
                decision,
                durationSeconds,
                positionSeconds: position,
                streamToken,
                options: {
                  segmentFormat: request.client.segmentFormat ?? "ts",
                  segmentSeconds: config.playbackSegmentSeconds,
                  audioStream: plan.audioStream,
                  downmix: plan.downmix,
                  subtitle: request.subtitle ?? null,
                  burnSubtitle: plan.burn,
                  subtitles: plan.tracks.subtitles,
                  sources: plan.tracks.sources,
                  cuts: decision.copyVideo && video !== null
                    ? cutsFrom(yield* keyframesOf(file, video.index), config.playbackSegmentSeconds, durationSeconds)
                    : []
                }
              }, limit)
            })
          const decision = yield* Effect.gen(function* () {
            if (asked.decision.method !== "transcode") return yield* Effect.as(insert(asked, null), asked.decision)
            const limit = yield* transcodeLimit
            if (yield* insert(asked, limit)) return asked.decision
            // The cluster encodes its limit already: what the client plays without encoding (the file's
            // default audio, no burn-in, no downmix), else come back later.
            const plain = yield* decide(info, request.client, {}).pipe(Effect.orElseSucceed(() => asked.decision))
            if (plain.method === "transcode") {
              return yield* new Unavailable({
                message: `The server is running its limit of ${limit} transcodes; try again shortly`,
                details: { field: "client", limit, retryAfterSeconds: TRANSCODE_RETRY_AFTER_SECONDS }
              })
            }
            const fallback = new PlaybackDecision({
              ...plain,
              reasons: [...plain.reasons, `the server is running its limit of ${limit} transcodes: ${plain.method} instead`]
            })
            const tracks = yield* subtitleTracks(info, external, request.subtitle, false)
            yield* insert({ decision: fallback, audioStream: null, downmix: false, burn: false, tracks }, null)
            return fallback
          })
          yield* events.publish(new PlaybackStarted({
            sessionId: id, userId: user.userId, item: request.item, fileId: file.id, method: decision.method
          }))
          return (yield* load(id)).session
        })

      // The owner, or an admin acting with admin scope (the one admin rule); and the library must still
      // be visible to the caller (a revoked grant ends streaming). Anyone else learns nothing: 404.
      const allowed = (record: SessionRecord) =>
        Effect.gen(function* () {
          const id = record.session.id
          yield* any(requireSelf(record.session.userId), requireAdmin).pipe(Effect.catchTag("Forbidden", () => notFound(id)))
          yield* access.require(record.libraryId, "view").pipe(
            Effect.catchTags({ NotFound: () => notFound(id), Forbidden: () => notFound(id) })
          )
          return record
        })

      const hls = (record: SessionRecord) =>
        record.session.decision.method === "direct"
          ? Effect.fail(new NotFound({ message: "A direct play session has no HLS stream" }))
          : record.session.state === "active"
          ? Effect.succeed(record)
          : Effect.fail(new Conflict({ message: "The playback session has ended" }))

      const offered = (record: SessionRecord, profile: PlaybackProfile) =>
        record.session.decision.profiles.includes(profile)
          ? Effect.void
          : Effect.fail(new NotFound({ message: `The session offers no ${profile} variant` }))

      const touchEvery = Math.max(1000, Duration.toMillis(config.playbackIdleTimeout) / 4)
      const touched = new Map<PlaybackSessionId, number>()
      const touch = (record: SessionRecord) =>
        Effect.suspend(() => {
          const id = record.session.id
          const now = Date.now()
          if (record.session.state !== "active" || now - (touched.get(id) ?? 0) < touchEvery) return Effect.void
          // Sessions end: forget them all now and then rather than keep one entry per session ever played.
          if (touched.size > 10_000) touched.clear()
          touched.set(id, now)
          return repo.touch(id)
        })

      /** A copy in MPEG-TS offers the file's other audio tracks as renditions (fMP4 ones would need init segments). */
      const alternateAudio = (r: SessionRecord) => {
        if (r.session.decision.method !== "remux" || r.session.segmentFormat !== "ts") return []
        const main = sessionAudio(r.info, r.session.audioStream)
        return r.info.audio.filter((a) => a !== main && a.index !== main?.index)
      }
      const offeredAudio = (r: SessionRecord, stream: number) => {
        const found = alternateAudio(r).find((a) => a.index === stream)
        return found === undefined ? Effect.fail(new NotFound({ message: `No audio rendition ${stream}` })) : Effect.succeed(found)
      }

      const stream = (record: SessionRecord, target: StreamTarget): Effect.Effect<StreamBody, StreamError> =>
        Effect.gen(function* () {
          const r = yield* hls(record)
          yield* touch(r)
          const { session, info } = r
          const entity = client(session.id)
          switch (target._tag) {
            case "master": {
              const video = info.video
              if (video === null) return yield* new NotFound({ message: "The file has no video stream" })
              const body = masterPlaylist({
                info,
                video,
                audio: sessionAudio(info, session.audioStream),
                copyAudio: session.decision.copyAudio,
                variants: session.decision.profiles.map((p) => variantOf(info, video, session.decision, p)),
                subtitles: session.subtitles,
                selectedSubtitle: session.subtitle,
                alternateAudio: alternateAudio(r),
                format: session.segmentFormat
              })
              return { body, contentType: MPEGURL }
            }
            case "media": {
              yield* offered(r, target.profile)
              // Start ffmpeg at the saved position now: the player asks for that segment next.
              yield* call(session.id)(entity.Prepare({ profile: target.profile }))
              const layout = layoutOf(session.durationSeconds, session.segmentSeconds, r.options.cuts)
              return { body: mediaPlaylist(layout, session.segmentFormat), contentType: MPEGURL }
            }
            case "segment": {
              if (target.format !== session.segmentFormat) return yield* new NotFound({ message: "The session uses the other segment format" })
              const body = yield* call(session.id)(entity.Segment({ profile: target.profile, part: target.part }))
              const contentType = target.part === "init" ? "video/mp4" : target.format === "ts" ? "video/mp2t" : "video/iso.segment"
              return { body, contentType }
            }
            case "subtitlePlaylist": {
              if (!session.subtitles.some((s) => s.id === target.track && s.delivery === "webvtt")) {
                return yield* new NotFound({ message: `No text subtitle track ${target.track}` })
              }
              return { body: subtitlePlaylist(session.durationSeconds, target.track), contentType: MPEGURL }
            }
            case "subtitle": {
              const body = yield* call(session.id)(entity.Subtitle({ track: target.track }))
              return { body, contentType: "text/vtt; charset=utf-8" }
            }
            case "audioPlaylist": {
              yield* offeredAudio(r, target.stream)
              const layout = layoutOf(session.durationSeconds, session.segmentSeconds, r.options.cuts)
              return { body: mediaPlaylist(layout, "ts", (i) => `${target.stream}.${i}.ts`), contentType: MPEGURL }
            }
            case "audioSegment": {
              const audio = yield* offeredAudio(r, target.stream)
              const layout = layoutOf(session.durationSeconds, session.segmentSeconds, r.options.cuts)
              if (target.part >= layout.count) return yield* new NotFound({ message: `No segment ${target.part}` })
              const body = yield* audioSegment(ffmpeg, {
                input: r.path,
                stream: audio.index,
                startSeconds: layout.start(target.part),
                durationSeconds: layout.duration(target.part),
                copy: hlsCarries(audio)
              })
              return { body, contentType: "video/mp2t" }
            }
          }
        })

      const stop = (id: PlaybackSessionId, reason: string) => call(id)(client(id).Stop({ reason }))

      // One UPDATE ends them all: waking each session's entity only to have it stop itself cost a
      // message, a row read and a write per session. An entity still running (HLS) ends its ffmpeg at
      // the same idle timeout by itself.
      const stopIdle = Effect.gen(function* () {
        const stopped = yield* repo.stopIdle(config.playbackIdleTimeout)
        yield* Effect.forEach(stopped, (s) =>
          Effect.zipRight(
            store.invalidateTag(sessionTag(s.id)),
            events.publish(new PlaybackStopped({
              sessionId: s.id, userId: s.user_id, item: s.item, reason: "idle", positionSeconds: s.position_seconds
            }))
          ), { discard: true })
        return stopped.length
      })

      const refused = new Unauthorized({ message: "The stream URL is not valid (wrong, or its session has ended)" })
      const digest = (value: string) => createHash("sha256").update(value).digest()
      const signed = (token: string) =>
        Effect.gen(function* () {
          const dot = token.indexOf(".")
          const id = yield* Schema.decodeUnknown(PlaybackSessionId)(token.slice(0, dot)).pipe(Effect.mapError(() => refused))
          const record = yield* records.get(id, load(id)).pipe(Effect.catchTag("NotFound", () => Effect.fail(refused)))
          const expected = record.streamToken
          // Compared as digests: equal lengths, and no timing that tells how much of a guess was right.
          const matches = expected !== null && timingSafeEqual(digest(expected), digest(token.slice(dot + 1)))
          if (!matches || record.session.state !== "active") return yield* refused
          return record
        })

      return {
        create,
        signed,
        owned: (id) => Effect.flatMap(load(id), allowed),
        streaming: (id) => Effect.flatMap(records.get(id, load(id)), allowed),
        heartbeat: (id, beat) => call(id)(client(id).Heartbeat(beat)),
        stop,
        stream,
        touch,
        stopIdle
      }
    })
  )
}
