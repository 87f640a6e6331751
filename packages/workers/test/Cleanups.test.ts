/**
 * The activity and scan-history cleanups, run as jobs on a real node and database: old rows go in
 * batches (the batch size here is smaller than what is due), recent ones stay, and each library keeps
 * its latest scan however old.
 */
import { expect, layer } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { ActivityCleanupJob, ScanHistoryCleanupJob } from "@mediaserver/domain"
import { Jobs } from "@mediaserver/server/jobs"
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import { awaitRun, countRows, jobsNode } from "./support/TestJobs.js"

/** `count` activity entries of `action`, written at the SQL time `at`. */
const insertActivity = (action: string, count: number, at: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.unsafe(`
      INSERT INTO activity_log (at, action) SELECT ${at}, '${action}' FROM generate_series(1, ${count})`))

const insertLibrary = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const id = randomUUID()
  yield* sql.unsafe(`INSERT INTO libraries (id, name, kind, paths, scan, language, country)
    VALUES ('${id}', 'lib-${id.slice(0, 8)}', 'movie', '["/media"]', '{}', 'en', 'US')`)
  return id
})

/** A scan of `library` labelled by its `message`, started and finished at the SQL time `at`. */
const insertScan = (library: string, label: string, status: string, at: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.unsafe(`
      INSERT INTO library_scans (id, library_id, status, trigger, counts, message, started_at, finished_at)
      VALUES (gen_random_uuid(), '${library}', '${status}', 'manual', '{}', '${label}', ${at},
        ${status === "running" ? "NULL" : at})`))

const activity = (action: string) => countRows(`SELECT count(*)::int AS n FROM activity_log WHERE action = '${action}'`)
const scans = (label: string) => countRows(`SELECT count(*)::int AS n FROM library_scans WHERE message = '${label}'`)

const env = { ACTIVITY_RETENTION: "30 days", SCAN_HISTORY_RETENTION: "10 days", CLEANUP_BATCH_SIZE: "7" }

layer(jobsNode("cleanups", env), { excludeTestServices: true })("activity and scan history cleanups", (it) => {
  it.effect("activity.cleanup deletes entries past ACTIVITY_RETENTION in batches; recent ones stay", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      yield* insertActivity("test.old", 23, "now() - interval '31 days'")
      yield* insertActivity("test.recent", 4, "now() - interval '29 days'")

      const run = yield* awaitRun(yield* jobs.enqueue(ActivityCleanupJob, {}))
      expect(run.state).toBe("completed")
      expect(yield* activity("test.old")).toBe(0)
      expect(yield* activity("test.recent")).toBe(4)
    }))

  it.effect("scan_history.cleanup deletes finished scans past SCAN_HISTORY_RETENTION, keeping each library's latest", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const busy = yield* insertLibrary
      const idle = yield* insertLibrary
      for (let day = 11; day < 31; day++) yield* insertScan(busy, "busy-old", "completed", `now() - interval '${day} days'`)
      yield* insertScan(busy, "busy-recent", "failed", "now() - interval '9 days'")
      yield* insertScan(busy, "busy-running", "running", "now()")
      // Its only scans are old: the latest of them stays, so the library still shows its last scan.
      yield* insertScan(idle, "idle-older", "completed", "now() - interval '40 days'")
      yield* insertScan(idle, "idle-latest", "cancelled", "now() - interval '20 days'")

      const run = yield* awaitRun(yield* jobs.enqueue(ScanHistoryCleanupJob, {}))
      expect(run.state).toBe("completed")
      expect(yield* scans("busy-old")).toBe(0)
      expect(yield* scans("busy-recent")).toBe(1)
      expect(yield* scans("busy-running")).toBe(1)
      expect(yield* scans("idle-older")).toBe(0)
      expect(yield* scans("idle-latest")).toBe(1)
    }))
})
