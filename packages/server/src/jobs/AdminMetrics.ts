/** `job_runs{queue,state}` at /metrics: counted from the table at scrape time, one GROUP BY query. */
import { JobQueue, JobRunState } from "@mediaserver/domain"
import { Duration, Effect, Metric } from "effect"
import { JobRuns } from "./JobRuns.js"

const SAMPLE_TIMEOUT = Duration.seconds(1)
const jobRuns = Metric.gauge("job_runs", { description: "Job runs by queue and state" })

/**
 * Every queue and state is set (0 when absent), so a state that empties drops to 0 instead of lingering.
 * A slow or failing database keeps the last values: a scrape must still answer promptly.
 */
export const sampleJobRunGauges = Effect.gen(function* () {
  const counts = yield* Effect.flatMap(JobRuns, (runs) => runs.countByQueueState)
  const byKey = new Map(counts.map((c) => [`${c.queue}/${c.state}`, c.count]))
  for (const queue of JobQueue.literals) {
    for (const state of JobRunState.literals) {
      yield* Metric.set(Metric.tagged(Metric.tagged(jobRuns, "queue", queue), "state", state), byKey.get(`${queue}/${state}`) ?? 0)
    }
  }
}).pipe(
  Effect.timeout(SAMPLE_TIMEOUT),
  Effect.catchAll((e) => Effect.logWarning(`job_runs metrics not sampled: ${e.message}`))
)
