/**
 * HTTP and RPC faces of the *arr integrations. The per-app groups are made by one function for both
 * apps (the reference names `/admin/integrations/radarr/...` and `/sonarr/...` literally); each app
 * operation takes an optional `instanceId` (the app's default instance otherwise).
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import {
  BadRequest,
  ConfigurationError,
  Conflict,
  Forbidden,
  HttpBadRequest,
  HttpConflict,
  HttpForbidden,
  HttpNotFound,
  HttpUnauthorized,
  HttpUnavailable,
  HttpUnprocessable,
  NotFound,
  Unauthorized,
  Unavailable,
  Unprocessable
} from "./errors.js"
import { Authentication, RpcAuthentication } from "./identity.js"
import {
  AddArrTitle,
  ArrApp,
  ArrInstance,
  ArrInstanceId,
  ArrQualityProfile,
  ArrRootFolder,
  ArrStatus,
  ArrSyncStarted,
  ArrTitleState,
  ArrWanted,
  ArrWebhookAccepted,
  CreateArrInstance,
  UpdateArrInstance
} from "./integrations.js"
import { about, doc } from "./apiDocs.js"

const idPath = Schema.Struct({ instanceId: ArrInstanceId })
const which = Schema.Struct({ instanceId: Schema.optional(ArrInstanceId) })

export class AdminIntegrationsApi extends HttpApiGroup.make("adminIntegrations")
  .annotateContext(about("Admin: Radarr and Sonarr instances: add, configure and remove them, and see what they want."))
  .add(
    HttpApiEndpoint.get("list", "/admin/integrations/instances").addSuccess(Schema.Array(ArrInstance))
      .annotateContext(doc("List integration instances", "Every configured Radarr and Sonarr instance; API keys and webhook secrets are never shown."))
  )
  .add(
    HttpApiEndpoint.post("create", "/admin/integrations/instances").setPayload(CreateArrInstance).addSuccess(ArrInstance, { status: 201 })
      .annotateContext(doc("Add an integration instance", "Configures a Radarr or Sonarr instance from its URL, API key and webhook secret (both stored sealed, never shown again), the library it syncs into and its path mappings."))
  )
  .add(
    HttpApiEndpoint.get("get", "/admin/integrations/instances/:instanceId").setPath(idPath).addSuccess(ArrInstance)
      .annotateContext(doc("Get an integration instance", "One configured Radarr or Sonarr instance."))
  )
  .add(
    HttpApiEndpoint.patch("update", "/admin/integrations/instances/:instanceId").setPath(idPath).setPayload(UpdateArrInstance).addSuccess(ArrInstance)
      .annotateContext(doc("Update an integration instance", "Changes the given fields of an instance's configuration."))
  )
  .add(
    HttpApiEndpoint.del("delete", "/admin/integrations/instances/:instanceId").setPath(idPath).addSuccess(HttpApiSchema.NoContent)
      .annotateContext(doc("Delete an integration instance", "Removes an instance; its webhooks stop being accepted."))
  )
  .add(
    HttpApiEndpoint.get("wanted", "/admin/integrations/wanted").addSuccess(Schema.Array(ArrWanted))
      .annotateContext(doc("List wanted titles", "Titles the instances monitor but have no file for."))
  )
  .middleware(Authentication)
  .addError(HttpNotFound)
  .addError(HttpConflict)
  .addError(HttpUnprocessable)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

const appPath = Schema.Struct({ app: ArrApp })

/**
 * The reference operations of each app (`/admin/integrations/radarr/status`, ...), plus adding titles:
 * one group for both apps, the app a path parameter.
 */
export class ArrAppApi extends HttpApiGroup.make("arrIntegration")
  .annotateContext(about("Admin: one Radarr or Sonarr instance (`{app}`): status, sync, quality profiles, root folders and titles."))
  .add(
    HttpApiEndpoint.get("status", "/admin/integrations/:app/status").setPath(appPath).setUrlParams(which).addSuccess(ArrStatus)
      .annotateContext(doc("Get instance status", "Whether the instance answers, its version and its last sync. `instanceId` picks an instance when there are several of the app."))
  )
  .add(
    HttpApiEndpoint.post("sync", "/admin/integrations/:app/sync").setPath(appPath).setUrlParams(which).addSuccess(ArrSyncStarted, { status: 202 })
      .annotateContext(doc("Sync with the instance", "Queues a sync of the instance's library with ours (202)."))
  )
  .add(
    HttpApiEndpoint.get("qualityProfiles", "/admin/integrations/:app/quality-profiles").setPath(appPath).setUrlParams(which)
      .addSuccess(Schema.Array(ArrQualityProfile))
      .annotateContext(doc("List quality profiles", "The instance's quality profiles, for adding titles."))
  )
  .add(
    HttpApiEndpoint.get("rootFolders", "/admin/integrations/:app/root-folders").setPath(appPath).setUrlParams(which)
      .addSuccess(Schema.Array(ArrRootFolder))
      .annotateContext(doc("List root folders", "The instance's root folders with their free space, for adding titles."))
  )
  .add(
    HttpApiEndpoint.post("addTitle", "/admin/integrations/:app/titles").setPath(appPath).setPayload(AddArrTitle).addSuccess(ArrTitleState, { status: 201 })
      .annotateContext(doc("Add a title to the instance", "Asks the instance to monitor (and search for) a movie or series."))
  )
  .add(
    HttpApiEndpoint.get("title", "/admin/integrations/:app/titles/:arrId")
      .setPath(Schema.Struct({ app: ArrApp, arrId: Schema.NumberFromString }))
      .setUrlParams(which)
      .addSuccess(ArrTitleState)
      .annotateContext(doc("Get a title's state", "What the instance knows of one title: monitored, downloaded, queued."))
  )
  .middleware(Authentication)
  .addError(HttpNotFound)
  .addError(HttpConflict)
  .addError(HttpUnprocessable)
  .addError(HttpForbidden)
  .addError(HttpUnavailable) {}

