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

const idPath = Schema.Struct({ instanceId: ArrInstanceId })
const which = Schema.Struct({ instanceId: Schema.optional(ArrInstanceId) })

export class AdminIntegrationsApi extends HttpApiGroup.make("adminIntegrations")
  .add(HttpApiEndpoint.get("list", "/admin/integrations/instances").addSuccess(Schema.Array(ArrInstance)))
  .add(HttpApiEndpoint.post("create", "/admin/integrations/instances").setPayload(CreateArrInstance).addSuccess(ArrInstance, { status: 201 }))
  .add(HttpApiEndpoint.get("get", "/admin/integrations/instances/:instanceId").setPath(idPath).addSuccess(ArrInstance))
  .add(
    HttpApiEndpoint.patch("update", "/admin/integrations/instances/:instanceId").setPath(idPath).setPayload(UpdateArrInstance).addSuccess(ArrInstance)
  )
  .add(HttpApiEndpoint.del("delete", "/admin/integrations/instances/:instanceId").setPath(idPath).addSuccess(HttpApiSchema.NoContent))
  .add(HttpApiEndpoint.get("wanted", "/admin/integrations/wanted").addSuccess(Schema.Array(ArrWanted)))
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
  .add(HttpApiEndpoint.get("status", "/admin/integrations/:app/status").setPath(appPath).setUrlParams(which).addSuccess(ArrStatus))
  .add(HttpApiEndpoint.post("sync", "/admin/integrations/:app/sync").setPath(appPath).setUrlParams(which).addSuccess(ArrSyncStarted, { status: 202 }))
  .add(
    HttpApiEndpoint.get("qualityProfiles", "/admin/integrations/:app/quality-profiles").setPath(appPath).setUrlParams(which)
      .addSuccess(Schema.Array(ArrQualityProfile))
  )
  .add(
    HttpApiEndpoint.get("rootFolders", "/admin/integrations/:app/root-folders").setPath(appPath).setUrlParams(which)
      .addSuccess(Schema.Array(ArrRootFolder))
  )
  .add(HttpApiEndpoint.post("addTitle", "/admin/integrations/:app/titles").setPath(appPath).setPayload(AddArrTitle).addSuccess(ArrTitleState, { status: 201 }))
  .add(
    HttpApiEndpoint.get("title", "/admin/integrations/:app/titles/:arrId")
      .setPath(Schema.Struct({ app: ArrApp, arrId: Schema.NumberFromString }))
      .setUrlParams(which)
      .addSuccess(ArrTitleState)
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
  .add(
    HttpApiEndpoint.post("receive", "/webhooks/:app").setPath(appPath).setUrlParams(webhookQuery).setHeaders(webhookHeaders)
      .setPayload(Schema.Unknown).addSuccess(ArrWebhookAccepted)
  )
  .add(
    HttpApiEndpoint.post("receiveFor", "/webhooks/:app/:instanceId").setPath(Schema.Struct({ app: ArrApp, instanceId: ArrInstanceId }))
      .setUrlParams(webhookQuery).setHeaders(webhookHeaders).setPayload(Schema.Unknown).addSuccess(ArrWebhookAccepted)
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
