import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Run records of background jobs. The workflow engine keeps only opaque messages and replies (no
 * queryable state, attempts or errors), so visibility, uniqueness and retention read this table.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE job_runs (
      id uuid PRIMARY KEY,
      kind text NOT NULL,
      queue text NOT NULL,
      unique_key text,
      state text NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'running', 'retrying', 'completed', 'failed', 'discarded', 'cancelled')),
      attempt integer NOT NULL DEFAULT 0,
      max_attempts integer NOT NULL,
      last_error text,
      payload jsonb NOT NULL,
      execution_id text NOT NULL,
      inserted_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `
  // Uniqueness by args: the key is cleared when a run without a period finishes.
  yield* sql`CREATE UNIQUE INDEX job_runs_unique_key ON job_runs (kind, unique_key)`
  yield* sql`CREATE INDEX job_runs_kind_state ON job_runs (kind, state, inserted_at DESC)`
  yield* sql`CREATE INDEX job_runs_queue_state ON job_runs (queue, state)`
  yield* sql`CREATE INDEX job_runs_finished ON job_runs (state, finished_at) WHERE finished_at IS NOT NULL`
})
