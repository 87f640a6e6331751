/** REST handlers of the integration groups: each maps its request onto one operation (Operations.ts). */
import { HttpApiBuilder } from "@effect/platform"
import { MediaApi, WebhookSecretHeader } from "@mediaserver/domain"
import { Effect, Layer } from "effect"
import { orUnavailable } from "../access/Policy.js"
import { makeIntegrationOperations, makeWebhookOperations } from "./Operations.js"

const AdminIntegrationsHttp = HttpApiBuilder.group(MediaApi, "adminIntegrations", (handlers) =>
  Effect.map(makeIntegrationOperations, (op) =>
    handlers
      .handle("list", () => op.AdminArrList())
      .handle("create", ({ payload }) => op.AdminArrCreate(payload))
      .handle("get", ({ path }) => op.AdminArrGet(path))
      .handle("update", ({ path, payload }) => op.AdminArrUpdate({ ...path, changes: payload }))
      .handle("delete", ({ path }) => op.AdminArrDelete(path))
      .handle("wanted", () => op.AdminArrWanted())
  ))

const ArrAppHttp = HttpApiBuilder.group(MediaApi, "arrIntegration", (handlers) =>
  Effect.map(makeIntegrationOperations, (op) =>
    handlers
      .handle("status", ({ path, urlParams }) => op.AdminArrStatus({ ...path, ...urlParams }))
      .handle("sync", ({ path, urlParams }) => op.AdminArrSync({ ...path, ...urlParams }))
      .handle("qualityProfiles", ({ path, urlParams }) => op.AdminArrQualityProfiles({ ...path, ...urlParams }))
      .handle("rootFolders", ({ path, urlParams }) => op.AdminArrRootFolders({ ...path, ...urlParams }))
      .handle("addTitle", ({ path, payload }) => op.AdminArrAddTitle({ app: path.app, title: payload }))
      .handle("title", ({ path, urlParams }) => op.AdminArrTitle({ ...path, ...urlParams }))
  ))

interface SecretSources {
  readonly headers: { readonly [WebhookSecretHeader]?: string | undefined }
  readonly urlParams: { readonly secret?: string | undefined; readonly apikey?: string | undefined }
}
const secretOf = ({ headers, urlParams }: SecretSources) => headers[WebhookSecretHeader] ?? urlParams.secret ?? urlParams.apikey

const ArrWebhookHttp = HttpApiBuilder.group(MediaApi, "arrWebhook", (handlers) =>
  Effect.map(makeWebhookOperations, (op) =>
    handlers
      .handle("receive", (request) =>
        orUnavailable(op.ArrWebhook({ app: request.path.app, instanceId: undefined, secret: secretOf(request), body: request.payload })))
      .handle("receiveFor", (request) =>
        orUnavailable(op.ArrWebhook({ ...request.path, secret: secretOf(request), body: request.payload })))
  ))

export const IntegrationsHttpLive = Layer.mergeAll(AdminIntegrationsHttp, ArrAppHttp, ArrWebhookHttp)
