import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The activity log (auth events now, more later). No foreign key to users: the history of a deleted
 * user stays. Rows arrive in batches from an in-process queue.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE activity_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL,
      user_id uuid,
      action text NOT NULL,
      resource_type text,
      resource_id text,
      ip text,
      user_agent text,
      details jsonb
    )
  `
  yield* sql`CREATE INDEX activity_log_user ON activity_log (user_id, at DESC)`
  yield* sql`CREATE INDEX activity_log_action ON activity_log (action, at DESC)`
  yield* sql`CREATE INDEX activity_log_resource ON activity_log (resource_type, resource_id, at DESC)`
})
