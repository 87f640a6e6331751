import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Provider images the server knows (from refreshes), by provider path. The bytes are stored once,
 * content-addressed (`content_hash`, under DATA_DIR/storage/images); a null hash is known but not
 * downloaded yet. Only paths listed here are ever fetched or served. People gain their best-known titles.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE images (
      path text PRIMARY KEY,
      provider text NOT NULL,
      kind text NOT NULL,
      content_hash text,
      content_type text,
      width int,
      height int,
      size_bytes int,
      downloaded_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )
  `
  yield* sql`CREATE INDEX images_pending ON images (created_at) WHERE content_hash IS NULL`
  yield* sql`ALTER TABLE people ADD COLUMN known_for jsonb NOT NULL DEFAULT '[]', ADD COLUMN also_known_as jsonb NOT NULL DEFAULT '[]'`
})
