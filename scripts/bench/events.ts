/**
 * `npm run bench -- events`: live event fan-out across nodes. Two nodes in this process on one fresh
 * Postgres database and one Redis; BENCH_CLIENTS (200) SSE clients of an admin on node B; BENCH_EVENTS
 * (50) events published on node A (through the outbox, relayed after commit, over Redis), one every
 * BENCH_SPACING_MS (20). Each client's receive time minus the publish time is one sample.
 * - sse_fanout_p99_ms / sse_fanout_p50_ms: emit on A -> received by every client on B;
 * - baseline in the same run: the same with the clients on node A (no cross-node hop):
 *   same_node_p99_ms, and ratio_cross_to_same_node.
 */
import { Config, Effect, Layer, Redacted } from "effect"
import { UserCreated, UserId } from "@mediaserver/domain"
import { Events } from "@mediaserver/server/events"
import { account } from "@mediaserver/testkit/Http"
import { openSse, type SseFrame } from "@mediaserver/testkit/Sse"
import { freshDatabase, redisPrefix, redisUrl } from "@mediaserver/testkit/TestDatabase"
import { testNode } from "@mediaserver/testkit/TestServer"
import { HttpServer } from "@effect/platform"
import { randomUUID } from "node:crypto"
import { emit, progress, round } from "./report.js"

const BENCH = "events"

const settings = Config.all({
  clients: Config.integer("BENCH_CLIENTS").pipe(Config.withDefault(200)),
  events: Config.integer("BENCH_EVENTS").pipe(Config.withDefault(50)),
  spacingMs: Config.integer("BENCH_SPACING_MS").pipe(Config.withDefault(20))
})

const node = (env: Record<string, string>) =>
  Effect.gen(function* () {
    const context = yield* Layer.build(testNode(env, Layer.empty))
    const server = yield* Effect.provide(HttpServer.HttpServer, context)
    const port = server.address._tag === "TcpAddress" ? server.address.port : 0
    return { url: `http://127.0.0.1:${port}`, events: yield* Effect.provide(Events, context) }
  })

const percentile = (sorted: ReadonlyArray<number>, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN

export const run = Effect.scoped(
  Effect.gen(function* () {
    const { clients, events: count, spacingMs } = yield* settings
    const db = yield* freshDatabase("benchevents")
    const redis = yield* redisUrl
    const env = { DATABASE_URL: Redacted.value(db.url), REDIS_URL: redis, CACHE_KEY_PREFIX: redisPrefix("benchevents"), LOG_LEVEL: "Warning" }
    progress("starting node A, then node B (same database and Redis)")
    const a = yield* node(env)
    const b = yield* node(env)
    const admin = yield* account(a.url, "admin")

    const measure = (url: string, label: string) =>
      Effect.scoped(Effect.gen(function* () {
        const sentAt = new Map<string, number>()
        const samples: Array<number> = []
        const deliveries = new Map<string, number>()
        const onFrame = (frame: SseFrame) => {
          if (frame.event !== "user.created") return
          const name = String(JSON.parse(frame.data).username)
          deliveries.set(name, (deliveries.get(name) ?? 0) + 1)
          const sent = sentAt.get(name)
          if (sent !== undefined) samples.push(frame.receivedAt - sent)
        }
        progress(`${label}: opening ${clients} SSE clients`)
        yield* Effect.forEach(
          Array.from({ length: clients }),
          () => openSse(`${url}/api/v1/events`, { authorization: `Bearer ${admin.accessToken}` }, onFrame),
          { concurrency: 20 }
        )
        // Warm-up: publish until every client has seen one, so all subscriptions are live.
        let warm = 0
        const seen = (name: string) => deliveries.get(name) === clients
        while (true) {
          const name = `warm-${label}-${warm++}`
          sentAt.set(name, performance.now())
          yield* a.events.publish(new UserCreated({ userId: UserId.make(randomUUID()), username: name }))
          yield* Effect.sleep(200)
          if (seen(name)) break
        }
        samples.length = 0
        progress(`${label}: publishing ${count} events on node A`)
        for (let i = 0; i < count; i++) {
          const name = `${label}-${i}`
          sentAt.set(name, performance.now())
          yield* a.events.publish(new UserCreated({ userId: UserId.make(randomUUID()), username: name }))
          yield* Effect.sleep(spacingMs)
        }
        const expected = clients * count
        const deadline = performance.now() + 30_000
        while (samples.length < expected && performance.now() < deadline) yield* Effect.sleep(50)
        progress(`${label}: ${samples.length} of ${expected} deliveries`)
        return [...samples].sort((x, y) => x - y)
      }))

    const cross = yield* measure(b.url, "cross")
    const same = yield* measure(a.url, "same")
    const crossP99 = percentile(cross, 0.99)
    const sameP99 = percentile(same, 0.99)
    emit(BENCH, "sse_fanout_p99_ms", round(crossP99, 1), "ms")
    emit(BENCH, "sse_fanout_p50_ms", round(percentile(cross, 0.5), 1), "ms")
    emit(BENCH, "sse_delivered_ratio", round(cross.length / (clients * count), 3), "ratio")
    emit(BENCH, "same_node_p99_ms", round(sameP99, 1), "ms")
    emit(BENCH, "ratio_cross_to_same_node", round(crossP99 / sameP99, 2), "ratio")
  })
)
