import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Email verification and password reset. Tokens are single use (`used_at`) and stored only as
 * sha-256 digests; `email` pins a verification to the address it was sent to.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`ALTER TABLE users ADD COLUMN email_verified_at timestamptz`
  yield* sql`
    CREATE TABLE email_tokens (
      token_hash text PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      purpose text NOT NULL CHECK (purpose IN ('verify', 'reset')),
      email text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    )
  `
  yield* sql`CREATE INDEX email_tokens_user ON email_tokens (user_id, purpose)`
  yield* sql`CREATE INDEX email_tokens_expires ON email_tokens (expires_at)`
})
