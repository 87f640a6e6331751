import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/** Progress of search reindex runs (documents rebuilt of the total), shown by the search API and logged. */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE search_reindex_runs (
      job_run_id text PRIMARY KEY,
      scope text NOT NULL,
      total int NOT NULL DEFAULT 0,
      done int NOT NULL DEFAULT 0,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    )
  `
})
