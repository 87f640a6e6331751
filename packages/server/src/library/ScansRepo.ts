/** SQL of `library_scans`: one row per scan, updated with its progress while it runs. */
import type { SqlError } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import {
  type Conflict,
  type DatabaseError,
  LibraryId,
  LibraryScan,
  ScanCounts,
  ScanId,
  ScanIssue,
  ScanStatus,
  ScanTrigger,
  emptyScanCounts
} from "@mediaserver/domain"
import { Context, DateTime, Effect, Layer, Option, Schema } from "effect"
import { decodeRows, firstRow, jsonb, wrapSql, wrapSqlUnique } from "../db/Sql.js"

const ScanRow = Schema.Struct({
  id: ScanId,
  library_id: LibraryId,
  status: ScanStatus,
  trigger: ScanTrigger,
  phase: Schema.String,
  counts: ScanCounts,
  files_per_second: Schema.Number,
  unmatched: Schema.Array(ScanIssue),
  errors: Schema.Array(ScanIssue),
  message: Schema.NullOr(Schema.String),
  job_run_id: Schema.NullOr(Schema.String),
  started_at: Schema.DateFromSelf,
  finished_at: Schema.NullOr(Schema.DateFromSelf)
})
const decodeScans = decodeRows(ScanRow)

const toScan = (row: typeof ScanRow.Type): LibraryScan =>
  new LibraryScan({
    id: row.id,
    libraryId: row.library_id,
    status: row.status,
    trigger: row.trigger,
    phase: row.phase,
    counts: row.counts,
    filesPerSecond: row.files_per_second,
    unmatched: row.unmatched,
    errors: row.errors,
    message: row.message,
    jobRunId: row.job_run_id,
    startedAt: DateTime.unsafeFromDate(row.started_at),
    finishedAt: row.finished_at === null ? null : DateTime.unsafeFromDate(row.finished_at),
    durationMs: row.finished_at === null ? null : row.finished_at.getTime() - row.started_at.getTime()
  })

const encodeCounts = Schema.encodeSync(ScanCounts)
const encodeIssues = Schema.encodeSync(Schema.Array(ScanIssue))

export interface ScanProgress {
  readonly phase: string
  readonly counts: ScanCounts
  readonly filesPerSecond: number
  readonly unmatched: ReadonlyArray<ScanIssue>
  readonly errors: ReadonlyArray<ScanIssue>
}

export type FinalScanStatus = Exclude<ScanStatus, "running">

