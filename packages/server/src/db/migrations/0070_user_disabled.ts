import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * An admin can disable an account: while `disabled_at` is set it cannot sign in and its API keys are
 * refused (its sessions are ended when it is disabled). The search of the admin's user list matches
 * name or email with a trigram index (substring search, any case).
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`ALTER TABLE users ADD COLUMN disabled_at timestamptz`
  yield* sql`
    CREATE INDEX users_search_trgm ON users
    USING gin ((lower(username) || ' ' || lower(email) || ' ' || lower(COALESCE(display_name, ''))) gin_trgm_ops)
  `
})
