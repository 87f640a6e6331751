import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/** The avatar's type and time of upload (the image itself is in storage under `avatars/<user id>`). */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`ALTER TABLE users ADD COLUMN avatar_type text, ADD COLUMN avatar_updated_at timestamptz`
})