export class ScansRepo extends Context.Tag("@mediaserver/library/ScansRepo")<
  ScansRepo,
  {
    /** Conflict when the library already has a running scan (the database's guard). */
    readonly start: (id: ScanId, libraryId: LibraryId, trigger: ScanTrigger) => Effect.Effect<LibraryScan, Conflict | DatabaseError>
    readonly setJobRun: (id: ScanId, runId: string) => Effect.Effect<LibraryScan, DatabaseError>
    readonly running: (libraryId: LibraryId) => Effect.Effect<Option.Option<LibraryScan>, DatabaseError>
    readonly get: (id: ScanId) => Effect.Effect<Option.Option<LibraryScan>, DatabaseError>
    readonly latest: (libraryId: LibraryId) => Effect.Effect<Option.Option<LibraryScan>, DatabaseError>
    readonly page: (libraryId: LibraryId, limit: number, offset: number) => Effect.Effect<{ readonly items: ReadonlyArray<LibraryScan>; readonly total: number }, DatabaseError>
    /** Only while the scan is still running: a cancelled scan's late progress is dropped. */
    readonly progress: (id: ScanId, progress: ScanProgress) => Effect.Effect<void, DatabaseError>
    readonly finish: (id: ScanId, status: FinalScanStatus, message: string | null, progress?: ScanProgress) => Effect.Effect<Option.Option<LibraryScan>, DatabaseError>
    readonly setMessage: (id: ScanId, message: string) => Effect.Effect<void, DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    ScansRepo,
    Effect.gen(function* () {
      const sql = yield* PgClient.PgClient
      const maybeOne = (operation: string) => (query: Effect.Effect<ReadonlyArray<unknown>, SqlError.SqlError>) =>
        query.pipe(
          Effect.flatMap(decodeScans),
          Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toScan)),
          wrapSql(operation)
        )
      return {
        start: (id, libraryId, trigger) =>
          sql`
            INSERT INTO library_scans (id, library_id, status, trigger, phase, counts)
            VALUES (${id}, ${libraryId}, 'running', ${trigger}, 'queued', ${jsonb(encodeCounts(emptyScanCounts()))}::jsonb)
            RETURNING *
          `.pipe(
            Effect.flatMap(decodeScans),
            Effect.flatMap(firstRow("scans.start")),
            Effect.map(toScan),
            wrapSqlUnique("scans.start", { library_scans_one_running: "libraryId" })
          ),
        setJobRun: (id, runId) =>
          sql`UPDATE library_scans SET job_run_id = ${runId} WHERE id = ${id} RETURNING *`.pipe(
            Effect.flatMap(decodeScans),
            Effect.flatMap(firstRow("scans.setJobRun")),
            Effect.map(toScan),
            wrapSql("scans.setJobRun")
          ),
        running: (libraryId) =>
          maybeOne("scans.running")(sql`SELECT * FROM library_scans WHERE library_id = ${libraryId} AND status = 'running'`),
        get: (id) => maybeOne("scans.get")(sql`SELECT * FROM library_scans WHERE id = ${id}`),
        latest: (libraryId) =>
          maybeOne("scans.latest")(
            sql`SELECT * FROM library_scans WHERE library_id = ${libraryId} ORDER BY started_at DESC LIMIT 1`
          ),
        page: (libraryId, limit, offset) =>
          Effect.all({
            items: sql`
              SELECT * FROM library_scans WHERE library_id = ${libraryId}
              ORDER BY started_at DESC LIMIT ${limit} OFFSET ${offset}
            `.pipe(Effect.flatMap(decodeScans), Effect.map((rows) => rows.map(toScan))),
            total: sql<{ n: number }>`SELECT count(*)::int AS n FROM library_scans WHERE library_id = ${libraryId}`.pipe(
              Effect.map((rows) => rows[0]?.n ?? 0)
            )
          }).pipe(wrapSql("scans.page")),
        progress: (id, p) =>
          sql`
            UPDATE library_scans SET phase = ${p.phase}, counts = ${jsonb(encodeCounts(p.counts))}::jsonb,
              files_per_second = ${p.filesPerSecond}, unmatched = ${jsonb(encodeIssues(p.unmatched))}::jsonb,
              errors = ${jsonb(encodeIssues(p.errors))}::jsonb
            WHERE id = ${id} AND status = 'running'
          `.pipe(Effect.asVoid, wrapSql("scans.progress")),
        finish: (id, status, message, p) =>
          maybeOne("scans.finish")(
            p === undefined
              ? sql`
                UPDATE library_scans SET status = ${status}, message = coalesce(${message}, message), finished_at = now(), phase = 'done'
                WHERE id = ${id} AND status = 'running' RETURNING *
              `
              : sql`
                UPDATE library_scans SET status = ${status}, message = ${message}, finished_at = now(), phase = 'done',
                  counts = ${jsonb(encodeCounts(p.counts))}::jsonb, files_per_second = ${p.filesPerSecond},
                  unmatched = ${jsonb(encodeIssues(p.unmatched))}::jsonb, errors = ${jsonb(encodeIssues(p.errors))}::jsonb
                WHERE id = ${id} AND status = 'running' RETURNING *
              `
          ),
        setMessage: (id, message) =>
          sql`UPDATE library_scans SET message = ${message} WHERE id = ${id}`.pipe(Effect.asVoid, wrapSql("scans.setMessage"))
      }
    })
  )
}
