/** REST handlers of the playback group: sessions, direct play and the HLS stream. One policy for all. */
import { HttpApiBuilder, HttpApp, HttpPlatform, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Conflict, MediaApi, NotFound, type PlaybackSessionId, Unavailable } from "@mediaserver/domain"
import { Effect } from "effect"
import { orUnavailable } from "../auth/Policy.js"
import { directResponse } from "./DirectPlay.js"
import { parseStreamPath } from "./Names.js"
import { playing } from "./Policy.js"
import { PlaybackSessions, type StreamBody, TRANSCODE_RETRY_AFTER_SECONDS } from "./Sessions.js"
import type { SessionRecord } from "./SessionsRepo.js"

/** A 503 of session creation (the transcode limit, ffprobe busy or missing) says when to come back. */
const withRetryAfter = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.tapError(effect, (e) =>
    e instanceof Unavailable
      ? HttpApp.appendPreResponseHandler((_, response) =>
        Effect.succeed(HttpServerResponse.setHeader(response, "retry-after", String(TRANSCODE_RETRY_AFTER_SECONDS))))
      : Effect.void)

const toResponse = ({ body, contentType }: StreamBody) =>
  typeof body === "string"
    ? HttpServerResponse.text(body, { contentType, headers: { "cache-control": "no-cache" } })
    : HttpServerResponse.uint8Array(body, { contentType, headers: { "cache-control": "private, max-age=3600" } })

/** The session's file as it is (direct play), by either kind of URL. */
const direct = (sessions: typeof PlaybackSessions.Service, platform: HttpPlatform.HttpPlatform) => (record: SessionRecord) =>
  Effect.gen(function* () {
    if (record.session.decision.method !== "direct") {
      return yield* new NotFound({ message: "This session streams over HLS, not direct play" })
    }
    if (record.session.state !== "active") return yield* new Conflict({ message: "The playback session has ended" })
    yield* sessions.touch(record)
    const request = yield* HttpServerRequest.HttpServerRequest
    return yield* directResponse(platform, record.path, record.info.container, request.headers["range"])
  })

/**
 * The same stream by signed URL, for players that send no header or cookie: the token in the path is
 * the only credential, and it opens this one session's stream and nothing else.
 */
export const PlaybackSignedHttpLive = HttpApiBuilder.group(MediaApi, "playbackSigned", (handlers) =>
  Effect.gen(function* () {
    const sessions = yield* PlaybackSessions
    const platform = yield* HttpPlatform.HttpPlatform
    const stream = (token: string, parts: ReadonlyArray<string>) =>
      Effect.gen(function* () {
        const target = yield* parseStreamPath(parts)
        const record = yield* sessions.signed(token)
        return toResponse(yield* sessions.stream(record, target))
      })
    return handlers
      .handleRaw("signedMaster", ({ path }) => orUnavailable(stream(path.token, ["master.m3u8"])))
      .handleRaw("signedMedia", ({ path }) => orUnavailable(stream(path.token, [path.profile, path.name])))
      .handleRaw("signedDirect", ({ path }) => orUnavailable(Effect.flatMap(sessions.signed(path.token), direct(sessions, platform))))
  })
)

export const PlaybackHttpLive = HttpApiBuilder.group(MediaApi, "playback", (handlers) =>
  Effect.gen(function* () {
    const sessions = yield* PlaybackSessions
    const platform = yield* HttpPlatform.HttpPlatform
    const stream = (id: PlaybackSessionId, parts: ReadonlyArray<string>) =>
      playing(Effect.gen(function* () {
        const record = yield* sessions.streaming(id)
        const target = yield* parseStreamPath(parts)
        return toResponse(yield* sessions.stream(record, target))
      }))
    return handlers
      .handle("create", ({ payload }) => playing(sessions.create(payload)).pipe(withRetryAfter))
      .handle("get", ({ path }) => playing(Effect.map(sessions.owned(path.sessionId), (r) => r.session)))
      .handle("stop", ({ path }) =>
        playing(Effect.flatMap(sessions.owned(path.sessionId), (r) => sessions.stop(r.session.id, "stopped"))))
      .handle("heartbeat", ({ path, payload }) =>
        playing(Effect.flatMap(sessions.streaming(path.sessionId), (r) => sessions.heartbeat(r.session.id, payload))))
      .handleRaw("direct", ({ path }) => playing(Effect.flatMap(sessions.streaming(path.sessionId), direct(sessions, platform))))
      .handleRaw("master", ({ path }) => stream(path.sessionId, ["master.m3u8"]))
      .handleRaw("subtitles", ({ path }) => stream(path.sessionId, ["subtitles", path.name]))
      .handleRaw("media", ({ path }) => stream(path.sessionId, [path.profile, path.name]))
  })
)
