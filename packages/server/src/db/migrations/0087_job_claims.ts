import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Single-step jobs are claimed straight from `job_runs` (no workflow execution): `run_at` says when a
 * queued or retrying run may start (NULL for runs of durable kinds, which the engine starts), and a
 * claimed run holds a lease (`leased_by`, `lease_until`) its node renews while the handler runs; a run
 * whose lease lapsed is taken over by another node. Such runs have no execution id. Inserting ready
 * runs notifies `job_runs_ready` with their queue (at commit, once per queue and transaction), so the
 * other nodes of a cluster look for them at once instead of at their next poll.
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
  yield* sql`
    CREATE FUNCTION job_runs_ready_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('job_runs_ready', ready.queue)
      FROM (SELECT DISTINCT queue FROM inserted WHERE run_at IS NOT NULL AND state = 'queued') AS ready;
      RETURN NULL;
    END
    $$
  `
  yield* sql`
    CREATE TRIGGER job_runs_ready AFTER INSERT ON job_runs
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION job_runs_ready_notify()
  `
})
