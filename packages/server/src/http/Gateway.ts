/** Every route of a node: REST gateway + OpenAPI + docs, RPC, probes, metrics, web client. */
import { HttpApiScalar, HttpLayerRouter } from "@effect/platform"
import { RpcSerialization, RpcServer } from "@effect/rpc"
import { AdminJobsRpcs, BrowseRpcs, IdentityRpcs, LibraryRpcs, MediaApi, MetadataRpcs, PlaybackRpcs, ProfileRpcs, RbacRpcs, SettingsRpcs, SystemRpcs } from "@mediaserver/domain"
import { Layer } from "effect"
import { MfaLoginRpcs, MfaRpcs, OidcAccountRpcs, OidcRpcs } from "@mediaserver/domain"
import { AuthenticationLive, IdentityHttpLive, IdentityRpcLive, RpcAuthenticationLive } from "../auth/index.js"
import { BrowseHttpLive, BrowseRpcLive } from "../content/index.js"
import { AdminJobsHttpLive } from "../jobs/AdminHttp.js"
import { AdminJobsRpcLive } from "../jobs/AdminRpc.js"
import { LibrariesHttpLive, LibraryRpcLive } from "../library/index.js"
import { MetadataHttpLive, MetadataRpcLive } from "../metadata/index.js"
import { MfaAllRpcLive, MfaHttpLive } from "../mfa/index.js"
import { OidcAllRpcLive, OidcHttpLive } from "../oidc/index.js"
import { PlaybackHttpLive, PlaybackRpcLive, PlaybackSignedHttpLive } from "../playback/index.js"
import { RbacHttpLive, RbacRpcLive } from "../rbac/index.js"
import { SettingsHttpLive, SettingsRpcLive } from "../settings/index.js"
import { SystemHttpLive } from "../system/Http.js"
import { ProfileRpcLive, UsersHttpLive } from "../users/index.js"
import { SystemRpcLive } from "../system/Rpc.js"
import { ErrorEnvelope } from "./ErrorEnvelope.js"
import { HealthRoutes } from "./Health.js"
import { WebClientRoutes } from "./WebClient.js"

export const OPENAPI_PATH = "/api/openapi.json"

const ApiRoutes = HttpLayerRouter.addHttpApi(MediaApi, { openapiPath: OPENAPI_PATH }).pipe(
  Layer.provide([SystemHttpLive, IdentityHttpLive, UsersHttpLive, AdminJobsHttpLive, SettingsHttpLive, RbacHttpLive, LibrariesHttpLive]),
  Layer.provide(AuthenticationLive),
  // Browsing: movies, collections, series, genres, watch state.
  Layer.provide(BrowseHttpLive.pipe(Layer.provide(AuthenticationLive))),
  // Second factors and single sign-on (their handlers use the authentication middleware too).
  Layer.provide(Layer.mergeAll(MfaHttpLive, OidcHttpLive).pipe(Layer.provide(AuthenticationLive))),
  // Playback: sessions and their streams.
  Layer.provide(PlaybackHttpLive.pipe(Layer.provide(AuthenticationLive))),
  // Playback streams by signed URL: the token is their credential, no authentication middleware.
  Layer.provide(PlaybackSignedHttpLive),
  // Metadata lookups, refresh/edit/match of items, images.
  Layer.provide(MetadataHttpLive.pipe(Layer.provide(AuthenticationLive)))
)

const DocsRoutes = HttpApiScalar.layerHttpLayerRouter({ api: MediaApi, path: "/api/docs" })

/** Must equal the SDK's `AllRpcs` (packages/rpc-client). */
const AllRpcs = SystemRpcs.merge(IdentityRpcs, AdminJobsRpcs, SettingsRpcs, ProfileRpcs, RbacRpcs, LibraryRpcs)
  .merge(BrowseRpcs)
  .merge(MfaRpcs, MfaLoginRpcs, OidcRpcs, OidcAccountRpcs)
  .merge(PlaybackRpcs)
  .merge(MetadataRpcs)

const RpcRoutes = RpcServer.layerHttpRouter({ group: AllRpcs, path: "/rpc", protocol: "http" }).pipe(
  Layer.provide([SystemRpcLive, IdentityRpcLive, AdminJobsRpcLive, SettingsRpcLive, ProfileRpcLive, RbacRpcLive, LibraryRpcLive, BrowseRpcLive, PlaybackRpcLive, MetadataRpcLive]),
  Layer.provide(RpcAuthenticationLive),
  Layer.provide(RpcSerialization.layerNdjson),
  Layer.provide([MfaAllRpcLive, OidcAllRpcLive])
)

/** A worker node serves probes and metrics only. */
export const WorkerRoutes = Layer.mergeAll(HealthRoutes).pipe(Layer.provide(ErrorEnvelope))

export const AllRoutes = Layer.mergeAll(ApiRoutes, DocsRoutes, RpcRoutes, HealthRoutes, WebClientRoutes).pipe(
  Layer.provide(ErrorEnvelope)
)
