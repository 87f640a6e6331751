import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Second factors. TOTP secrets are sealed (AES-256-GCM, SECRETS_KEY); `totp_last_step` is the last
 * accepted time step, so a code is never accepted twice. Backup codes are stored as sha-256 digests.
 * WebAuthn credentials keep their COSE public key (base64url) and signature counter.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE user_mfa (
      user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
      enabled boolean NOT NULL DEFAULT false,
      totp_secret text,
      totp_pending text,
      totp_last_step bigint,
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `
  yield* sql`
    CREATE TABLE mfa_backup_codes (
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      code_hash text NOT NULL,
      used_at timestamptz,
      PRIMARY KEY (user_id, code_hash)
    )
  `
  yield* sql`
    CREATE TABLE webauthn_credentials (
      id text PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      name text NOT NULL,
      public_key text NOT NULL,
      counter bigint NOT NULL DEFAULT 0,
      transports text[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz
    )
  `
  yield* sql`CREATE INDEX webauthn_credentials_user ON webauthn_credentials (user_id)`
})
