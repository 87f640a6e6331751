import { expect, layer } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { JobRetentionJob } from "@mediaserver/domain"
import { Jobs } from "@mediaserver/server/jobs"
import { Effect } from "effect"
import { awaitRun, countRows, FlakyJob, jobsNode, SimpleJob } from "./support/TestJobs.js"

const age = (id: string, hours: number) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`UPDATE job_runs SET finished_at = now() - make_interval(hours => ${hours}) WHERE id = ${id}`
  )

const engineRows = (id: string) =>
  countRows(`
    SELECT ((SELECT count(*) FROM cluster_messages m WHERE m.entity_id = r.execution_id)
         + (SELECT count(*) FROM cluster_replies p JOIN cluster_messages m ON m.id = p.request_id
            WHERE m.entity_id = r.execution_id))::int AS n
    FROM job_runs r WHERE r.id = '${id}'`)

const exists = (id: string) => countRows(`SELECT count(*)::int AS n FROM job_runs WHERE id = '${id}'`)

layer(jobsNode("jobs_retention"), { excludeTestServices: true })("job retention", (it) => {
  it.effect("the retention job deletes old finished runs and their engine rows; recent ones stay", () =>
    Effect.gen(function* () {
      const jobs = yield* Jobs
      const complete = (key: string) => Effect.flatMap(jobs.enqueue(SimpleJob, { key }), (id) => awaitRun(id))
      const discard = (key: string) =>
        Effect.flatMap(jobs.enqueue(FlakyJob, { key, behaviour: "notfound", failTimes: 9 }), (id) => awaitRun(id))
      const [oldCompleted, recentCompleted, oldDiscarded, recentDiscarded] = yield* Effect.all([
        complete("old-completed"),
        complete("recent-completed"),
        discard("old-discarded"),
        discard("recent-discarded")
      ])
      // Completed runs are kept 72 h, unsuccessful ones 7 days.
      yield* age(oldCompleted.id, 73)
      yield* age(recentCompleted.id, 71)
      yield* age(oldDiscarded.id, 8 * 24)
      yield* age(recentDiscarded.id, 4 * 24)
      const oldEngineRows = yield* engineRows(oldCompleted.id)
      expect(oldEngineRows).toBeGreaterThan(0)
      const executionId = (yield* SqlClient.SqlClient)<{ readonly execution_id: string }>`
        SELECT execution_id FROM job_runs WHERE id = ${oldCompleted.id}`
      const oldExecution = (yield* executionId)[0]?.execution_id ?? ""

      const retention = yield* awaitRun(yield* jobs.enqueue(JobRetentionJob, {}))
      expect(retention.state).toBe("completed")

      expect(yield* exists(oldCompleted.id)).toBe(0)
      expect(yield* exists(oldDiscarded.id)).toBe(0)
      expect(yield* exists(recentCompleted.id)).toBe(1)
      expect(yield* exists(recentDiscarded.id)).toBe(1)
      expect(
        yield* countRows(`SELECT count(*)::int AS n FROM cluster_messages WHERE entity_id = '${oldExecution}'`)
      ).toBe(0)
      expect(yield* engineRows(recentCompleted.id)).toBeGreaterThan(0)
    }))
})
