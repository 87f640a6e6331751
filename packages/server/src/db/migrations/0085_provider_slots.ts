import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Metadata providers with strict rules (AniDB: one request per 2 s for the whole installation, the same
 * answer asked at most once a day) keep them through the database every node shares, Postgres or the
 * embedded one: `metadata_provider_slots` holds the earliest time the provider's next request may go
 * (each node reserves its slot with one UPDATE, so two nodes never take the same one), and
 * `metadata_provider_answers` keeps the provider's answers with the time they were fetched. AniDB finds
 * titles only through its daily title dump, kept in `anidb_titles` (normalised for matching).
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE metadata_provider_slots (
      name text PRIMARY KEY,
      next_at timestamptz NOT NULL
    )
  `
  yield* sql`
    CREATE TABLE metadata_provider_answers (
      provider text NOT NULL,
      key text NOT NULL,
      body text NOT NULL,
      fetched_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (provider, key)
    )
  `
  yield* sql`
    CREATE TABLE anidb_titles (
      aid int NOT NULL,
      title text NOT NULL,
      normalized text NOT NULL,
      kind text NOT NULL,
      language text NOT NULL
    )
  `
  yield* sql`CREATE INDEX anidb_titles_normalized ON anidb_titles (normalized)`
})
