/**
 * Every integration operation once (named as in IntegrationRpcs): all need the admin guard, except
 * the apps' webhooks, which the instance's secret authenticates (ArrWebhooks). App errors become API
 * errors here, once: the app down or slow is 503, an unknown id 404, a refused key a ConfigurationError.
 */
import {
  type ArrApp,
  type ArrInstanceId,
  ArrStatus,
  ArrSync,
  ArrSyncJob,
  ArrSyncStarted,
  ArrWanted,
  type Conflict,
  type DatabaseError,
  IntegrationRpcs,
  type NotFound,
  type Unprocessable
} from "@mediaserver/domain"
import { Effect, Option } from "effect"
import { asCaller, requireAdmin } from "../access/Policy.js"
import { Jobs } from "../jobs/Jobs.js"
import { toApiError } from "../metadata/Lookups.js"
import type { ArrClient, ArrError } from "./ArrClient.js"
import { ArrInstances } from "./ArrInstances.js"
import { ArrRepo, type SyncRow, type WantedRow } from "./ArrRepo.js"
import { ArrWebhooks, type Received } from "./ArrWebhooks.js"

type ClientFailure = ArrError | Unprocessable | NotFound | Conflict | DatabaseError

const asApiError = (e: ClientFailure) => (e._tag === "ProviderUnavailable" || e._tag === "ProviderRejected" ? toApiError(e) : e)

const toSync = (row: SyncRow) =>
  new ArrSync({
    id: row.id, instanceId: row.instance_id, state: row.state, done: row.done, total: row.total, counts: row.counts,
    errors: row.errors, startedAt: row.started_at, finishedAt: row.finished_at
  })

const toWanted = (row: WantedRow) =>
  new ArrWanted({
    instanceId: row.instance_id, app: row.app, arrId: row.arr_id, title: row.title, year: row.year, tmdbId: row.tmdb_id,
    tvdbId: row.tvdb_id, imdbId: row.imdb_id, addedAt: row.added_at
  })

export const makeIntegrationOperations = Effect.gen(function* () {
  const instances = yield* ArrInstances
  const repo = yield* ArrRepo
  const jobs = yield* Jobs
  const admin = asCaller(requireAdmin)

  /** `f` with a client of the app's chosen instance; the app's failures as API errors. */
  const withClient = <A>(app: ArrApp, instanceId: ArrInstanceId | undefined, f: (client: ArrClient) => Effect.Effect<A, ClientFailure>) =>
    admin(() =>
      Effect.scoped(Effect.flatMap(instances.resolve(app, instanceId), (row) => Effect.flatMap(instances.client(row), f))).pipe(
        Effect.mapError(asApiError)
      ))

  return IntegrationRpcs.of({
    AdminArrList: () => admin(() => instances.list),
    AdminArrCreate: (request) => admin((me) => instances.create(me, request)),
    AdminArrGet: ({ instanceId }) => admin(() => instances.get(instanceId)),
    AdminArrUpdate: ({ changes, instanceId }) => admin((me) => instances.update(me, instanceId, changes)),
    AdminArrDelete: ({ instanceId }) => admin((me) => instances.delete(me, instanceId)),
    AdminArrWanted: () => admin(() => Effect.map(repo.wanted, (rows) => rows.map(toWanted))),
    AdminArrStatus: ({ app, instanceId }) =>
      withClient(app, instanceId, (client) =>
        Effect.gen(function* () {
          const system = yield* client.status
          const last = yield* repo.lastSync(client.instance.id)
          const instance = yield* instances.get(client.instance.id)
          return new ArrStatus({ instance, system, lastSync: Option.getOrNull(Option.map(last, toSync)) })
        })),
    AdminArrSync: ({ app, instanceId }) =>
      admin(() =>
        Effect.flatMap(instances.resolve(app, instanceId), (row) =>
          Effect.map(jobs.enqueue(ArrSyncJob, { instanceId: row.id }), (runId) => new ArrSyncStarted({ instanceId: row.id, runId })).pipe(
            // The payload is ours and always encodes: failing to is a defect, not the caller's error.
            Effect.catchTag("JobPayloadInvalid", Effect.die)
          ))),
    AdminArrQualityProfiles: ({ app, instanceId }) => withClient(app, instanceId, (client) => client.qualityProfiles),
    AdminArrRootFolders: ({ app, instanceId }) => withClient(app, instanceId, (client) => client.rootFolders),
    AdminArrAddTitle: ({ app, title }) => withClient(app, title.instanceId, (client) => client.add(title)),
    AdminArrTitle: ({ app, arrId, instanceId }) => withClient(app, instanceId, (client) => client.title(arrId))
  })
})

/** The webhooks: no session; ArrWebhooks checks the secret before anything else. */
export const makeWebhookOperations = Effect.map(ArrWebhooks, (webhooks) => ({
  ArrWebhook: (request: Received) => webhooks.receive(request).pipe(Effect.catchTag("JobPayloadInvalid", Effect.die))
}))
