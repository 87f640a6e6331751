import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Libraries, their permissions and scans; the content a scan creates (movies, series, seasons,
 * episodes) and the files behind it. A file's probe is cached on its row with the size and mtime it
 * was taken at: an unchanged file is never probed again. Titles carry a trigram index for search.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`
  yield* sql`
    CREATE TABLE libraries (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('movie', 'tvshow')),
      paths jsonb NOT NULL,
      scan jsonb NOT NULL,
      language text NOT NULL,
      country text NOT NULL,
      watch_state text NOT NULL DEFAULT 'off',
      watch_error text,
      last_scan_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `
  yield* sql`CREATE UNIQUE INDEX libraries_name_lower ON libraries (lower(name))`
  yield* sql`
    CREATE TABLE library_permissions (
      library_id uuid NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      can_view boolean NOT NULL,
      can_download boolean NOT NULL,
      can_manage boolean NOT NULL,
      granted_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (library_id, user_id)
    )
  `
  yield* sql`CREATE INDEX library_permissions_user ON library_permissions (user_id)`
  yield* sql`
    CREATE TABLE library_scans (
      id uuid PRIMARY KEY,
      library_id uuid NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
      status text NOT NULL,
      trigger text NOT NULL,
      phase text NOT NULL DEFAULT 'queued',
      counts jsonb NOT NULL,
      files_per_second double precision NOT NULL DEFAULT 0,
      unmatched jsonb NOT NULL DEFAULT '[]',
      errors jsonb NOT NULL DEFAULT '[]',
      message text,
      job_run_id text,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    )
  `
  // The database's own guard behind the LibraryScan entity: one running scan per library.
  yield* sql`CREATE UNIQUE INDEX library_scans_one_running ON library_scans (library_id) WHERE status = 'running'`
  yield* sql`CREATE INDEX library_scans_library_started ON library_scans (library_id, started_at DESC)`

  yield* sql`
    CREATE TABLE movies (
      id uuid PRIMARY KEY,
      library_id uuid NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
      match_key text NOT NULL,
      title text NOT NULL,
      sort_title text NOT NULL,
      year int,
      tmdb_id text,
      imdb_id text,
      edition text,
      overview text,
      metadata_state text NOT NULL DEFAULT 'pending',
      added_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (library_id, match_key)
    )
  `
  yield* sql`CREATE INDEX movies_title_trgm ON movies USING gin (title gin_trgm_ops)`
  yield* sql`CREATE INDEX movies_library_added ON movies (library_id, added_at DESC)`
  yield* sql`
    CREATE TABLE series (
      id uuid PRIMARY KEY,
      library_id uuid NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
      match_key text NOT NULL,
      title text NOT NULL,
      sort_title text NOT NULL,
      year int,
      tmdb_id text,
      imdb_id text,
      tvdb_id text,
      overview text,
      metadata_state text NOT NULL DEFAULT 'pending',
      added_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (library_id, match_key)
    )
  `
  yield* sql`CREATE INDEX series_title_trgm ON series USING gin (title gin_trgm_ops)`
  yield* sql`
    CREATE TABLE seasons (
      id uuid PRIMARY KEY,
      series_id uuid NOT NULL REFERENCES series (id) ON DELETE CASCADE,
      season_number int NOT NULL,
      added_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (series_id, season_number)
    )
  `
  // An episode is a number in a season, or (daily shows) an air date.
  yield* sql`
    CREATE TABLE episodes (
      id uuid PRIMARY KEY,
      series_id uuid NOT NULL REFERENCES series (id) ON DELETE CASCADE,
      season_id uuid NOT NULL REFERENCES seasons (id) ON DELETE CASCADE,
      season_number int NOT NULL,
      episode_key text NOT NULL,
      episode_number int,
      absolute_number int,
      air_date date,
      title text,
      metadata_state text NOT NULL DEFAULT 'pending',
      added_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (season_id, episode_key)
    )
  `
  yield* sql`CREATE INDEX episodes_series ON episodes (series_id, season_number, episode_number)`

  yield* sql`
    CREATE TABLE media_files (
      id uuid PRIMARY KEY,
      library_id uuid NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
      path text NOT NULL,
      size_bytes bigint NOT NULL,
      mtime_ms bigint NOT NULL,
      state text NOT NULL DEFAULT 'present' CHECK (state IN ('present', 'missing')),
      missing_since timestamptz,
      match_state text NOT NULL CHECK (match_state IN ('matched', 'unmatched')),
      match_error text,
      movie_id uuid REFERENCES movies (id) ON DELETE SET NULL,
      part int,
      version text,
      probe jsonb,
      probe_size bigint,
      probe_mtime_ms bigint,
      probe_error text,
      added_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (library_id, path)
    )
  `
  yield* sql`CREATE INDEX media_files_movie ON media_files (movie_id) WHERE movie_id IS NOT NULL`
  yield* sql`CREATE INDEX media_files_unprobed ON media_files (library_id) WHERE probe_size IS DISTINCT FROM size_bytes OR probe_mtime_ms IS DISTINCT FROM mtime_ms`
  yield* sql`
    CREATE TABLE media_file_episodes (
      media_file_id uuid NOT NULL REFERENCES media_files (id) ON DELETE CASCADE,
      episode_id uuid NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
      PRIMARY KEY (media_file_id, episode_id)
    )
  `
  yield* sql`CREATE INDEX media_file_episodes_episode ON media_file_episodes (episode_id)`
  yield* sql`
    CREATE TABLE media_streams (
      media_file_id uuid NOT NULL REFERENCES media_files (id) ON DELETE CASCADE,
      position int NOT NULL,
      kind text NOT NULL CHECK (kind IN ('video', 'audio', 'subtitle')),
      stream_index int,
      codec text NOT NULL,
      language text,
      title text,
      is_default boolean NOT NULL DEFAULT false,
      is_forced boolean NOT NULL DEFAULT false,
      external_path text,
      details jsonb NOT NULL DEFAULT '{}',
      PRIMARY KEY (media_file_id, position)
    )
  `
})
