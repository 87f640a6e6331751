import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Notification agents as data (URL and secret sealed with SECRETS_KEY; per-agent event filter and
 * templates) with their coalescing state (the current window and its count, the open digest); events
 * held for an agent's digest; how far the dispatcher has read the outbox; per-user preferences (null:
 * the default, every event in the browser and none by email).
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE notification_agents (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('discord', 'gotify', 'ntfy', 'webhook', 'email')),
      enabled boolean NOT NULL DEFAULT true,
      events jsonb NOT NULL,
      templates jsonb NOT NULL DEFAULT '[]',
      url text NOT NULL DEFAULT '',
      url_origin text,
      secret text NOT NULL DEFAULT '',
      topic text,
      priority int,
      recipients jsonb NOT NULL DEFAULT '[]',
      to_users boolean NOT NULL DEFAULT false,
      window_started_at timestamptz,
      window_count int NOT NULL DEFAULT 0,
      digest_seq bigint,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT notification_agents_name UNIQUE (name)
    )
  `
  yield* sql`
    CREATE TABLE notification_held (
      agent_id uuid NOT NULL REFERENCES notification_agents (id) ON DELETE CASCADE,
      seq bigint NOT NULL,
      event jsonb NOT NULL,
      digest_seq bigint,
      PRIMARY KEY (agent_id, seq)
    )
  `
  yield* sql`CREATE INDEX notification_held_digest ON notification_held (agent_id, digest_seq)`
  yield* sql`CREATE TABLE notification_cursor (id int PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL)`
  yield* sql`
    CREATE TABLE notification_preferences (
      user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
      email_events jsonb,
      browser_events jsonb,
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `
})
