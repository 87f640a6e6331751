import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Where a series' absolute episode numbers (anime numbering: "Show - 27.mkv") fall in its seasons, from
 * a provider's order (TVDb's absolute order, else the seasons' episode counts): written by the series'
 * refresh, read by the scan so a file named by its absolute number lands in its season and episode.
 * Until a series has its map, such a file is kept in season 1 under the key `a<number>`.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE series_absolute_numbers (
      series_id uuid NOT NULL REFERENCES series (id) ON DELETE CASCADE,
      absolute_number int NOT NULL,
      season_number int NOT NULL,
      episode_number int NOT NULL,
      PRIMARY KEY (series_id, absolute_number)
    )
  `
})
