/**
 * Reindex: rebuilds search documents in batches, recording progress (`search_reindex_runs`, and a
 * log line per batch). Triggers keep documents right at every content change; a reindex only
 * applies new ranking rules to what exists. Admins start it as the unique `search.reindex` job.
 */
import { PgClient } from "@effect/sql-pg"
import {
  type DatabaseError,
  JobPayloadInvalid,
  NotFound,
  ReindexProgress,
  ReindexQueued,
  type ReindexScope,
  SearchReindexJob
} from "@mediaserver/domain"
import { Context, DateTime, Effect, Layer, Schema } from "effect"
import { CacheStore } from "../cache/index.js"
import { SEARCH_NAMESPACES } from "../content/ContentCache.js"
import { decodeRows, optionalRow, wrapSql } from "../db/Sql.js"
import { Jobs } from "../jobs/Jobs.js"

const BATCH = 500

/** The document tables of a scope: the refresh function and the table whose ids it takes. */
const sources = (scope: ReindexScope): ReadonlyArray<{ readonly table: string; readonly refresh: string }> => [
  ...(scope === "tvshows" ? [] : [{ table: "movies", refresh: "search_refresh_movies" }]),
  ...(scope === "movies" ? [] : [{ table: "series", refresh: "search_refresh_series" }, { table: "episodes", refresh: "search_refresh_episodes" }]),
  ...(scope === "all" ? [{ table: "people", refresh: "search_refresh_people" }] : [])
]


const Ids = Schema.Struct({ id: Schema.String })
const Count = Schema.Struct({ n: Schema.Int })

/** Rebuilds every document of `scope`, as run `runId` (progress counts documents). */
export const rebuildDocuments = (scope: ReindexScope, runId: string): Effect.Effect<void, DatabaseError, PgClient.PgClient> =>
  Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    const tables = sources(scope)
    const counts = yield* Effect.forEach(tables, (t) =>
      sql`SELECT count(*)::int AS n FROM ${sql(t.table)}`.pipe(Effect.flatMap(decodeRows(Count)), Effect.map((r) => r[0]?.n ?? 0)))
    const total = counts.reduce((a, b) => a + b, 0)
    // A retried attempt starts over (rebuilding a document twice is harmless).
    yield* sql`
      INSERT INTO search_reindex_runs (job_run_id, scope, total) VALUES (${runId}, ${scope}, ${total})
      ON CONFLICT (job_run_id) DO UPDATE SET total = EXCLUDED.total, done = 0, started_at = now(), finished_at = NULL
    `
    let done = 0
    for (const t of tables) {
      let after = "00000000-0000-0000-0000-000000000000"
      for (;;) {
        const ids = yield* sql`SELECT id::text AS id FROM ${sql(t.table)} WHERE id > ${after}::uuid ORDER BY id LIMIT ${BATCH}`.pipe(
          Effect.flatMap(decodeRows(Ids)))
        const last = ids[ids.length - 1]
        if (last === undefined) break
        yield* sql`SELECT ${sql.literal(t.refresh)}(${ids.map((r) => r.id)}::uuid[])`
        done += ids.length
        after = last.id
        yield* sql`UPDATE search_reindex_runs SET done = ${done} WHERE job_run_id = ${runId}`
        yield* Effect.logInfo(`search reindex ${runId}: ${done}/${total} documents`).pipe(Effect.annotateLogs({ scope, table: t.table }))
      }
    }
    yield* sql`UPDATE search_reindex_runs SET finished_at = now() WHERE job_run_id = ${runId}`
  }).pipe(wrapSql("search.reindex"))

/** The `search.reindex` job: rebuilds, then drops cached search answers (ranked by the old rules). */
export const runReindex = (scope: ReindexScope, runId: string): Effect.Effect<void, DatabaseError, PgClient.PgClient | CacheStore> =>
  Effect.zipRight(
    rebuildDocuments(scope, runId),
    Effect.flatMap(CacheStore, (store) => Effect.forEach(SEARCH_NAMESPACES, (namespace) => store.invalidateNamespace(namespace), { discard: true }))
  )

const ProgressRow = Schema.Struct({
  jobRunId: Schema.String,
  scope: ReindexProgress.fields.scope,
  total: Schema.Int,
  done: Schema.Int,
  startedAt: Schema.DateFromSelf,
  finishedAt: Schema.NullOr(Schema.DateFromSelf)
})

export class SearchReindex extends Context.Tag("@mediaserver/search/SearchReindex")<
  SearchReindex,
  {
    /** Queues the reindex of `scope` (or finds the one queued or running). */
    readonly start: (scope: ReindexScope) => Effect.Effect<ReindexQueued, DatabaseError>
    readonly progress: (jobRunId: string) => Effect.Effect<ReindexProgress, NotFound | DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    SearchReindex,
    Effect.gen(function* () {
      const sql = yield* PgClient.PgClient
      const jobs = yield* Jobs
      return {
        start: (scope) =>
          jobs.enqueue(SearchReindexJob, { scope }).pipe(
            // The payload is a literal of the kind's own schema: failing to encode it is a defect.
            Effect.catchIf((e): e is JobPayloadInvalid => e instanceof JobPayloadInvalid, Effect.die),
            Effect.map((jobRunId) => new ReindexQueued({ jobRunId, scope }))
          ),
        progress: (jobRunId) =>
          sql`
            SELECT job_run_id AS "jobRunId", scope, total, done, started_at AS "startedAt", finished_at AS "finishedAt"
            FROM search_reindex_runs WHERE job_run_id = ${jobRunId}
          `.pipe(
            Effect.flatMap(decodeRows(ProgressRow)),
            Effect.map(optionalRow),
            wrapSql("search.reindexProgress"),
            Effect.flatMap((row) =>
              row._tag === "None"
                ? Effect.fail(new NotFound({ message: `No reindex run ${jobRunId} has started` }))
                : Effect.succeed(new ReindexProgress({
                  ...row.value,
                  startedAt: DateTime.unsafeFromDate(row.value.startedAt),
                  finishedAt: row.value.finishedAt === null ? null : DateTime.unsafeFromDate(row.value.finishedAt)
                })))
          )
      }
    })
  )
}
