/**
 * Handlers of the *arr job kinds: a sync of one instance, the hourly sync of every enabled instance,
 * and the processing of one recorded webhook event (ArrWebhooks applies it at most once).
 */
import { type ArrSyncJob, ArrSyncJob as SyncKind, type ArrWebhookJob } from "@mediaserver/domain"
import { ArrInstances, ArrSyncService, ArrWebhooks } from "@mediaserver/server/integrations"
import { Jobs, type JobContext } from "@mediaserver/server/jobs"
import { Effect } from "effect"

/** The sync's record is the run's id: a retried attempt starts the same record again. */
export const arrSyncJob = ({ instanceId }: typeof ArrSyncJob.payload.Type, { runId }: JobContext) =>
  Effect.flatMap(ArrSyncService, (sync) =>
    Effect.flatMap(sync.run(instanceId, runId), (counts) =>
      Effect.logInfo(`arr sync of ${instanceId}: ${JSON.stringify(counts)}`)))

export const arrSyncAllJob = () =>
  Effect.gen(function* () {
    const instances = yield* ArrInstances
    const jobs = yield* Jobs
    const all = yield* instances.list
    yield* Effect.forEach(all.filter((i) => i.enabled && i.libraryId !== null), (i) => jobs.enqueue(SyncKind, { instanceId: i.id }), { discard: true })
  })

export const arrWebhookJob = ({ eventId }: typeof ArrWebhookJob.payload.Type) =>
  Effect.flatMap(ArrWebhooks, (webhooks) => webhooks.process(eventId))
