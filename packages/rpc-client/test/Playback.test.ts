import { describe, expect, it } from "@effect/vitest"
import { ClientProfile, CreatePlaybackSessionRequest, MovieId, PlaybackHeartbeat } from "@mediaserver/domain"
import { Context, Effect, Exit, Layer } from "effect"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { account } from "@mediaserver/testkit/Http"
import { TestMedia } from "@mediaserver/testkit/TestMedia"
import { libraryNode } from "@mediaserver/testkit/LibraryNode"
import { playableMovies, tempDir } from "@mediaserver/testkit/PlaybackNode"
import { MediaClient } from "../src/index.js"

const client = (url: string, token: string) =>
  Layer.build(MediaClient.layer({ url: `${url}/rpc`, bearerToken: token })).pipe(Effect.map((context) => Context.get(context, MediaClient)))

describe("playback over RPC (the SDK)", () => {
  it.scopedLive("create a session, read its playlists and a segment, heartbeat, stop; others cannot see it", () =>
    Effect.gen(function* () {
      const media = yield* TestMedia.files
      const transcodes = yield* tempDir("ms-tx-")
      const node = yield* libraryNode("rpc_playback", { PLAYBACK_SEGMENT_SECONDS: "2", PLAYBACK_TRANSCODE_DIR: transcodes })
      const { movies } = yield* playableMovies(node.url, node.admin, node.sql, { Multi: media.multiTrackMkv })
      const admin = yield* client(node.url, "token" in node.admin ? node.admin.token : "")
      const bob = yield* client(node.url, (yield* account(node.url, "bob")).accessToken)

      const session = yield* admin.PlaybackCreate(new CreatePlaybackSessionRequest({
        item: { _tag: "movie", id: MovieId.make(movies["Multi"] ?? "") },
        client: new ClientProfile({ containers: ["mp4"], videoCodecs: ["h264"], audioCodecs: ["aac"] })
      }))
      expect(session.decision.method).toBe("remux")
      const master = yield* admin.PlaybackPlaylist({ sessionId: session.id, name: "master.m3u8" })
      expect(master).toContain("original/index.m3u8")
      // A segment asked for as a playlist is refused before any work: no ffmpeg run starts for it.
      const notPlaylist = yield* Effect.exit(admin.PlaybackPlaylist({ sessionId: session.id, name: "original/0.ts" }))
      expect(Exit.isFailure(notPlaylist) && JSON.stringify(notPlaylist.cause)).toContain("BadRequest")
      expect(Fs.existsSync(Path.join(transcodes, session.id, "original"))).toBe(false)
      const segment = yield* admin.PlaybackSegment({ sessionId: session.id, name: "original/0.ts" })
      expect(segment[0]).toBe(0x47) // MPEG-TS sync byte
      const traversal = yield* Effect.exit(admin.PlaybackSegment({ sessionId: session.id, name: "../../etc/passwd" }))
      expect(Exit.isFailure(traversal) && JSON.stringify(traversal.cause)).toContain("BadRequest")

      const beat = yield* admin.PlaybackHeartbeat({ sessionId: session.id, heartbeat: new PlaybackHeartbeat({ positionSeconds: 2, paused: true }) })
      expect(beat).toMatchObject({ positionSeconds: 2, paused: true })
      const hidden = yield* Effect.exit(bob.PlaybackGet({ sessionId: session.id }))
      expect(Exit.isFailure(hidden) && JSON.stringify(hidden.cause)).toContain("NotFound")
      yield* admin.PlaybackStop({ sessionId: session.id })
      expect((yield* admin.PlaybackGet({ sessionId: session.id })).state).toBe("stopped")
    }), { timeout: 90_000 })
})
