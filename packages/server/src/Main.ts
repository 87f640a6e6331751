/**
 * The whole node as one Layer. Start-up order follows the dependencies: config, logging, database,
 * migrations (under a lock), cluster, services, then the HTTP server, which listens last.
 * Shutdown runs in reverse: the server stops accepting and drains, the cluster leaves, the pool ends,
 * the embedded database closes.
 */
import { FileSystem, HttpIncomingMessage, HttpLayerRouter, HttpMiddleware, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Duration, Effect, Layer, Option, Scope } from "effect"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { CacheStore } from "./cache/CacheStore.js"
import { ClusterLive } from "./cluster/Cluster.js"
import { NodeIdentity } from "./cluster/NodeIdentity.js"
import { IdentityLive } from "./auth/index.js"
import { MfaGateLive, MfaLive } from "./mfa/index.js"
import { IntegrationsLive } from "./integrations/index.js"
import { NotificationsLive } from "./notifications/index.js"
import { OidcLive } from "./oidc/index.js"
import { SettingsLive } from "./settings/index.js"
import { ProfileLive } from "./users/index.js"
import { AppConfig } from "./config/AppConfig.js"
import { DatabaseLive } from "./db/Database.js"
import { MigrationsLive } from "./db/Migrations.js"
import { JobsLive } from "./jobs/index.js"
import { LibraryLive } from "./library/index.js"
import { ContentLive } from "./content/index.js"
import { MetadataLive } from "./metadata/index.js"
import { SearchLive } from "./search/index.js"
import { AllRoutes, WorkerRoutes } from "./http/Gateway.js"
import { LoggingLive } from "./observability/Logging.js"
import { TracingLive } from "./observability/Tracing.js"
import { RedisConnection } from "./redis/Redis.js"
import { PlaybackEntityLive, PlaybackLive } from "./playback/index.js"
import { SIGNED_PREFIX } from "./playback/SessionsRepo.js"
import { MediaTools } from "./system/MediaTools.js"
import { NodePingLive } from "./system/NodePing.js"
import { RequestPriority } from "./system/RequestPriority.js"
import { SystemService } from "./system/SystemService.js"

/** Entities every runner registers (all runners on one database must register the same ones). */
const EntitiesLive = Layer.mergeAll(NodePingLive, PlaybackEntityLive)

const PROBES = new Set(["/healthz", "/readyz", "/startupz", "/metrics"])

/**
 * On shutdown the router stops taking requests first (late ones get 503); in-flight ones finish while
 * `server.close()` waits. Idle keep-alive sockets are closed at once, and any connection still open after
 * SHUTDOWN_TIMEOUT is cut so a stuck client cannot hold the process.
 */
const HttpServerLive = Layer.unwrapEffect(
  Effect.map(AppConfig, (config) => {
    const routes = config.role === "worker" ? WorkerRoutes : AllRoutes
    const server = createServer()
    // The socket listens before the router is attached; a request in between would get no answer at all
    // (a readiness probe polling during start-up hung forever): until then it gets a 503 to retry.
    const starting = (_request: IncomingMessage, response: ServerResponse) => {
      response.writeHead(503, { "content-type": "application/json", connection: "close", "retry-after": "1" })
      response.end(JSON.stringify({ code: "Unavailable", message: "The server is starting" }))
    }
    server.on("request", starting)
    const listening = NodeHttpServer.layer(() => server, { port: config.port, host: config.host })
    const drain = Layer.scopedDiscard(
      Effect.addFinalizer(() =>
        Effect.sync(() => {
          // A request whose headers arrive after the router stopped would otherwise hang: refuse it.
          server.on("request", (_request: IncomingMessage, response: ServerResponse) => {
            response.writeHead(503, { "content-type": "application/json", connection: "close", "retry-after": "1" })
            response.end(JSON.stringify({ code: "Unavailable", message: "The server is shutting down" }))
          })
          server.closeIdleConnections()
          setTimeout(() => server.closeAllConnections(), Duration.toMillis(config.shutdownTimeout)).unref()
        })
      )
    )
    // Request spans only when traces go somewhere, and never for probes (they would drown real traffic).
    const tracing = Option.isSome(config.otlpEndpoint)
    const untraced = Layer.locallyScoped(HttpMiddleware.currentTracerDisabledWhen, (request) =>
      // Signed stream URLs hold their credential in the path: never in a span (traces leave the node).
      !tracing || PROBES.has(request.url) || request.url.startsWith(SIGNED_PREFIX)
    )
    const maxBody = Layer.succeed(HttpIncomingMessage.MaxBodySize, Option.some(FileSystem.Size(config.maxBodyBytes)))
    return HttpLayerRouter.serve(routes, { disableLogger: true, disableListenLog: true }).pipe(
      Layer.tap(() => Effect.sync(() => server.off("request", starting))),
      Layer.provide([untraced, maxBody]),
      Layer.provideMerge(Layer.provideMerge(drain, listening))
    )
  })
)

