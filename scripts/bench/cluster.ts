/**
 * `npm run bench -- cluster`: nodes as their own processes on one Postgres (through a TCP proxy the bench
 * can cut) and a redis-server of the bench's own (which it kills), a library of CLUSTER_MOVIES (300)
 * small files and a 30 s clip. In order:
 *  - browse_rps_one_node / browse_rps_three_nodes: a browsing mix (list pages, titles, search) as fast as
 *    it is answered, on one node, then spread over three; with the CPU per request of the nodes and
 *    what a node costs idle (idle_cpu_ms_per_s_per_node);
 *  - failover_s: kill -9 of the node running a playback session's entity, to the first segment of that
 *    session served (through a surviving node); errors_during_failover: browsing requests to the
 *    survivors that failed meanwhile;
 *  - redis_loss_errors: browsing and playback on the survivors while Redis is killed and started again;
 *  - pg_restart_recovery_s: Postgres cut off (every connection dropped, new ones refused) for
 *    CLUSTER_PG_DOWN_S (5) seconds, then back: to the moment every survivor is ready, serves a page and
 *    accepts a job run (a write).
 * Targets: failover <= 6 s, no error on Redis loss, recovery <= 10 s.
 */
import { Config, Duration, Effect, Fiber, Option, Redacted, Ref } from "effect"
import * as Os from "node:os"
import * as Path from "node:path"
import { account } from "@mediaserver/testkit/Http"
import { freePort, type NodeProcess, spawnNode, waitFor200 } from "@mediaserver/testkit/NodeProcess"
import { eventually } from "@mediaserver/testkit/Poll"
import { redisServer } from "@mediaserver/testkit/RedisServer"
import { TcpProxy } from "@mediaserver/testkit/TcpProxy"
import { tempDir } from "@mediaserver/testkit/TempDir"
import { freshDatabase } from "@mediaserver/testkit/TestDatabase"
import { BenchIncomplete, emit, progress, round } from "./report.js"
import { REMUX_CLIENT, setUpClipLibrary, writeClipLibrary } from "./support/clip-library.js"
import { cpuSeconds } from "./support/cpu.js"
import { runLoad } from "./support/load.js"
import { LoadRequest } from "./support/protocol.js"
import { browse, type Client, failureKinds, makeTally, runJob, type Tally, until } from "./support/soak-load.js"
import { openSession, readSegment, sessionNode } from "./support/session-reader.js"

const BENCH = "cluster"

const settings = Config.all({
  movies: Config.integer("CLUSTER_MOVIES").pipe(Config.withDefault(300)),
  durationS: Config.number("BENCH_DURATION_S").pipe(Config.withDefault(10)),
  warmupS: Config.number("BENCH_WARMUP_S").pipe(Config.withDefault(2)),
  connections: Config.integer("CLUSTER_CONNECTIONS").pipe(Config.withDefault(12)),
  pgDownS: Config.number("CLUSTER_PG_DOWN_S").pipe(Config.withDefault(5))
})

const IDLE_WINDOW = Duration.seconds(5)

const load = Effect.sync(() => Os.loadavg().map((n) => n.toFixed(2)).join(" "))

/** CPU seconds of the given processes together. */
const cpuOf = (nodes: ReadonlyArray<NodeProcess>) =>
  Effect.map(Effect.forEach(nodes, (n) => cpuSeconds(n.child.pid ?? 0)), (all) => all.reduce((sum, s) => sum + Option.getOrElse(s, () => 0), 0))

