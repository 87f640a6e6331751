import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/** The daily activity cleanup deletes by age: without this index each of its batches scans the table. */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE INDEX activity_log_at ON activity_log (at)`
})
