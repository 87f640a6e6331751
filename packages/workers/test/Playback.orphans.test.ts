/**
 * No ffmpeg outlives its node: a node killed with SIGKILL mid-transcode takes its ffmpeg with it within
 * seconds, since the process helper that starts every tool kills them when its pipe to the node closes
 * (see server system/Spawner). Both states an ffmpeg is in: throttled (stopped by SIGSTOP) and running
 * (a slow preset keeps it encoding long after the kill, were it left). Here with the packaged ffmpeg
 * (none on PATH); Playback.cluster checks the system's.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Redacted } from "effect"
import * as Path from "node:path"
import { account } from "@mediaserver/testkit/Http"
import { spawnNode, waitFor200 } from "@mediaserver/testkit/NodeProcess"
import { fetchRaw, ffmpegPids, longClipMovie, movieSession, processState, tempDir } from "@mediaserver/testkit/PlaybackNode"
import { eventually } from "@mediaserver/testkit/Poll"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"

const transcodeClient = { containers: ["mp4"], videoCodecs: ["vp9"], audioCodecs: ["aac"] }

describe("playback ffmpeg and its node", () => {
  it.scopedLive("a node killed with SIGKILL mid-transcode leaves no ffmpeg behind, running or throttled", () =>
    Effect.gen(function* () {
      const db = yield* freshDatabase("play_orphans")
      const [transcodes, emptyBin] = [yield* tempDir("ms-tx-"), yield* tempDir("ms-bin-")]
      const node = yield* spawnNode({
        DATABASE_URL: Redacted.value(db.url), PATH: emptyBin, PLAYBACK_TRANSCODE_DIR: transcodes,
        PLAYBACK_SEGMENT_SECONDS: "2", PLAYBACK_THROTTLE_SEGMENTS: "2", PLAYBACK_X264_PRESET: "veryslow"
      })
      yield* waitFor200(node, "/readyz")
      const admin = (yield* account(node.url, "admin")).auth
      const movie = yield* longClipMovie(node.url, admin, db.url)
      /** A transcode whose first segment was served, and its ffmpeg. */
      const started = Effect.gen(function* () {
        const session = yield* movieSession(node.url, admin, movie, transcodeClient)
        expect(session.decision.method).toBe("transcode")
        const base = `/api/v1/playback/stream/${session.id}/${session.decision.profiles[0]}`
        expect((yield* fetchRaw(node.url, `${base}/0.ts`, admin)).status).toBe(200)
        const [pid] = yield* ffmpegPids(Path.join(transcodes, session.id))
        return pid ?? ""
      })
      const throttled = yield* started
      yield* eventually(processState(throttled), (state) => state === "T", { what: "ffmpeg throttled", timeout: Duration.seconds(60) })
      // Encoding still (the slow preset takes seconds per segment; or throttled already, which is as good).
      const running = yield* started
      expect(["R", "S", "D", "T"]).toContain(yield* processState(running))

      yield* node.signal("SIGKILL")
      yield* node.exited
      yield* eventually(ffmpegPids(transcodes), (pids) => pids.length === 0, { what: "the node's ffmpeg gone", timeout: Duration.seconds(5) })
    }), { timeout: 120_000 })
})