export const run: Effect.Effect<void, unknown> = Effect.gen(function* () {
  const s = yield* settings
  const base = yield* tempDir("ms-bench-cluster-")
  const moviesDir = yield* writeClipLibrary(base, s.movies)
  const db = yield* freshDatabase("benchcluster")
  const { proxy: pg, url: viaProxy } = yield* TcpProxy.forDatabase(Redacted.value(db.url))
  const redis = yield* redisServer()
  const common = {
    DATABASE_URL: viaProxy, REDIS_URL: redis.url, CACHE_KEY_PREFIX: "benchcluster:", RUNNER_HOST: "127.0.0.1",
    // The load comes from one address standing for many users: no per-address request limit.
    PLAYBACK_SEGMENT_SECONDS: "2", AUTH_ACCESS_TOKEN_TTL: "1 day", HTTP_RATE_LIMIT: "0"
  }
  const startOne = (i: number) =>
    Effect.gen(function* () {
      const runnerPort = yield* freePort
      const node = yield* spawnNode({ ...common, RUNNER_PORT: String(runnerPort), PLAYBACK_TRANSCODE_DIR: Path.join(base, `tx${i}`) })
      yield* waitFor200(node, "/readyz", Duration.seconds(120))
      return { node, runner: `127.0.0.1:${runnerPort}` }
    })

  const first = yield* startOne(0)
  const admin = yield* account(first.node.url, "admin")
  const token = admin.accessToken
  const setup: Client = { url: first.node.url, token, tally: makeTally() }
  const { clipId } = yield* setUpClipLibrary(setup, moviesDir)

  // Browsing throughput: one node, then three.
  const headers = { authorization: `Bearer ${token}` }
  const requests = [
    "/api/v1/movies?limit=48&sort=title&order=asc", "/api/v1/movies?limit=48&sort=title&order=desc", `/api/v1/movies/${clipId}`,
    "/api/v1/search/multi?q=Film%20Number%201", "/api/v1/movies?limit=24&sort=added&order=desc"
  ].map((path) => ({ path, user: 0 }))
  const browseLoad = (nodes: ReadonlyArray<NodeProcess>) =>
    Effect.gen(function* () {
      const cpuBefore = yield* cpuOf(nodes)
      const results = yield* Effect.forEach(nodes, (node, i) =>
        runLoad(new LoadRequest({
          title: `browse node ${i + 1} of ${nodes.length}`, url: `${node.url}/`, connections: Math.ceil(s.connections / nodes.length),
          durationS: s.durationS, warmupS: s.warmupS, sequence: { users: [headers], requests }
        })), { concurrency: "unbounded" })
      const cpu = (yield* cpuOf(nodes)) - cpuBefore
      const completed = results.reduce((n, r) => n + r.completed + r.warmupCompleted, 0)
      return { rps: results.reduce((n, r) => n + r.rps, 0), cpuMsPerRequest: (cpu * 1000) / completed, failed: results.reduce((n, r) => n + r.non2xx + r.errors, 0) }
    })
  const one = yield* browseLoad([first.node])
  progress(`one node: ${round(one.rps, 1)} req/s, ${round(one.cpuMsPerRequest, 2)} ms CPU per request (load ${yield* load})`)
  const others = yield* Effect.forEach([1, 2], startOne)
  const all = [first, ...others]
  // What three nodes cost doing nothing (cluster polls, lock refreshes), beside the CPU of requests.
  const idleBefore = yield* cpuOf(all.map((n) => n.node))
  yield* Effect.sleep(IDLE_WINDOW)
  const idleCpuMsPerS = ((yield* cpuOf(all.map((n) => n.node))) - idleBefore) * 1000 / Duration.toSeconds(IDLE_WINDOW) / all.length
  progress(`idle: ${round(idleCpuMsPerS, 1)} ms CPU per second per node`)
  const three = yield* browseLoad(all.map((n) => n.node))
  progress(`three nodes: ${round(three.rps, 1)} req/s, ${round(three.cpuMsPerRequest, 2)} ms CPU per request (load ${yield* load})`)

  // Failover: the session's owner dies.
  const session = yield* openSession({ url: first.node.url, token, tally: makeTally() }, clipId, REMUX_CLIENT)
  const before: Client = { url: first.node.url, token, tally: makeTally() }
  for (const i of [0, 1, 2]) yield* readSegment(before, session, i)
  const runner = yield* sessionNode(before, session)
  if (before.tally.errors > 0) return yield* new BenchIncomplete({ message: `session not playing before the kill: ${failureKinds(before.tally).join("; ")}` })
  const owner = all.find((n) => n.runner === runner)
  if (owner === undefined) return yield* new BenchIncomplete({ message: `session on unknown runner ${runner}` })
  const survivors = all.filter((n) => n !== owner)
  const reader: Client = { url: survivors[0]?.node.url ?? "", token, tally: makeTally() }

  const stop = yield* Ref.make(false)
  const browsing = (tally: Tally) =>
    Effect.forEach(survivors, (n) => Effect.fork(until(stop, browse({ url: n.node.url, token, tally }, Duration.millis(20)))))
  const failoverTally = makeTally()
  const browsers = yield* browsing(failoverTally)
  yield* Effect.sleep(Duration.seconds(1))
  yield* owner.node.signal("SIGKILL")
  const killedAt = performance.now()
  const attempts = makeTally()
  yield* eventually(readSegment({ ...reader, tally: attempts }, session, 3), (ok) => ok, {
    what: "the session's next segment from a survivor", timeout: Duration.seconds(60), interval: Duration.millis(100)
  })
  const failoverS = (performance.now() - killedAt) / 1000
  yield* Ref.set(stop, true)
  yield* Effect.forEach(browsers, Fiber.join)
  progress(`failover ${round(failoverS, 2)} s; ${attempts.errors} segment attempts failed meanwhile (${failureKinds(attempts).join("; ")}); ` +
    `browsing: ${failoverTally.requests} requests, ${failoverTally.errors} failed ${failureKinds(failoverTally).join("; ")} (load ${yield* load})`)

  // Redis lost and back, with browsing and playback going on.
  yield* Ref.set(stop, false)
  const redisTally = makeTally()
  const redisLoad = yield* browsing(redisTally)
  const player = yield* Effect.fork(until(stop, Effect.asVoid(readSegment({ ...reader, tally: redisTally }, session, 4))))
  yield* Effect.sleep(Duration.seconds(3))
  yield* redis.kill
  progress("redis-server killed")
  yield* Effect.sleep(Duration.seconds(8))
  yield* redis.start
  progress("redis-server started again")
  yield* Effect.sleep(Duration.seconds(8))
  yield* Ref.set(stop, true)
  yield* Effect.forEach([...redisLoad, player], Fiber.join)
  progress(`Redis loss: ${redisTally.requests} requests, ${redisTally.errors} failed ${failureKinds(redisTally).join("; ")}`)

  // Postgres cut off and back.
  yield* pg.cut
  const downSince = performance.now()
  const downTally = makeTally()
  const readyzDown = new Map<number, number>()
  while (performance.now() - downSince < s.pgDownS * 1000) {
    for (const n of survivors) {
      const client = { url: n.node.url, token, tally: downTally }
      // Pages and titles may come from the caches; a job run must write.
      yield* browse(client, Duration.millis(100)).pipe(Effect.timeout(Duration.seconds(2)), Effect.ignore)
      yield* runJob(client, 0).pipe(Effect.timeout(Duration.seconds(2)), Effect.ignore)
      const ready = yield* Effect.promise(() => fetch(`${n.node.url}/readyz`).then((r) => r.status, () => 0))
      readyzDown.set(ready, (readyzDown.get(ready) ?? 0) + 1)
    }
  }
  progress(`while Postgres was away: ${downTally.requests} requests, ${downTally.errors} refused: ${failureKinds(downTally).join("; ")}; ` +
    `/readyz answers ${JSON.stringify(Object.fromEntries(readyzDown))}`)
  yield* pg.restore
  const restoredAt = performance.now()
  yield* Effect.forEach(survivors, (n) =>
    eventually(
      Effect.all([
        Effect.promise(() => fetch(`${n.node.url}/readyz`).then((r) => r.status, () => 0)),
        Effect.promise(() => fetch(`${n.node.url}/api/v1/movies?limit=5&sort=added&order=desc`, { headers }).then((r) => r.status, () => 0)),
        Effect.promise(() => fetch(`${n.node.url}/api/v1/admin/jobs/schedules/playback.health`, { method: "POST", headers }).then((r) => r.status, () => 0))
      ]),
      ([ready, page, job]) => ready === 200 && page === 200 && job === 201,
      { what: "a survivor ready and serving after Postgres came back", timeout: Duration.seconds(60), interval: Duration.millis(100) }
    ), { concurrency: "unbounded" })
  const recoveryS = (performance.now() - restoredAt) / 1000
  progress(`recovered ${round(recoveryS, 2)} s after Postgres came back (load ${yield* load})`)

  emit(BENCH, "browse_rps_one_node", round(one.rps, 1), "req/s")
  emit(BENCH, "browse_rps_three_nodes", round(three.rps, 1), "req/s")
  emit(BENCH, "browse_ratio_three_to_one", round(three.rps / one.rps, 2), "ratio")
  emit(BENCH, "browse_cpu_ms_per_request_one_node", round(one.cpuMsPerRequest, 3), "ms")
  emit(BENCH, "browse_cpu_ms_per_request_three_nodes", round(three.cpuMsPerRequest, 3), "ms")
  emit(BENCH, "idle_cpu_ms_per_s_per_node", round(idleCpuMsPerS, 1), "ms/s")
  emit(BENCH, "browse_failed_requests", one.failed + three.failed, "count")
  emit(BENCH, "failover_s", round(failoverS, 2), "s")
  emit(BENCH, "errors_during_failover", failoverTally.errors, "count")
  emit(BENCH, "redis_loss_errors", redisTally.errors, "count")
  emit(BENCH, "pg_restart_recovery_s", round(recoveryS, 2), "s")
}).pipe(Effect.scoped)
