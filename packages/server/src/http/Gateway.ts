/** Every route of a node: REST gateway + OpenAPI + docs, RPC, probes, metrics, web client. */
import { HttpApiScalar, HttpLayerRouter } from "@effect/platform"
import { RpcSerialization, RpcServer } from "@effect/rpc"
import { AllRpcs, MediaApi } from "@mediaserver/domain"
import { Effect, Layer } from "effect"
import { proxyTrust, withPeerAddress } from "../auth/ClientInfo.js"
import { AppConfig } from "../config/AppConfig.js"
import { AuthenticationLive, IdentityHttpLive, IdentityRpcLive, RpcAuthenticationLive } from "../auth/index.js"
import { BrowseHttpLive, BrowseRpcLive } from "../content/index.js"
import { AdminActivityHttpLive, AdminActivityRpcLive } from "../activity/index.js"
import { AdminStatisticsHttpLive, AdminStatisticsRpcLive } from "../statistics/index.js"
import { EventsRpcLive, EventsSseRoute } from "../events/index.js"
import { AdminJobsHttpLive } from "../jobs/Http.js"
import { AdminJobsRpcLive } from "../jobs/Rpc.js"
import { IntegrationsHttpLive, IntegrationsRpcLive } from "../integrations/index.js"
import { NotificationsHttpLive, NotificationsRpcLive } from "../notifications/index.js"
import { LibrariesHttpLive, LibraryRpcLive } from "../library/index.js"
import { MetadataHttpLive, MetadataRpcLive } from "../metadata/index.js"
import { MfaAllRpcLive, MfaHttpLive } from "../mfa/index.js"
import { OidcAllRpcLive, OidcHttpLive } from "../oidc/index.js"
import { PlaybackHttpLive, PlaybackRpcLive, PlaybackSignedHttpLive } from "../playback/index.js"
import { RbacHttpLive, RbacRpcLive } from "../rbac/index.js"
import { SearchHttpLive, SearchRpcLive } from "../search/index.js"
import { SettingsHttpLive, SettingsRpcLive } from "../settings/index.js"
import { SystemHttpLive } from "../system/Http.js"
import { ProfileRpcLive, UsersHttpLive } from "../users/index.js"
import { SystemRpcLive } from "../system/Rpc.js"
import { ErrorEnvelope } from "./ErrorEnvelope.js"
import { HealthRoutes } from "./Health.js"
import { RouteIndex } from "./RouteIndex.js"
import { WebClientRoutes } from "./WebClient.js"

export const OPENAPI_PATH = "/api/openapi.json"

const ApiRoutes = HttpLayerRouter.addHttpApi(MediaApi, { openapiPath: OPENAPI_PATH }).pipe(
  Layer.provide([SystemHttpLive, IdentityHttpLive, UsersHttpLive, AdminJobsHttpLive, AdminActivityHttpLive, AdminStatisticsHttpLive, SettingsHttpLive, RbacHttpLive, LibrariesHttpLive]),
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
  Layer.provide(MetadataHttpLive.pipe(Layer.provide(AuthenticationLive))),
  // Search: movies, series, episodes, people; reindex.
  Layer.provide(SearchHttpLive.pipe(Layer.provide(AuthenticationLive))),
  // Radarr/Sonarr administration, and their webhooks (the instance's secret is their credential).
  Layer.provide(IntegrationsHttpLive.pipe(Layer.provide(AuthenticationLive))),
  // Notification agents (admin) and each user's notification preferences.
  Layer.provide(NotificationsHttpLive.pipe(Layer.provide(AuthenticationLive)))
)

const DocsRoutes = HttpApiScalar.layerHttpLayerRouter({ api: MediaApi, path: "/api/docs" })

/**
 * POST /rpc (NDJSON over HTTP), as `RpcServer.layerHttpRouter` registers it, but with the caller's
 * address recorded for the handlers (they see headers only): the per-address login limits then count
 * RPC calls the same as REST ones.
 */
const RpcProtocol = Layer.effect(
  RpcServer.Protocol,
  Effect.gen(function* () {
    const router = yield* HttpLayerRouter.HttpRouter
    const config = yield* AppConfig
    const { httpApp, protocol } = yield* RpcServer.makeProtocolWithHttpApp
    yield* router.add("POST", "/rpc", withPeerAddress(proxyTrust(config))(httpApp))
    return protocol
  })
)

const RpcRoutes = RpcServer.layer(AllRpcs).pipe(
  Layer.provide(RpcProtocol),
  Layer.provide([SystemRpcLive, IdentityRpcLive, AdminJobsRpcLive, SettingsRpcLive, ProfileRpcLive, RbacRpcLive, LibraryRpcLive, BrowseRpcLive, PlaybackRpcLive, MetadataRpcLive, SearchRpcLive, EventsRpcLive, AdminActivityRpcLive, AdminStatisticsRpcLive]),
  Layer.provide(RpcAuthenticationLive),
  Layer.provide(RpcSerialization.layerNdjson),
  Layer.provide([MfaAllRpcLive, OidcAllRpcLive, IntegrationsRpcLive, NotificationsRpcLive])
)

/** A worker node serves probes and metrics only. */
export const WorkerRoutes = Layer.mergeAll(HealthRoutes).pipe(Layer.provide(ErrorEnvelope), Layer.provide(RouteIndex.layer))

// The route index records every route added below it (for 405 and OPTIONS): routes join this list.
export const AllRoutes = Layer.mergeAll(ApiRoutes, DocsRoutes, RpcRoutes, EventsSseRoute, HealthRoutes, WebClientRoutes).pipe(
  Layer.provide(ErrorEnvelope),
  Layer.provide(RouteIndex.layer)
)
