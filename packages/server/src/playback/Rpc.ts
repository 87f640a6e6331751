/** RPC handlers of `PlaybackRpcs`: the same service and policy as the REST handlers. */
import { BadRequest, PlaybackRpcs } from "@mediaserver/domain"
import { Effect } from "effect"
import { parseStreamPath } from "./Names.js"
import { playing } from "./Policy.js"
import { PlaybackSessions } from "./Sessions.js"

const notPlaylist = (name: string) => new BadRequest({ message: `${name} is not a playlist`, details: { field: "name" } })

export const PlaybackRpcLive = PlaybackRpcs.toLayer(
  Effect.gen(function* () {
    const sessions = yield* PlaybackSessions
    // The name is checked before any work: a segment asked for as a playlist never starts ffmpeg.
    const streamed = (sessionId: Parameters<typeof sessions.owned>[0], name: string, playlist: boolean) =>
      Effect.gen(function* () {
        const target = yield* parseStreamPath(name.split("/"))
        if (playlist && (target._tag === "segment" || target._tag === "audioSegment")) return yield* notPlaylist(name)
        const record = yield* sessions.streaming(sessionId)
        return (yield* sessions.stream(record, target)).body
      })
    return {
      PlaybackCreate: (request) => playing(sessions.create(request)),
      PlaybackGet: ({ sessionId }) => playing(Effect.map(sessions.owned(sessionId), (r) => r.session)),
      PlaybackStop: ({ sessionId }) =>
        playing(Effect.flatMap(sessions.owned(sessionId), (r) => sessions.stop(r.session.id, "stopped"))),
      PlaybackHeartbeat: ({ sessionId, heartbeat }) =>
        playing(Effect.flatMap(sessions.streaming(sessionId), (r) => sessions.heartbeat(r.session.id, heartbeat))),
      PlaybackPlaylist: ({ sessionId, name }) =>
        playing(Effect.flatMap(streamed(sessionId, name, true), (body) =>
          typeof body === "string" ? Effect.succeed(body) : Effect.fail(notPlaylist(name)))),
      PlaybackSegment: ({ sessionId, name }) =>
        playing(Effect.map(streamed(sessionId, name, false), (body) => (typeof body === "string" ? new TextEncoder().encode(body) : body)))
    }
  })
)