/** What authenticates a webhook: the instance's secret in a header or the query. */
export const WebhookSecretHeader = "x-webhook-secret"
const webhookQuery = Schema.Struct({ secret: Schema.optional(Schema.String), apikey: Schema.optional(Schema.String) })
const webhookHeaders = Schema.Struct({ [WebhookSecretHeader]: Schema.optional(Schema.String) })

/**
 * The apps' webhooks (`/webhooks/radarr`, `/webhooks/sonarr`, optionally `/{instanceId}`): no session,
 * the secret is the credential. The body is read as any JSON and validated after the secret is
 * checked, so a caller without the secret learns nothing from a 400.
 */
export class ArrWebhookApi extends HttpApiGroup.make("arrWebhook")
  .annotateContext(about("Webhooks Radarr and Sonarr call on their events; the instance's secret (header `X-Webhook-Secret`, or `secret`/`apikey` query parameter) authenticates them."))
  .add(
    HttpApiEndpoint.post("receive", "/webhooks/:app").setPath(appPath).setUrlParams(webhookQuery).setHeaders(webhookHeaders)
      .setPayload(Schema.Unknown).addSuccess(ArrWebhookAccepted)
      .annotateContext(doc("Receive a webhook", "Where Radarr or Sonarr posts its events (grab, download, rename, delete) when a single instance of the app is configured."))
  )
  .add(
    HttpApiEndpoint.post("receiveFor", "/webhooks/:app/:instanceId").setPath(Schema.Struct({ app: ArrApp, instanceId: ArrInstanceId }))
      .setUrlParams(webhookQuery).setHeaders(webhookHeaders).setPayload(Schema.Unknown).addSuccess(ArrWebhookAccepted)
      .annotateContext(doc("Receive a webhook for an instance", "Where one Radarr or Sonarr instance posts its events."))
  )
  .addError(HttpBadRequest)
  .addError(HttpUnauthorized)
  .addError(HttpNotFound)
  .addError(HttpUnavailable) {}

// --- RPC -------------------------------------------------------------------------------------------

const IntegrationErrors = Schema.Union(Forbidden, NotFound, Conflict, Unprocessable, Unauthorized, Unavailable, ConfigurationError, BadRequest)
const appWhich = Schema.Struct({ app: ArrApp, instanceId: Schema.optional(ArrInstanceId) })

export class IntegrationRpcs extends RpcGroup.make(
  Rpc.make("AdminArrList", { success: Schema.Array(ArrInstance), error: IntegrationErrors }),
  Rpc.make("AdminArrCreate", { payload: CreateArrInstance, success: ArrInstance, error: IntegrationErrors }),
  Rpc.make("AdminArrGet", { payload: idPath, success: ArrInstance, error: IntegrationErrors }),
  Rpc.make("AdminArrUpdate", { payload: Schema.Struct({ instanceId: ArrInstanceId, changes: UpdateArrInstance }), success: ArrInstance, error: IntegrationErrors }),
  Rpc.make("AdminArrDelete", { payload: idPath, error: IntegrationErrors }),
  Rpc.make("AdminArrWanted", { success: Schema.Array(ArrWanted), error: IntegrationErrors }),
  Rpc.make("AdminArrStatus", { payload: appWhich, success: ArrStatus, error: IntegrationErrors }),
  Rpc.make("AdminArrSync", { payload: appWhich, success: ArrSyncStarted, error: IntegrationErrors }),
  Rpc.make("AdminArrQualityProfiles", { payload: appWhich, success: Schema.Array(ArrQualityProfile), error: IntegrationErrors }),
  Rpc.make("AdminArrRootFolders", { payload: appWhich, success: Schema.Array(ArrRootFolder), error: IntegrationErrors }),
  Rpc.make("AdminArrAddTitle", { payload: Schema.Struct({ app: ArrApp, title: AddArrTitle }), success: ArrTitleState, error: IntegrationErrors }),
  Rpc.make("AdminArrTitle", { payload: Schema.Struct({ ...appWhich.fields, arrId: Schema.Number }), success: ArrTitleState, error: IntegrationErrors })
).middleware(RpcAuthentication) {}
