import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Users, sessions and API keys. Tokens and key secrets are stored only as sha-256 hex digests; API keys
 * are found by their public prefix. Sessions and keys go with their user (ON DELETE CASCADE).
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE users (
      id uuid PRIMARY KEY,
      username text NOT NULL,
      email text NOT NULL,
      display_name text,
      password_hash text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'user', 'guest')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `
  // Case-insensitive uniqueness: "Alice" and "alice" are one account.
  yield* sql`CREATE UNIQUE INDEX users_username_lower ON users (lower(username))`
  yield* sql`CREATE UNIQUE INDEX users_email_lower ON users (lower(email))`
  yield* sql`
    CREATE TABLE sessions (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      access_hash text NOT NULL UNIQUE,
      refresh_hash text NOT NULL UNIQUE,
      device text,
      user_agent text,
      ip text,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      access_expires_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL
    )
  `
  yield* sql`CREATE INDEX sessions_user ON sessions (user_id)`
  yield* sql`
    CREATE TABLE api_keys (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      name text NOT NULL,
      prefix text NOT NULL UNIQUE,
      secret_hash text NOT NULL,
      scopes text[] NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      expires_at timestamptz,
      revoked_at timestamptz
    )
  `
  yield* sql`CREATE INDEX api_keys_user ON api_keys (user_id)`
})
