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
  it.scopedLive("a session whose node dies (kill -9, one of three) continues on another runner from the saved position", () =>
    Effect.gen(function* () {
      const db = yield* freshDatabase("play_cluster")
      const redis = yield* Effect.orDie(redisUrl)
      const common = {
        DATABASE_URL: Redacted.value(db.url), REDIS_URL: redis, CACHE_KEY_PREFIX: redisPrefix("play_cluster"),
        RUNNER_HOST: "127.0.0.1", PLAYBACK_SEGMENT_SECONDS: "2", PLAYBACK_THROTTLE_SEGMENTS: "2"
      }
      // Three nodes: the first applies the migrations, the other two start beside each other.
      const start = Effect.gen(function* () {
        const port = yield* freePort
        const dir = yield* tempDir("ms-tx-")
        const node = yield* spawnNode({ ...common, RUNNER_PORT: String(port), PLAYBACK_TRANSCODE_DIR: dir })
        yield* waitFor200(node, "/readyz")
        return { node, dir, runner: `127.0.0.1:${port}` }
      })
      const first = yield* start
      const nodes = [first, ...(yield* Effect.all([start, start], { concurrency: "unbounded" }))]
      const a = first.node
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
      const dead = nodes.find((n) => n.runner === owner)
      const survivors = nodes.filter((n) => n !== dead)
      if (dead === undefined) return yield* Effect.die(`session on an unknown runner: ${owner}`)
      expect(yield* ffmpegPids(dead.dir)).toHaveLength(1)
      yield* dead.node.signal("SIGKILL")
      yield* dead.node.exited
      // Its ffmpeg goes with it, within seconds (Playback.orphans tests the packaged ffmpeg).
      yield* eventually(ffmpegPids(dead.dir), (pids) => pids.length === 0, { what: "the dead node's ffmpeg gone", timeout: Duration.seconds(5) })

      // The next playlist request, to either survivor, reaches the entity on one of them, which starts
      // ffmpeg at the saved position.
      const alive = survivors[0]?.node ?? a
      yield* eventually(fetchRaw(alive.url, `${base}/index.m3u8`, admin), (r) => r.status === 200, {
        what: "playlist served by a survivor", timeout: Duration.seconds(40), interval: Duration.millis(250)
      })
      const produced = (n: (typeof survivors)[number]) => Fs.existsSync(Path.join(n.dir, session.id, "original", "6.ts"))
      const hosts = yield* eventually(Effect.sync(() => survivors.filter(produced)), (found) => found.length > 0, {
        what: "segment 6 produced on a survivor", timeout: Duration.seconds(20)
      })
      expect(hosts).toHaveLength(1)
      const host = hosts[0] ?? survivors[0]
      if (host === undefined) return yield* Effect.die("no survivor")
      const dir = Path.join(host.dir, session.id, "original")
      expect(Fs.existsSync(Path.join(dir, "0.ts"))).toBe(false)
      expect((yield* fetchRaw(alive.url, `${base}/6.ts`, admin)).status).toBe(200)
      const after = yield* getSession(alive.url, admin, session.id)
      expect(after).toMatchObject({ positionSeconds: 13, state: "active", node: host.runner })
      expect(Schema.is(Session)(after)).toBe(true)
    }), { timeout: 150_000 })
})
