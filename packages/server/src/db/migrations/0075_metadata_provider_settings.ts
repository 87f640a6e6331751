import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Per metadata provider, what an admin set over the environment's defaults: enabled, the API key
 * (sealed with SECRETS_KEY), the language, priorities per field group; and the configuration error a
 * provider's 401/403 left (the provider is not called until its settings change), shared by the
 * cluster. Movies and series keep the scores of other sources (IMDb, Rotten Tomatoes, Metacritic)
 * and awards.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE metadata_provider_settings (
      name text PRIMARY KEY,
      enabled boolean,
      api_key text,
      language text,
      priorities jsonb NOT NULL DEFAULT '{}'::jsonb,
      configuration_error text,
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `
  yield* sql`ALTER TABLE movies ADD COLUMN ratings jsonb NOT NULL DEFAULT '[]'::jsonb, ADD COLUMN awards text`
  yield* sql`ALTER TABLE series ADD COLUMN ratings jsonb NOT NULL DEFAULT '[]'::jsonb, ADD COLUMN awards text`
})
