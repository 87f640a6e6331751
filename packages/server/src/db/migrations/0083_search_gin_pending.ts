import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Search's GIN indexes keep new entries in a pending list that every query reads in full until a
 * vacuum merges it. Left at the default 4 MB, a freshly scanned library made every search read
 * about 460 pages per index (a multi-kind search spent most of its time there), and the embedded
 * database has no autovacuum to merge it. At 256 kB a query reads at most ~32 pages, and bulk
 * writes still batch their merges (measured: rewriting 20,000 episode documents took the same time).
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  for (const table of ["search_movies", "search_series", "search_episodes", "search_people"]) {
    for (const index of ["document", "names"]) {
      yield* sql.unsafe(`ALTER INDEX ${table}_${index} SET (gin_pending_list_limit = 256)`)
    }
    yield* sql.unsafe(`SELECT gin_clean_pending_list('${table}_document'::regclass), gin_clean_pending_list('${table}_names'::regclass)`)
  }
})
