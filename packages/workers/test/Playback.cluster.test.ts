import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Redacted, Schema } from "effect"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { account, request } from "@mediaserver/testkit/Http"
import { freePort, spawnNode, waitFor200 } from "@mediaserver/testkit/NodeProcess"
import { eventually } from "@mediaserver/testkit/Poll"
import { freshDatabase, redisPrefix, redisUrl } from "@mediaserver/testkit/TestDatabase"
import { fetchRaw, ffmpegPids, getSession, longClipMovie, movieSession, Session, tempDir } from "@mediaserver/testkit/PlaybackNode"

describe("playback on a cluster", () => {
  it.scopedLive("a session whose node dies continues on the other runner from the saved position", () =>
    Effect.gen(function* () {
      const db = yield* freshDatabase("play_cluster")
      const [portA, portB] = yield* Effect.all([freePort, freePort])
      const redis = yield* Effect.orDie(redisUrl)
      const [txA, txB] = [yield* tempDir("ms-txa-"), yield* tempDir("ms-txb-")]
      const common = {
        DATABASE_URL: Redacted.value(db.url), REDIS_URL: redis, CACHE_KEY_PREFIX: redisPrefix("play_cluster"),
        RUNNER_HOST: "127.0.0.1", PLAYBACK_SEGMENT_SECONDS: "2", PLAYBACK_THROTTLE_SEGMENTS: "2"
      }
      const a = yield* spawnNode({ ...common, RUNNER_PORT: String(portA), PLAYBACK_TRANSCODE_DIR: txA })
      yield* waitFor200(a, "/readyz")
      const b = yield* spawnNode({ ...common, RUNNER_PORT: String(portB), PLAYBACK_TRANSCODE_DIR: txB })
      yield* waitFor200(b, "/readyz")
      const admin = (yield* account(a.url, "admin")).auth

      const movie = yield* longClipMovie(a.url, admin, db.url)
      const session = yield* movieSession(a.url, admin, movie, { containers: ["mp4"], videoCodecs: ["vp9"], audioCodecs: ["aac"] })
      const base = `/api/v1/playback/stream/${session.id}/original`
      expect((yield* fetchRaw(a.url, `${base}/index.m3u8`, admin)).status).toBe(200)
      expect((yield* fetchRaw(a.url, `${base}/0.ts`, admin)).status).toBe(200)
      const beat = yield* request(a.url, "POST", `/api/v1/playback/sessions/${session.id}/heartbeat`, {
        auth: admin, body: { positionSeconds: 13, paused: false }
      })
      expect(beat.status).toBe(200)

      // Kill the node running the session's entity (and so its ffmpeg).
      const owner = (yield* getSession(a.url, admin, session.id)).node
      const [dead, deadDir, alive, aliveDir] = owner === `127.0.0.1:${portA}` ? [a, txA, b, txB] : [b, txB, a, txA]
      expect(owner === `127.0.0.1:${portA}` || owner === `127.0.0.1:${portB}`).toBe(true)
      expect(yield* ffmpegPids(deadDir)).toHaveLength(1)
      yield* dead.signal("SIGKILL")
      yield* dead.exited
      // Its ffmpeg goes with it, within seconds (Playback.orphans tests the packaged ffmpeg).
      yield* eventually(ffmpegPids(deadDir), (pids) => pids.length === 0, { what: "the dead node's ffmpeg gone", timeout: Duration.seconds(5) })

      // The next playlist request reaches the entity on the survivor, which starts ffmpeg at the saved position.
      yield* eventually(fetchRaw(alive.url, `${base}/index.m3u8`, admin), (r) => r.status === 200, {
        what: "playlist served by the survivor", timeout: Duration.seconds(40), interval: Duration.millis(250)
      })
      const dir = Path.join(aliveDir, session.id, "original")
      yield* eventually(Effect.sync(() => Fs.existsSync(Path.join(dir, "6.ts"))), (e) => e, {
        what: "segment 6 produced on the survivor", timeout: Duration.seconds(20)
      })
      expect(Fs.existsSync(Path.join(dir, "0.ts"))).toBe(false)
      expect((yield* fetchRaw(alive.url, `${base}/6.ts`, admin)).status).toBe(200)
      const after = yield* getSession(alive.url, admin, session.id)
      expect(after).toMatchObject({ positionSeconds: 13, state: "active", node: owner === `127.0.0.1:${portA}` ? `127.0.0.1:${portB}` : `127.0.0.1:${portA}` })
      expect(Schema.is(Session)(after)).toBe(true)
    }), { timeout: 150_000 })
})
