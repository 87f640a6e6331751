/** Every route of a node: REST gateway + OpenAPI + docs, RPC, probes, metrics, web client. */
import { HttpApiScalar, HttpLayerRouter } from "@effect/platform"
import { RpcSerialization, RpcServer } from "@effect/rpc"
import { AdminJobsRpcs, IdentityRpcs, LibraryRpcs, MediaApi, MetadataRpcs, ProfileRpcs, RbacRpcs, SettingsRpcs, SystemRpcs } from "@mediaserver/domain"
import { Layer } from "effect"
import { AuthenticationLive, IdentityHttpLive, IdentityRpcLive, RpcAuthenticationLive } from "../auth/index.js"
import { AdminJobsHttpLive } from "../jobs/AdminHttp.js"
import { AdminJobsRpcLive } from "../jobs/AdminRpc.js"
import { LibrariesHttpLive, LibraryRpcLive } from "../library/index.js"
import { MetadataHttpLive, MetadataRpcLive } from "../metadata/index.js"
import { RbacHttpLive, RbacRpcLive } from "../rbac/index.js"
import { SettingsHttpLive, SettingsRpcLive } from "../settings/index.js"
import { SystemHttpLive } from "../system/Http.js"
import { ProfileRpcLive } from "../users/index.js"
import { SystemRpcLive } from "../system/Rpc.js"
import { ErrorEnvelope } from "./ErrorEnvelope.js"
import { HealthRoutes } from "./Health.js"
import { WebClientRoutes } from "./WebClient.js"

export const OPENAPI_PATH = "/api/openapi.json"

const ApiRoutes = HttpLayerRouter.addHttpApi(MediaApi, { openapiPath: OPENAPI_PATH }).pipe(
  Layer.provide([SystemHttpLive, IdentityHttpLive, AdminJobsHttpLive, SettingsHttpLive, RbacHttpLive, LibrariesHttpLive, MetadataHttpLive]),
  Layer.provide(AuthenticationLive)
)

const DocsRoutes = HttpApiScalar.layerHttpLayerRouter({ api: MediaApi, path: "/api/docs" })

/** Must equal the SDK's `AllRpcs` (packages/rpc-client). */
const AllRpcs = SystemRpcs.merge(IdentityRpcs, AdminJobsRpcs, SettingsRpcs, ProfileRpcs, RbacRpcs, LibraryRpcs, MetadataRpcs)

const RpcRoutes = RpcServer.layerHttpRouter({ group: AllRpcs, path: "/rpc", protocol: "http" }).pipe(
  Layer.provide([SystemRpcLive, IdentityRpcLive, AdminJobsRpcLive, SettingsRpcLive, ProfileRpcLive, RbacRpcLive, LibraryRpcLive, MetadataRpcLive]),
  Layer.provide(RpcAuthenticationLive),
  Layer.provide(RpcSerialization.layerNdjson)
)

/** A worker node serves probes and metrics only. */
export const WorkerRoutes = Layer.mergeAll(HealthRoutes).pipe(Layer.provide(ErrorEnvelope))

export const AllRoutes = Layer.mergeAll(ApiRoutes, DocsRoutes, RpcRoutes, HealthRoutes, WebClientRoutes).pipe(
  Layer.provide(ErrorEnvelope)
)
