import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * A file's video keyframe times (seconds, ascending), read once when a copy of it is first played and
 * kept with its probe (a new probe clears them): remux segments start at real keyframes.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`ALTER TABLE media_files ADD COLUMN keyframes jsonb`
})
