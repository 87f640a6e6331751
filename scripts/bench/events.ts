/**
 * `npm run bench -- events`: live event fan-out across nodes. Two nodes in this process on one fresh
 * Postgres database and one Redis; BENCH_CLIENTS (200) SSE clients of an admin on node B; BENCH_EVENTS
 * (50) events published on node A (through the outbox, relayed after commit, over Redis), one every
 * BENCH_SPACING_MS (20). Each client's receive time minus the publish time is one sample.
 * - sse_fanout_p99_ms / sse_fanout_p50_ms: emit on A -> received by every client on B;
 * - baseline in the same run: the same with the clients on node A (no cross-node hop):
 *   same_node_p99_ms, and ratio_cross_to_same_node.
 * - dispatch_per_s: events delivered per second to a fake webhook agent (a whole node with workers on its
 *   own database; BENCH_DISPATCH_EVENTS (500) events published at once), from the publish to the last
 *   delivery, with coalescing off: each event is one signed POST through its own `notify.dispatch` job
 *   (the job pipeline's rate);
 * - dispatch_coalesced_per_s: the same burst with coalescing on (burst 5, a 1 s window): a few
 *   messages carry every event.
 */
import { Config, Context, Effect, Layer, Redacted } from "effect"
import { UserCreated, UserId } from "@mediaserver/domain"
import { FakeHttp } from "@mediaserver/testkit/FakeHttp"
import { eventually } from "@mediaserver/testkit/Poll"
import { migratedDatabase } from "@mediaserver/testkit/MigratedDatabase"
import { Events } from "@mediaserver/server/events"
import { account } from "@mediaserver/testkit/Http"
import { openSse, type SseFrame } from "@mediaserver/testkit/Sse"
import { freshDatabase, redisPrefix, redisUrl } from "@mediaserver/testkit/TestDatabase"
import { testNode } from "@mediaserver/testkit/TestServer"
import { HttpServer } from "@effect/platform"
import { randomUUID } from "node:crypto"
import { emit, progress, round } from "./report.js"
import { startNode } from "./support/jobs-node.js"

const BENCH = "events"

const settings = Config.all({
  clients: Config.integer("BENCH_CLIENTS").pipe(Config.withDefault(200)),
  events: Config.integer("BENCH_EVENTS").pipe(Config.withDefault(50)),
  spacingMs: Config.integer("BENCH_SPACING_MS").pipe(Config.withDefault(20)),
  dispatchEvents: Config.integer("BENCH_DISPATCH_EVENTS").pipe(Config.withDefault(500))
})

const node = (env: Record<string, string>) =>
  Effect.gen(function* () {
    const context = yield* Layer.build(testNode(env, Layer.empty))
    const server = yield* Effect.provide(HttpServer.HttpServer, context)
    const port = server.address._tag === "TcpAddress" ? server.address.port : 0
    return { url: `http://127.0.0.1:${port}`, events: yield* Effect.provide(Events, context) }
  })

const percentile = (sorted: ReadonlyArray<number>, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN

/** Events per second from one commit to a fake webhook agent, one job and one POST per event. */
const dispatchRate = (count: number, env: Record<string, string>) =>
  Effect.scoped(Effect.gen(function* () {
    const hook = yield* FakeHttp.make([{ method: "POST", path: "/hook", response: { status: 204 } }])
    const db = yield* migratedDatabase("benchnotify")
    progress("dispatch: starting a node with workers")
    const { context, port } = yield* startNode({ DATABASE_URL: Redacted.value(db.url), ...env })
    const url = `http://127.0.0.1:${port}`
    const admin = yield* account(url, "admin")
    const created = yield* Effect.promise(() =>
      fetch(`${url}/api/v1/admin/notifications/agents`, {
        method: "POST",
        headers: { authorization: `Bearer ${admin.accessToken}`, "content-type": "application/json" },
        body: JSON.stringify({ kind: "webhook", name: "bench", url: `${hook.url}/hook`, secret: "bench-secret", events: ["user.created"] })
      }))
    if (created.status !== 201) return yield* Effect.dieMessage(`agent not created: ${created.status}`)
    const events = Context.get(context, Events)
    // The admin's own user.created came before the agent: only the bench's events are counted.
    const before = (yield* hook.requests).length
    progress(`dispatch: ${count} events at once`)
    const started = performance.now()
    yield* events.publishAll(Array.from({ length: count }, (_, i) => new UserCreated({ userId: UserId.make(randomUUID()), username: `dispatch-${i}` })))
    // Each POST carries its events (a digest many): count events, not requests.
    const delivered = Effect.map(hook.requests, (all) =>
      all.slice(before).reduce((n, r) => n + (r.body.match(/"_tag":"user\.created"/g)?.length ?? 0), 0))
    yield* eventually(delivered, (n) => n >= count, {
      what: `${count} webhook deliveries`, timeout: "5 minutes", interval: "20 millis"
    })
    const seconds = (performance.now() - started) / 1000
    progress(`dispatch: ${count} events delivered in ${seconds.toFixed(2)} s (${(yield* hook.requests).length - before} POSTs)`)
    return count / seconds
  }))

export const run = Effect.scoped(
  Effect.gen(function* () {
    const { clients, dispatchEvents, events: count, spacingMs } = yield* settings
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
    emit(BENCH, "dispatch_per_s", round(yield* dispatchRate(dispatchEvents, { NOTIFY_BURST: "1000000000" }), 1), "ops/s")
    emit(BENCH, "dispatch_coalesced_per_s",
      round(yield* dispatchRate(dispatchEvents, { NOTIFY_BURST: "5", NOTIFY_COALESCE_WINDOW: "1 second" }), 1), "ops/s")
  })
)
