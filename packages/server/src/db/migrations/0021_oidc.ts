import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * OpenID Connect providers and the links of users to provider accounts (one per provider and user).
 * The client secret is sealed (AES-256-GCM, SECRETS_KEY). At most one provider is the default.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE oidc_providers (
      id uuid PRIMARY KEY,
      slug text NOT NULL UNIQUE,
      name text NOT NULL,
      issuer text NOT NULL,
      client_id text NOT NULL,
      client_secret text,
      scopes text[] NOT NULL,
      claims jsonb NOT NULL,
      group_roles jsonb NOT NULL DEFAULT '{}',
      auto_create boolean NOT NULL DEFAULT true,
      enabled boolean NOT NULL DEFAULT true,
      is_default boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `
  yield* sql`CREATE UNIQUE INDEX oidc_providers_one_default ON oidc_providers (is_default) WHERE is_default`
  yield* sql`
    CREATE TABLE oidc_links (
      provider_id uuid NOT NULL REFERENCES oidc_providers (id) ON DELETE CASCADE,
      subject text NOT NULL,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      email text,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_login_at timestamptz,
      PRIMARY KEY (provider_id, subject),
      CONSTRAINT oidc_links_one_per_user UNIQUE (provider_id, user_id)
    )
  `
  yield* sql`CREATE INDEX oidc_links_user ON oidc_links (user_id)`
})
