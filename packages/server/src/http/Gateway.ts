/** Every route of a node: REST gateway + OpenAPI + docs, RPC, probes, metrics, web client. */
import { HttpApiScalar, HttpLayerRouter } from "@effect/platform"
import { RpcSerialization, RpcServer } from "@effect/rpc"
import { MediaApi, SystemRpcs } from "@mediaserver/domain"
import { Layer } from "effect"
import { SystemHttpLive } from "../system/Http.js"
import { SystemRpcLive } from "../system/Rpc.js"
import { ErrorEnvelope } from "./ErrorEnvelope.js"
import { HealthRoutes } from "./Health.js"
import { WebClientRoutes } from "./WebClient.js"

export const OPENAPI_PATH = "/api/openapi.json"

const ApiRoutes = HttpLayerRouter.addHttpApi(MediaApi, { openapiPath: OPENAPI_PATH }).pipe(
  Layer.provide(SystemHttpLive)
)

const DocsRoutes = HttpApiScalar.layerHttpLayerRouter({ api: MediaApi, path: "/api/docs" })

const RpcRoutes = RpcServer.layerHttpRouter({ group: SystemRpcs, path: "/rpc", protocol: "http" }).pipe(
  Layer.provide(SystemRpcLive),
  Layer.provide(RpcSerialization.layerNdjson)
)

/** A worker node serves probes and metrics only. */
export const WorkerRoutes = Layer.mergeAll(HealthRoutes).pipe(Layer.provide(ErrorEnvelope))

export const AllRoutes = Layer.mergeAll(ApiRoutes, DocsRoutes, RpcRoutes, HealthRoutes, WebClientRoutes).pipe(
  Layer.provide(ErrorEnvelope)
)
