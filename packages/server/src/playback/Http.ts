/** REST handlers of the playback group: each maps its request onto one operation (Operations.ts). */
import { HttpApiBuilder, HttpApp, HttpPlatform, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { MediaApi, Unavailable } from "@mediaserver/domain"
import { Effect } from "effect"
import { directResponse } from "./DirectPlay.js"
import { makePlaybackOperations, makePlaybackRestOperations } from "./Operations.js"
import { type StreamBody, TRANSCODE_RETRY_AFTER_SECONDS } from "./Sessions.js"
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

/** The same stream by signed URL, for players that send no header or cookie (see the operations). */
/** A direct-play session's file, with the request's range. */
const serveFile = (platform: HttpPlatform.HttpPlatform, record: SessionRecord) =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    directResponse(platform, record.path, record.info.container, request.headers["range"]))

export const PlaybackSignedHttpLive = HttpApiBuilder.group(MediaApi, "playbackSigned", (handlers) =>
  Effect.gen(function* () {
    const rest = yield* makePlaybackRestOperations
    const platform = yield* HttpPlatform.HttpPlatform
    return handlers
      .handleRaw("signedMaster", ({ path }) => Effect.map(rest.PlaybackSignedStream(path.token, ["master.m3u8"]), toResponse))
      .handleRaw("signedMedia", ({ path }) => Effect.map(rest.PlaybackSignedStream(path.token, [path.profile, path.name]), toResponse))
      .handleRaw("signedDirect", ({ path }) => Effect.flatMap(rest.PlaybackSignedDirect(path.token), (record) => serveFile(platform, record)))
  })
)

export const PlaybackHttpLive = HttpApiBuilder.group(MediaApi, "playback", (handlers) =>
  Effect.gen(function* () {
    const op = yield* makePlaybackOperations
    const rest = yield* makePlaybackRestOperations
    const platform = yield* HttpPlatform.HttpPlatform
    return handlers
      .handle("create", ({ payload }) => op.PlaybackCreate(payload).pipe(withRetryAfter))
      .handle("get", ({ path }) => op.PlaybackGet(path))
      .handle("stop", ({ path }) => op.PlaybackStop(path))
      .handle("heartbeat", ({ path, payload }) => op.PlaybackHeartbeat({ ...path, heartbeat: payload }))
      .handleRaw("direct", ({ path }) => Effect.flatMap(rest.PlaybackDirect(path.sessionId), (record) => serveFile(platform, record)))
      .handleRaw("master", ({ path }) => Effect.map(rest.PlaybackStream(path.sessionId, ["master.m3u8"]), toResponse))
      .handleRaw("subtitles", ({ path }) => Effect.map(rest.PlaybackStream(path.sessionId, ["subtitles", path.name]), toResponse))
      .handleRaw("media", ({ path }) => Effect.map(rest.PlaybackStream(path.sessionId, [path.profile, path.name]), toResponse))
  })
)
