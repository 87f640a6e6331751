import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Domain events are written here in the transaction that makes them true, so a rollback leaves none;
 * a relay claims committed rows, numbers them (`seq`, the SSE id clients resume from) and sends them
 * to every node. Relayed rows stay for the resume window, then the events cleanup deletes them.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE SEQUENCE event_seq`
  yield* sql`
    CREATE TABLE event_outbox (
      id bigserial PRIMARY KEY,
      seq bigint UNIQUE,
      type text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      relayed_at timestamptz
    )
  `
  yield* sql`CREATE INDEX event_outbox_pending ON event_outbox (id) WHERE seq IS NULL`
  yield* sql`CREATE INDEX event_outbox_created ON event_outbox (created_at)`
})
