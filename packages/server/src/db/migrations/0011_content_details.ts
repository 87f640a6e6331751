import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * What metadata fills in and browsing reads: descriptive fields on movies, series, seasons and
 * episodes; genres, collections, studios and networks, people and their credits; and each user's
 * watch state and history. `locked_fields` names fields an admin edited, which refreshes keep.
 * Image columns hold provider paths (e.g. TMDb's "/abc.jpg"); the image service resolves them.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  // Timestamps in JSON answers: ISO 8601 in UTC with milliseconds, as the domain's DateTimeUtc reads them.
  yield* sql`
    CREATE FUNCTION iso_utc(timestamptz) RETURNS text IMMUTABLE LANGUAGE sql
    AS $$ SELECT to_char($1 AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$
  `
  yield* sql`
    CREATE TABLE collections (
      id uuid PRIMARY KEY,
      tmdb_id text UNIQUE,
      name text NOT NULL,
      overview text,
      poster_path text,
      backdrop_path text,
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `
  yield* sql`
    ALTER TABLE movies
      ADD COLUMN original_title text,
      ADD COLUMN original_language text,
      ADD COLUMN tagline text,
      ADD COLUMN release_date date,
      ADD COLUMN runtime_minutes int,
      ADD COLUMN rating double precision,
      ADD COLUMN vote_count int,
      ADD COLUMN popularity double precision,
      ADD COLUMN status text,
      ADD COLUMN certification text,
      ADD COLUMN budget bigint,
      ADD COLUMN revenue bigint,
      ADD COLUMN homepage text,
      ADD COLUMN poster_path text,
      ADD COLUMN backdrop_path text,
      ADD COLUMN logo_path text,
      ADD COLUMN collection_id uuid REFERENCES collections (id) ON DELETE SET NULL,
      ADD COLUMN locked_fields text[] NOT NULL DEFAULT '{}',
      ADD COLUMN match_candidates jsonb,
      ADD COLUMN metadata_updated_at timestamptz
  `
  yield* sql`CREATE INDEX movies_sort_title ON movies (sort_title, id)`
  yield* sql`CREATE INDEX movies_added ON movies (added_at DESC, id)`
  yield* sql`CREATE INDEX movies_rating ON movies (rating DESC NULLS LAST, id)`
  yield* sql`CREATE INDEX movies_release ON movies (release_date DESC NULLS LAST, id)`
  yield* sql`CREATE INDEX movies_collection ON movies (collection_id) WHERE collection_id IS NOT NULL`
  yield* sql`CREATE INDEX movies_tmdb ON movies (tmdb_id) WHERE tmdb_id IS NOT NULL`
  yield* sql`CREATE INDEX movies_imdb ON movies (imdb_id) WHERE imdb_id IS NOT NULL`

  yield* sql`
    ALTER TABLE series
      ADD COLUMN original_title text,
      ADD COLUMN original_language text,
      ADD COLUMN tagline text,
      ADD COLUMN first_air_date date,
      ADD COLUMN last_air_date date,
      ADD COLUMN episode_runtime_minutes int,
      ADD COLUMN rating double precision,
      ADD COLUMN vote_count int,
      ADD COLUMN popularity double precision,
      ADD COLUMN status text,
      ADD COLUMN certification text,
      ADD COLUMN homepage text,
      ADD COLUMN poster_path text,
      ADD COLUMN backdrop_path text,
      ADD COLUMN logo_path text,
      ADD COLUMN locked_fields text[] NOT NULL DEFAULT '{}',
      ADD COLUMN match_candidates jsonb,
      ADD COLUMN metadata_updated_at timestamptz
  `
  yield* sql`CREATE INDEX series_sort_title ON series (sort_title, id)`
  yield* sql`CREATE INDEX series_added ON series (added_at DESC, id)`
  yield* sql`CREATE INDEX series_rating ON series (rating DESC NULLS LAST, id)`
  yield* sql`CREATE INDEX series_tmdb ON series (tmdb_id) WHERE tmdb_id IS NOT NULL`
  yield* sql`CREATE INDEX series_tvdb ON series (tvdb_id) WHERE tvdb_id IS NOT NULL`

  yield* sql`
    ALTER TABLE seasons
      ADD COLUMN tmdb_id text,
      ADD COLUMN name text,
      ADD COLUMN overview text,
      ADD COLUMN air_date date,
      ADD COLUMN poster_path text,
      ADD COLUMN locked_fields text[] NOT NULL DEFAULT '{}'
  `
  yield* sql`
    ALTER TABLE episodes
      ADD COLUMN tmdb_id text,
      ADD COLUMN overview text,
      ADD COLUMN runtime_minutes int,
      ADD COLUMN rating double precision,
      ADD COLUMN vote_count int,
      ADD COLUMN still_path text,
      ADD COLUMN locked_fields text[] NOT NULL DEFAULT '{}'
  `
  yield* sql`CREATE INDEX episodes_air_date ON episodes (air_date, series_id) WHERE air_date IS NOT NULL`

  // Genres by name: providers and NFO files both name them; tmdb_id is kept when known.
  yield* sql`
    CREATE TABLE genres (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      tmdb_id int
    )
  `
  yield* sql`CREATE UNIQUE INDEX genres_name_lower ON genres (lower(name))`
  yield* sql`
    CREATE TABLE movie_genres (
      movie_id uuid NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
      genre_id uuid NOT NULL REFERENCES genres (id) ON DELETE CASCADE,
      PRIMARY KEY (movie_id, genre_id)
    )
  `
  yield* sql`CREATE INDEX movie_genres_genre ON movie_genres (genre_id, movie_id)`
  yield* sql`
    CREATE TABLE series_genres (
      series_id uuid NOT NULL REFERENCES series (id) ON DELETE CASCADE,
      genre_id uuid NOT NULL REFERENCES genres (id) ON DELETE CASCADE,
      PRIMARY KEY (series_id, genre_id)
    )
  `
  yield* sql`CREATE INDEX series_genres_genre ON series_genres (genre_id, series_id)`

  // Studios (production companies) and TV networks.
  yield* sql`
    CREATE TABLE companies (
      id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('studio', 'network')),
      tmdb_id int,
      name text NOT NULL,
      logo_path text,
      origin_country text
    )
  `
  yield* sql`CREATE UNIQUE INDEX companies_kind_tmdb ON companies (kind, tmdb_id) WHERE tmdb_id IS NOT NULL`
  yield* sql`CREATE UNIQUE INDEX companies_kind_name ON companies (kind, lower(name)) WHERE tmdb_id IS NULL`
  yield* sql`
    CREATE TABLE movie_studios (
      movie_id uuid NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
      company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
      position int NOT NULL DEFAULT 0,
      PRIMARY KEY (movie_id, company_id)
    )
  `
  yield* sql`
    CREATE TABLE series_networks (
      series_id uuid NOT NULL REFERENCES series (id) ON DELETE CASCADE,
      company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
      position int NOT NULL DEFAULT 0,
      PRIMARY KEY (series_id, company_id)
    )
  `
  yield* sql`CREATE INDEX series_networks_company ON series_networks (company_id, series_id)`

  yield* sql`
    CREATE TABLE people (
      id uuid PRIMARY KEY,
      tmdb_id text UNIQUE,
      imdb_id text,
      name text NOT NULL,
      biography text,
      birthday date,
      deathday date,
      place_of_birth text,
      gender int,
      known_for_department text,
      profile_path text,
      popularity double precision,
      metadata_state text NOT NULL DEFAULT 'pending',
      metadata_updated_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `
  yield* sql`CREATE INDEX people_name_trgm ON people USING gin (name gin_trgm_ops)`
  // One credit row per person per role on exactly one of a movie, a series or an episode.
  // 'guest' credits are an episode's guest stars.
  yield* sql`
    CREATE TABLE credits (
      id uuid PRIMARY KEY,
      person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
      movie_id uuid REFERENCES movies (id) ON DELETE CASCADE,
      series_id uuid REFERENCES series (id) ON DELETE CASCADE,
      episode_id uuid REFERENCES episodes (id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('cast', 'crew', 'guest')),
      character text,
      department text,
      job text,
      position int NOT NULL DEFAULT 0,
      CHECK (num_nonnulls(movie_id, series_id, episode_id) = 1)
    )
  `
  yield* sql`CREATE INDEX credits_movie ON credits (movie_id, kind, position) WHERE movie_id IS NOT NULL`
  yield* sql`CREATE INDEX credits_series ON credits (series_id, kind, position) WHERE series_id IS NOT NULL`
  yield* sql`CREATE INDEX credits_episode ON credits (episode_id, kind, position) WHERE episode_id IS NOT NULL`
  yield* sql`CREATE INDEX credits_person ON credits (person_id)`

  // A user's state on one movie or episode. series_id is denormalised for next-episode and
  // continue-watching reads.
  yield* sql`
    CREATE TABLE watch_state (
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      movie_id uuid REFERENCES movies (id) ON DELETE CASCADE,
      episode_id uuid REFERENCES episodes (id) ON DELETE CASCADE,
      series_id uuid REFERENCES series (id) ON DELETE CASCADE,
      position_seconds double precision NOT NULL DEFAULT 0,
      duration_seconds double precision,
      watched boolean NOT NULL DEFAULT false,
      play_count int NOT NULL DEFAULT 0,
      last_watched_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (num_nonnulls(movie_id, episode_id) = 1)
    )
  `
  yield* sql`CREATE UNIQUE INDEX watch_state_movie ON watch_state (user_id, movie_id) WHERE movie_id IS NOT NULL`
  yield* sql`CREATE UNIQUE INDEX watch_state_episode ON watch_state (user_id, episode_id) WHERE episode_id IS NOT NULL`
  yield* sql`CREATE INDEX watch_state_series ON watch_state (user_id, series_id) WHERE series_id IS NOT NULL`
  yield* sql`CREATE INDEX watch_state_recent ON watch_state (user_id, updated_at DESC)`
  yield* sql`
    CREATE TABLE watch_history (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      movie_id uuid REFERENCES movies (id) ON DELETE CASCADE,
      episode_id uuid REFERENCES episodes (id) ON DELETE CASCADE,
      series_id uuid REFERENCES series (id) ON DELETE CASCADE,
      watched_at timestamptz NOT NULL DEFAULT now(),
      position_seconds double precision,
      duration_seconds double precision,
      CHECK (num_nonnulls(movie_id, episode_id) = 1)
    )
  `
  yield* sql`CREATE INDEX watch_history_user ON watch_history (user_id, watched_at DESC)`

  // Per-user ratings (1..10) and favorites.
  yield* sql`
    CREATE TABLE user_marks (
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      movie_id uuid REFERENCES movies (id) ON DELETE CASCADE,
      series_id uuid REFERENCES series (id) ON DELETE CASCADE,
      rating smallint CHECK (rating BETWEEN 1 AND 10),
      favorite boolean NOT NULL DEFAULT false,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (num_nonnulls(movie_id, series_id) = 1)
    )
  `
  yield* sql`CREATE UNIQUE INDEX user_marks_movie ON user_marks (user_id, movie_id) WHERE movie_id IS NOT NULL`
  yield* sql`CREATE UNIQUE INDEX user_marks_series ON user_marks (user_id, series_id) WHERE series_id IS NOT NULL`
})
