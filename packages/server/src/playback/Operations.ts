/**
 * Every playback operation once (named as in PlaybackRpcs), all under the one `playing` policy; a
 * session is then used only by its owner or an admin. `makePlaybackRestOperations` holds direct play
 * and the named HLS files, which only REST serves as files.
 */
import { BadRequest, Conflict, NotFound, type PlaybackSessionId, PlaybackRpcs } from "@mediaserver/domain"
import { Effect } from "effect"
import { orUnavailable } from "../access/Policy.js"
import { parseStreamPath } from "./Names.js"
import { playing } from "./Policy.js"
import { PlaybackSessions } from "./Sessions.js"
import type { SessionRecord } from "./SessionsRepo.js"

const notPlaylist = (name: string) => new BadRequest({ message: `${name} is not a playlist`, details: { field: "name" } })

const makeAll = Effect.gen(function* () {
  const sessions = yield* PlaybackSessions
  // The name is checked before any work: a segment asked for as a playlist never starts ffmpeg.
  const stream = (sessionId: PlaybackSessionId, parts: ReadonlyArray<string>, playlist = false) =>
    Effect.gen(function* () {
      const target = yield* parseStreamPath(parts)
      if (playlist && (target._tag === "segment" || target._tag === "audioSegment")) return yield* notPlaylist(parts.join("/"))
      const record = yield* sessions.streaming(sessionId)
      return yield* sessions.stream(record, target)
    })
  const directFile = (record: SessionRecord) =>
    Effect.gen(function* () {
      if (record.session.decision.method !== "direct") {
        return yield* new NotFound({ message: "This session streams over HLS, not direct play" })
      }
      if (record.session.state !== "active") return yield* new Conflict({ message: "The playback session has ended" })
      // Fetching the file keeps the session alive, as segment requests do.
      yield* sessions.touch(record)
      return record
    })
  const rpc = PlaybackRpcs.of({
    PlaybackCreate: (request) => playing(sessions.create(request)),
    PlaybackGet: ({ sessionId }) => playing(Effect.map(sessions.owned(sessionId), (r) => r.session)),
    PlaybackStop: ({ sessionId }) => playing(Effect.flatMap(sessions.owned(sessionId), (r) => sessions.stop(r.session.id, "stopped"))),
    PlaybackHeartbeat: ({ heartbeat, sessionId }) =>
      playing(Effect.flatMap(sessions.streaming(sessionId), (r) => sessions.heartbeat(r.session.id, heartbeat))),
    PlaybackPlaylist: ({ name, sessionId }) =>
      playing(Effect.flatMap(stream(sessionId, name.split("/"), true), ({ body }) =>
        typeof body === "string" ? Effect.succeed(body) : Effect.fail(notPlaylist(name)))),
    PlaybackSegment: ({ name, sessionId }) =>
      playing(Effect.map(stream(sessionId, name.split("/")), ({ body }) => (typeof body === "string" ? new TextEncoder().encode(body) : body)))
  })
  const rest = {
    /** A file of the session's HLS stream, by its path parts (`master.m3u8`, `<profile>/<name>`, `subtitles/<name>`). */
    PlaybackStream: (sessionId: PlaybackSessionId, parts: ReadonlyArray<string>) => playing(stream(sessionId, parts)),
    /** The active direct-play session whose file REST then serves with ranges. */
    PlaybackDirect: (sessionId: PlaybackSessionId) => playing(Effect.flatMap(sessions.streaming(sessionId), directFile)),
    // By signed URL (players that send no header or cookie): the token in the path is the only
    // credential, and it opens this one session's stream and nothing else.
    PlaybackSignedStream: (token: string, parts: ReadonlyArray<string>) =>
      orUnavailable(Effect.gen(function* () {
        const target = yield* parseStreamPath(parts)
        return yield* sessions.stream(yield* sessions.signed(token), target)
      })),
    PlaybackSignedDirect: (token: string) => orUnavailable(Effect.flatMap(sessions.signed(token), directFile))
  }
  return { rpc, rest }
})

export const makePlaybackOperations = Effect.map(makeAll, (all) => all.rpc)
export const makePlaybackRestOperations = Effect.map(makeAll, (all) => all.rest)
