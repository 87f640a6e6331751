/**
 * A request rate for the whole installation, not per node: the provider's next free slot is a row of
 * `metadata_provider_slots` in the database every node shares (Postgres, or the embedded one, which has
 * no Redis and whose advisory locks are not exclusive). A node takes the next slot with one upsert (the
 * row lock orders concurrent takers, on every node) and sleeps until it comes; times are the database's,
 * so the nodes' clocks do not matter. A slot further than `maxWait` is not taken: the caller fails
 * retryable after that wait (a job retries later instead of holding its worker), and `pause` pushes every
 * node's next slot out (a ban).
 */
import { PgClient } from "@effect/sql-pg"
import { ProviderUnavailable } from "@mediaserver/domain"
import { Duration, Effect, Option, Schema } from "effect"
import { decodeRows, firstRow, optionalRow, wrapSql } from "../../db/Sql.js"

export interface SharedSlot {
  /** Waits for this caller's slot; ProviderUnavailable (with the wait) when the next one is too far away. */
  readonly take: Effect.Effect<void, ProviderUnavailable>
  /** No node calls before `duration` has passed. */
  readonly pause: (duration: Duration.Duration) => Effect.Effect<void>
}

const Wait = Schema.Struct({ wait_ms: Schema.Number })
const decodeWait = decodeRows(Wait)

export const makeSharedSlot = (provider: string, interval: Duration.Duration, maxWait: Duration.Duration) =>
  Effect.map(PgClient.PgClient, (sql): SharedSlot => {
    const step = Duration.toMillis(interval)
    const most = Duration.toMillis(maxWait)
    const unavailable = (message: string, retryAfterMs?: number) =>
      new ProviderUnavailable({ provider, message, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) })
    // Reserves the slot `step` after the last one (or now) unless it is more than `most` away; its wait.
    const reserve = sql`
      INSERT INTO metadata_provider_slots AS s (name, next_at) VALUES (${provider}, now() + ${step} * interval '1 millisecond')
      ON CONFLICT (name) DO UPDATE SET next_at = greatest(s.next_at, now()) + ${step} * interval '1 millisecond'
      WHERE greatest(s.next_at, now()) <= now() + ${most} * interval '1 millisecond'
      RETURNING (extract(epoch FROM s.next_at - now()) * 1000)::float8 - ${step} AS wait_ms
    `.pipe(Effect.flatMap(decodeWait), Effect.map(optionalRow), wrapSql(`${provider}.slot`))
    const next = sql`
      SELECT greatest(0, extract(epoch FROM next_at - now()) * 1000)::float8 AS wait_ms FROM metadata_provider_slots WHERE name = ${provider}
    `.pipe(Effect.flatMap(decodeWait), Effect.flatMap(firstRow(`${provider}.nextSlot`)), wrapSql(`${provider}.nextSlot`))
    return {
      take: Effect.gen(function* () {
        const slot = yield* reserve
        if (Option.isSome(slot)) return yield* Effect.sleep(Duration.millis(Math.max(0, slot.value.wait_ms)))
        const { wait_ms } = yield* next
        return yield* unavailable(`${provider}: its next request slot is ${Math.ceil(wait_ms / 1000)} s away`, Math.ceil(wait_ms))
      }).pipe(Effect.catchTag("DatabaseError", (e) => Effect.fail(unavailable(`${provider}: request slot unavailable: ${e.message}`)))),
      pause: (duration) =>
        sql`
          INSERT INTO metadata_provider_slots AS s (name, next_at) VALUES (${provider}, now() + ${Duration.toMillis(duration)} * interval '1 millisecond')
          ON CONFLICT (name) DO UPDATE SET next_at = greatest(s.next_at, EXCLUDED.next_at)
        `.pipe(wrapSql(`${provider}.pause`), Effect.asVoid, Effect.catchAll((e) => Effect.logWarning(`${provider}: could not pause its requests: ${e.message}`)))
    }
  })
