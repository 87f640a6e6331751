import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Playback sessions: what was decided and chosen at creation, and the state every heartbeat saves
 * (position, paused, last activity), so the session's entity can resume on any node. `node` is where
 * its entity (and ffmpeg) last ran.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE playback_sessions (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      movie_id uuid REFERENCES movies (id) ON DELETE CASCADE,
      episode_id uuid REFERENCES episodes (id) ON DELETE CASCADE,
      media_file_id uuid NOT NULL REFERENCES media_files (id) ON DELETE CASCADE,
      decision jsonb NOT NULL,
      options jsonb NOT NULL,
      duration_seconds double precision NOT NULL,
      position_seconds double precision NOT NULL DEFAULT 0,
      paused boolean NOT NULL DEFAULT false,
      state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'stopped')),
      stop_reason text,
      node text,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_active_at timestamptz NOT NULL DEFAULT now(),
      stopped_at timestamptz,
      CHECK ((movie_id IS NULL) <> (episode_id IS NULL))
    )
  `
  // The health job's scan: active sessions by last heartbeat.
  yield* sql`CREATE INDEX playback_sessions_active ON playback_sessions (last_active_at) WHERE state = 'active'`
  yield* sql`CREATE INDEX playback_sessions_user ON playback_sessions (user_id, created_at DESC)`
})