const announce = Layer.effectDiscard(
  Effect.gen(function* () {
    const server = yield* HttpServer.HttpServer
    const config = yield* AppConfig
    const address = server.address
    const url =
      address._tag === "TcpAddress"
        ? `http://${address.hostname === "0.0.0.0" || address.hostname === "::" ? "localhost" : address.hostname}:${address.port}`
        : `unix:${address.path}`
    const database = Option.isSome(config.databaseUrl) ? "Postgres (DATABASE_URL)" : `embedded, data in ${config.dataDir}`
    yield* Effect.logInfo(`Media server listening on ${url} (role ${config.role}, database ${database})`)
  })
)

/**
 * Layer release runs uninterruptibly, and the cluster's finalizers bound their Postgres calls with
 * timeouts that only fire when interruptible: with the database down they wait forever (a SIGTERM never
 * finishes). Close the cluster's own scope interruptibly, with a deadline.
 */
const releaseInterruptibly = <A, E, R>(layer: Layer.Layer<A, E, R>, timeout: Duration.DurationInput) =>
  Layer.scopedContext(
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      yield* Effect.addFinalizer((exit) =>
        Scope.close(scope, exit).pipe(Effect.interruptible, Effect.timeout(timeout), Effect.ignore)
      )
      return yield* Layer.buildWithScope(layer, scope)
    })
  )

/**
 * A node: everything but the AppConfig layer (tests build it from their own ConfigProvider).
 * `background` (the workers package: job handlers, scans, schedules) is built before the HTTP server
 * and released after it, so requests in flight at shutdown can still reach entities and jobs: the
 * cluster begins to shut down as soon as any entity registration is released.
 */
export const makeNodeLive = <A, E, R>(background: Layer.Layer<A, E, R>) => Layer.provideMerge(announce, HttpServerLive).pipe(
  Layer.provide(background),
  Layer.provide(SystemService.layer),
  // Identity and access: accounts, sessions, API keys, users and the Authenticator behind both middlewares.
  // Profile (preferences, avatar) uses accounts and settings.
  Layer.provide(ProfileLive),
  // Second factors and single sign-on: they start sessions through Accounts. Radarr/Sonarr instances,
  // sync and webhooks (sealed secrets, like OIDC; their jobs run in background).
  Layer.provideMerge(Layer.mergeAll(MfaLive, OidcLive, IntegrationsLive, NotificationsLive)),
  Layer.provideMerge(IdentityLive),
  // Accounts asks this gate whether a correct password still needs a second factor.
  Layer.provideMerge(MfaGateLive),
  // Playback sessions (library access, events, the transcode limit setting); entities use library services and events too.
  Layer.provideMerge(PlaybackLive),
  Layer.provideMerge(SettingsLive),
  Layer.provide(EntitiesLive),
  // Browsing and watch state over the libraries' content (playback records progress through it).
  // Search over the same content (documents kept by the database) and its reindex job.
  Layer.provideMerge(Layer.merge(ContentLive, SearchLive)),
  // Libraries: CRUD, permissions, scan control (the scan itself runs in background).
  Layer.provideMerge(LibraryLive),
  // Metadata: providers, lookups, refresh pipelines (run by background jobs), edits and images.
  Layer.provideMerge(MetadataLive),
  // The cache, and requests first on the embedded database (scans and probes yield to requests in flight).
  Layer.provideMerge(Layer.merge(CacheStore.layer, RequestPriority.layer)),
  // Background jobs: workflow engine on this node's Sharding, enqueue, queue caps (handlers: workers).
  Layer.provideMerge(JobsLive),
  Layer.provideMerge(releaseInterruptibly(ClusterLive, Duration.seconds(10))),
  Layer.provideMerge(MigrationsLive),
  Layer.provideMerge(DatabaseLive),
  // MediaTools: ffmpeg and ffprobe, checked once at start-up (one log line; /readyz and the system info show them).
  Layer.provideMerge(Layer.mergeAll(NodeIdentity.layer, RedisConnection.layer, MediaTools.layer)),
  Layer.provide(TracingLive),
  Layer.provide(LoggingLive)
)
