import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/** Counters of the NodePing entity: entity state that must survive a shard move lives here. */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE node_ping (
      entity_id text PRIMARY KEY,
      count bigint NOT NULL DEFAULT 0,
      last_node text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `
})
