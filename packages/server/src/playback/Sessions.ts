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
  PlaybackSession,
  PlaybackSessionEntity,
  PlaybackSessionId,
  PlaybackStarted,
  PlaybackStopped,
  type Unavailable,
  Unprocessable
} from "@mediaserver/domain"
import { Context, Duration, Effect, Layer, Option } from "effect"
import { randomUUID } from "node:crypto"
import { any, requireAdmin, requireSelf } from "../access/Policy.js"
import { entityCall } from "../cluster/EntityCall.js"
import { CacheAside, CacheStore } from "../cache/index.js"
import { AppConfig } from "../config/AppConfig.js"
import { WatchState } from "../content/WatchState.js"
import { Events } from "../events/Events.js"
import { LibraryAccess } from "../library/LibraryAccess.js"
import { decide, sessionAudio, variantOf } from "./Decision.js"
import type { StreamTarget } from "./Names.js"
import { masterPlaylist, mediaPlaylist, subtitlePlaylist } from "./Playlists.js"
import { SessionRecord, SessionsRepo, sessionTag } from "./SessionsRepo.js"
import { subtitleTracks } from "./Tracks.js"

export interface StreamBody {
  readonly body: string | Uint8Array
  readonly contentType: string
}

const MPEGURL = "application/vnd.apple.mpegurl"
type StreamError = NotFound | Conflict | Unavailable | DatabaseError

export class PlaybackSessions extends Context.Tag("@mediaserver/playback/PlaybackSessions")<
  PlaybackSessions,
  {
    readonly create: (
      request: CreatePlaybackSessionRequest
    ) => Effect.Effect<PlaybackSession, NotFound | Forbidden | Conflict | Unprocessable | DatabaseError, CurrentUser>
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
      const watch = yield* WatchState
      const events = yield* Events
      const client = yield* PlaybackSessionEntity.client
      const store = yield* CacheStore
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

      const notFound = (id: PlaybackSessionId) => new NotFound({ message: `No playback session ${id}` })
      const load = (id: PlaybackSessionId) =>
        Effect.flatMap(repo.get(id), Option.match({ onNone: () => Effect.fail(notFound(id)), onSome: Effect.succeed }))

      const create = (request: CreatePlaybackSessionRequest) =>
        Effect.gen(function* () {
          const user = yield* CurrentUser
          const files = yield* repo.files(request.item)
          const file = request.fileId === undefined
            ? files.find((f) => f.probe !== null) ?? files[0]
            : files.find((f) => f.id === request.fileId)
          if (file === undefined) {
            return yield* new NotFound({ message: `No playable file for ${request.item._tag} ${request.item.id}`, details: { field: "fileId" } })
          }
          yield* access.require(file.library_id, "view")
          const info = file.probe
          if (info === null) {
            return yield* new Conflict({ message: "The file has not been probed yet", details: { field: "fileId" } })
          }
          const durationSeconds = (info.durationMs ?? 0) / 1000
          if (durationSeconds <= 0) {
            return yield* new Unprocessable({ message: "The file's duration is unknown", details: { field: "fileId" } })
          }
          const burn = request.burnSubtitle === true
          const tracks = yield* subtitleTracks(info, yield* repo.externalSubtitles(file.id), request.subtitle, burn)
          const decision = yield* decide(info, request.client, {
            audioStream: request.audioStream,
            downmix: request.downmix,
            burnSubtitle: burn
          })
          const resume = request.startSeconds === undefined
            ? Effect.map(watch.get(user.userId, request.item), (p) => (p.watched ? 0 : p.positionSeconds))
            : Effect.succeed(request.startSeconds)
          const position = Math.min(yield* resume, durationSeconds)
          const id = PlaybackSessionId.make(randomUUID())
          yield* repo.insert({
            id,
            userId: user.userId,
            item: request.item,
            fileId: file.id,
            decision,
            durationSeconds,
            positionSeconds: position,
            options: {
              segmentFormat: request.client.segmentFormat ?? "ts",
              segmentSeconds: config.playbackSegmentSeconds,
              audioStream: request.audioStream ?? null,
              downmix: request.downmix === true,
              subtitle: request.subtitle ?? null,
              burnSubtitle: burn,
              subtitles: tracks.subtitles,
              sources: tracks.sources
            }
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

      const stream = (record: SessionRecord, target: StreamTarget): Effect.Effect<StreamBody, StreamError> =>
        Effect.gen(function* () {
          const r = yield* hls(record)
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
                format: session.segmentFormat
              })
              return { body, contentType: MPEGURL }
            }
            case "media": {
              yield* offered(r, target.profile)
              // Start ffmpeg at the saved position now: the player asks for that segment next.
              yield* call(session.id)(entity.Prepare({ profile: target.profile }))
              return { body: mediaPlaylist(session.durationSeconds, session.segmentSeconds, session.segmentFormat), contentType: MPEGURL }
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

      return {
        create,
        owned: (id) => Effect.flatMap(load(id), allowed),
        streaming: (id) => Effect.flatMap(records.get(id, load(id)), allowed),
        heartbeat: (id, beat) => call(id)(client(id).Heartbeat(beat)),
        stop,
        stream,
        stopIdle
      }
    })
  )
}
