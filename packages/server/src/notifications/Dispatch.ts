/**
 * From relayed events to notification jobs, and each job's delivery.
 *
 * The dispatcher reads the outbox after a cursor (one pass at a time across the cluster, under an
 * advisory lock), and for every enabled agent whose filter takes an event enqueues a `notify.dispatch`
 * job in the same transaction that moves the cursor: each event reaches each agent once, even when a
 * node dies mid-pass. It runs when this node's bus relays events, and on a short poll.
 *
 * Coalescing: per agent, NOTIFY_BURST events per NOTIFY_COALESCE_WINDOW go out one by one; further
 * events of the window are held, and the first of them opens a digest job that waits until the
 * window ends, then sends every event held meanwhile as one message ("… and 37 more").
 *
 * A discarded dispatch run does not notify about itself (no loop through `job.discarded`).
 */
import { SqlClient } from "@effect/sql"
import {
  type DatabaseError,
  type DomainEvent,
  type JobPayloadInvalid,
  NotifyDispatchJob
} from "@mediaserver/domain"
import { Context, Duration, Effect, Layer, Option, Queue, Stream } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import { Events } from "../events/Events.js"
import { wrapSql } from "../db/Sql.js"
import { Jobs } from "../jobs/Jobs.js"
import { type AgentRow, type Held, NotificationRepo } from "./Repo.js"
import { NotificationSenders, type SendError } from "./Senders.js"

const PASS_LIMIT = 500
/** A fallback: passes run when this node relays events (any node relays every event it claims). */
const POLL = Duration.seconds(5)
/** Serialises dispatcher passes across nodes (arbitrary but fixed). */
const DISPATCH_LOCK = 0x6e6f74696679

const takes = (agent: AgentRow, event: DomainEvent) =>
  agent.events.includes(event._tag) && !(event._tag === "job.discarded" && event.kind === NotifyDispatchJob.name)

export class NotificationDispatch extends Context.Tag("@mediaserver/notifications/NotificationDispatch")<
  NotificationDispatch,
  {
    /** One pass over the events relayed since the cursor; answers how many events it read. */
    readonly pass: Effect.Effect<number, DatabaseError | JobPayloadInvalid>
    /** The handler of `notify.dispatch`. */
    readonly deliver: (payload: typeof NotifyDispatchJob.payload.Type) => Effect.Effect<void, SendError>
    /** After a run gave up: a digest's held events go with it. */
    readonly gaveUp: (payload: typeof NotifyDispatchJob.payload.Type) => Effect.Effect<void>
  }
>() {
  static readonly layer = Layer.effect(
    NotificationDispatch,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const repo = yield* NotificationRepo
      const senders = yield* NotificationSenders
      const events = yield* Events
      const jobs = yield* Jobs
      const config = yield* AppConfig
      const windowMs = Duration.toMillis(config.notifyCoalesceWindow)

      /** One agent's share of a pass: single sends while the window's burst lasts, then held for a digest. */
      const route = (agent: AgentRow, batch: ReadonlyArray<Held>, now: number) =>
        Effect.gen(function* () {
          const matching = batch.filter((h) => takes(agent, h.event))
          if (matching.length === 0) return
          const fresh = agent.window_started_at === null || now - agent.window_started_at.getTime() >= windowMs
          const startedAt = fresh ? new Date(now) : agent.window_started_at ?? new Date(now)
          let count = fresh ? 0 : agent.window_count
          let digestSeq = agent.digest_seq
          const held: Array<Held> = []
          for (const h of matching) {
            if (count < config.notifyBurst) {
              count++
              yield* jobs.enqueue(NotifyDispatchJob, { agentId: agent.id, seq: h.seq, event: h.event, digest: false })
            } else {
              held.push(h)
              if (digestSeq === null) {
                digestSeq = h.seq
                yield* jobs.enqueue(NotifyDispatchJob, { agentId: agent.id, seq: h.seq, event: h.event, digest: true })
              }
            }
          }
          yield* repo.hold(agent.id, held)
          yield* repo.saveWindow(agent.id, startedAt, count, digestSeq)
        })

      const pass = jobs.withTransaction(Effect.gen(function* () {
        yield* sql`SELECT pg_advisory_xact_lock(${DISPATCH_LOCK})`.pipe(wrapSql("notify.lock"))
        const after = yield* repo.cursor
        const batch = yield* events.since(after, PASS_LIMIT)
        const last = batch.at(-1)
        if (last === undefined) return 0
        const agents = yield* repo.lockEnabled
        const now = Date.now()
        const held = batch.map((envelope) => ({ seq: envelope.seq, event: envelope.event }))
        yield* Effect.forEach(agents, (agent) => route(agent, held, now), { discard: true })
        yield* repo.advance(last.seq)
        return batch.length
      }))

      /** Closes a digest without sending it: its held events go, the agent may open a new one. */
      const dropDigest = (agentId: AgentRow["id"], seq: number) =>
        Effect.zipRight(repo.collectDigest(agentId, seq), repo.releaseDigest(agentId, seq))

      const deliver = ({ agentId, digest, event, seq }: typeof NotifyDispatchJob.payload.Type) =>
        Effect.gen(function* () {
          const found = yield* repo.find(agentId)
          // Deleted (its held events went with it) or disabled since: nothing to send.
          if (Option.isNone(found)) return
          if (!found.value.enabled) return digest ? yield* dropDigest(agentId, seq) : undefined
          const agent = found.value
          if (!digest) {
            yield* senders.send(agent, [{ seq, event }])
            return
          }
          // The window's end, at most one window from now (the window may have restarted since).
          const startedAt = agent.window_started_at?.getTime() ?? Date.now()
          const wait = Math.min(windowMs, Math.max(0, startedAt + windowMs - Date.now()))
          if (wait > 0) yield* Effect.sleep(Duration.millis(wait))
          const all = yield* repo.collectDigest(agentId, seq)
          yield* senders.send(agent, all.length === 0 ? [{ seq, event }] : all)
          yield* repo.releaseDigest(agentId, seq)
        }).pipe(Effect.withSpan("NotificationDispatch.deliver"))

      const gaveUp = ({ agentId, digest, seq }: typeof NotifyDispatchJob.payload.Type) =>
        digest
          ? dropDigest(agentId, seq).pipe(Effect.catchAll((e) => Effect.logWarning(`notifications: held events of a failed digest kept: ${e.message}`)))
          : Effect.void

      return { pass, deliver, gaveUp }
    })
  )
}

/** Runs dispatcher passes on this node: when its bus relays events, and every POLL. */
export const NotificationDispatcherLive = Layer.scopedDiscard(
  Effect.gen(function* () {
    const dispatch = yield* NotificationDispatch
    const events = yield* Events
    const wake = yield* Queue.sliding<void>(1)
    const live = yield* events.live
    yield* Effect.forkScoped(Stream.runForEach(live, () => Queue.offer(wake, undefined)))
    const drain: Effect.Effect<void> = dispatch.pass.pipe(
      Effect.flatMap((n) => (n >= PASS_LIMIT ? drain : Effect.void)),
      Effect.catchAll((e) => Effect.logWarning(`notifications: dispatch pass failed: ${e.message}`)),
      Effect.catchAllDefect((defect) => Effect.logError("notifications: dispatch pass died", defect))
    )
    yield* Effect.forkScoped(Effect.forever(Effect.zipRight(drain, Effect.race(Queue.take(wake), Effect.sleep(POLL)))))
  })
)
