import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Aggregated statistics, per hour and per UTC day, for the whole server (`scope` 'all') and per library
 * (`scope` its id): written by the hourly `statistics.aggregate` job, read by the admin dashboard. Days
 * are aggregated from the sessions themselves (not summed from hours): a user active in two hours of a
 * day is one active user of that day. Sizes are null for a period aggregated only after it ended.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE statistics (
      period text NOT NULL CHECK (period IN ('hour', 'day')),
      starts_at timestamptz NOT NULL,
      scope text NOT NULL,
      library_id uuid REFERENCES libraries (id) ON DELETE CASCADE,
      plays int NOT NULL,
      watch_seconds double precision NOT NULL,
      active_users int NOT NULL,
      direct_plays int NOT NULL,
      remuxes int NOT NULL,
      transcodes int NOT NULL,
      movies int,
      series int,
      episodes int,
      files int,
      bytes bigint,
      aggregated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (period, starts_at, scope),
      CHECK ((scope = 'all') = (library_id IS NULL))
    )
  `
  yield* sql`CREATE INDEX statistics_library ON statistics (library_id, period, starts_at) WHERE library_id IS NOT NULL`
  // The aggregation reads sessions by the time they were open.
  yield* sql`CREATE INDEX playback_sessions_created ON playback_sessions (created_at)`
})
