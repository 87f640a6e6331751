import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Settings that differ from their defaults (a key absent here has its catalogue default). Keys are
 * `category.name`, so a category is a key prefix.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE server_settings (
      key text PRIMARY KEY,
      value jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by uuid REFERENCES users (id) ON DELETE SET NULL
    )
  `
  yield* sql`
    CREATE TABLE user_settings (
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      key text NOT NULL,
      value jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, key)
    )
  `
})
