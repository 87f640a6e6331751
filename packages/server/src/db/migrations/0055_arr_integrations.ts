import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Radarr/Sonarr integrations: instances (API key and webhook secret sealed with SECRETS_KEY, at most
 * one default per app), webhook events recorded once by identity, the app's ids/quality/release group
 * on our items (arr_links; `removed_at` marks what the app no longer has), sync runs and wanted titles.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE arr_instances (
      id uuid PRIMARY KEY,
      app text NOT NULL CHECK (app IN ('radarr', 'sonarr')),
      name text NOT NULL,
      url text NOT NULL,
      api_key text NOT NULL,
      webhook_secret text NOT NULL,
      enabled boolean NOT NULL DEFAULT true,
      is_default boolean NOT NULL DEFAULT false,
      library_id uuid REFERENCES libraries (id) ON DELETE SET NULL,
      path_mappings jsonb NOT NULL DEFAULT '[]',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT arr_instances_name UNIQUE (app, name)
    )
  `
  yield* sql`CREATE UNIQUE INDEX arr_instances_one_default ON arr_instances (app) WHERE is_default`
  yield* sql`
    CREATE TABLE arr_webhook_events (
      id text PRIMARY KEY,
      instance_id uuid NOT NULL REFERENCES arr_instances (id) ON DELETE CASCADE,
      event_type text NOT NULL,
      body jsonb NOT NULL,
      state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'done', 'ignored', 'failed')),
      error text,
      effects int NOT NULL DEFAULT 0,
      received_at timestamptz NOT NULL DEFAULT now(),
      processed_at timestamptz
    )
  `
  yield* sql`CREATE INDEX arr_webhook_events_instance ON arr_webhook_events (instance_id, received_at DESC)`
  yield* sql`
    CREATE TABLE arr_links (
      instance_id uuid NOT NULL REFERENCES arr_instances (id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('movie', 'series', 'file')),
      arr_id int NOT NULL,
      movie_id uuid REFERENCES movies (id) ON DELETE SET NULL,
      series_id uuid REFERENCES series (id) ON DELETE SET NULL,
      media_file_id uuid REFERENCES media_files (id) ON DELETE SET NULL,
      path text,
      quality text,
      release_group text,
      seen_at timestamptz NOT NULL DEFAULT now(),
      removed_at timestamptz,
      PRIMARY KEY (instance_id, kind, arr_id)
    )
  `
  yield* sql`CREATE INDEX arr_links_movie ON arr_links (movie_id) WHERE movie_id IS NOT NULL`
  yield* sql`CREATE INDEX arr_links_series ON arr_links (series_id) WHERE series_id IS NOT NULL`
  yield* sql`
    CREATE TABLE arr_syncs (
      id uuid PRIMARY KEY,
      instance_id uuid NOT NULL REFERENCES arr_instances (id) ON DELETE CASCADE,
      state text NOT NULL CHECK (state IN ('queued', 'running', 'completed', 'failed')),
      done int NOT NULL DEFAULT 0,
      total int NOT NULL DEFAULT 0,
      counts jsonb,
      errors jsonb NOT NULL DEFAULT '[]',
      started_at timestamptz,
      finished_at timestamptz
    )
  `
  yield* sql`CREATE INDEX arr_syncs_instance ON arr_syncs (instance_id, started_at DESC)`
  yield* sql`
    CREATE TABLE arr_wanted (
      instance_id uuid NOT NULL REFERENCES arr_instances (id) ON DELETE CASCADE,
      arr_id int NOT NULL,
      title text NOT NULL,
      year int,
      tmdb_id int,
      tvdb_id int,
      imdb_id text,
      added_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (instance_id, arr_id)
    )
  `
})
