import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * A session's stream token: a random secret in its stream URLs, so players that cannot send a header
 * or cookie (VLC, TV apps, cast receivers) can fetch the stream. Valid only while the session is active.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`ALTER TABLE playback_sessions ADD COLUMN stream_token text`
})
