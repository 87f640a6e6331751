import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Single-step jobs are claimed straight from `job_runs` (no workflow execution): `run_at` says when a
 * queued or retrying run may start (NULL for runs of durable kinds, which the engine starts), and a
 * claimed run holds a lease (`leased_by`, `lease_until`) its node renews while the handler runs; a run
 * whose lease lapsed is taken over by another node. Such runs have no execution id.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    ALTER TABLE job_runs
      ADD COLUMN run_at timestamptz,
      ADD COLUMN leased_by text,
      ADD COLUMN lease_until timestamptz,
      ALTER COLUMN execution_id DROP NOT NULL
  `
  yield* sql`
    CREATE INDEX job_runs_ready ON job_runs (queue, run_at)
    WHERE run_at IS NOT NULL AND state IN ('queued', 'retrying')
  `
  yield* sql`CREATE INDEX job_runs_leases ON job_runs (lease_until) WHERE run_at IS NOT NULL AND state = 'running'`
})
