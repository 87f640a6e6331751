/**
 * All configuration, read once through Effect `Config` (env by default). A bad value stops start-up
 * with one line naming the key (see `formatConfigError`).
 */
import { Config, ConfigError, Context, Duration, Effect, Either, Layer, LogLevel, Option, Redacted, Schema } from "effect"
import { defaultQueueConcurrency, type JobQueue, NodeRole } from "@mediaserver/domain"

const LogFormat = Schema.Literal("pretty", "json", "logfmt")

// Schema.Config would put ParseResult's multi-line tree in the message; say it in one line instead.
const literal = <const Literals extends readonly [string, ...Array<string>]>(
  name: string,
  schema: Schema.Literal<Literals>,
  fallback: Literals[number]
) =>
  Config.string(name).pipe(
    Config.mapOrFail((raw) =>
      Either.mapLeft(Schema.decodeUnknownEither(schema)(raw), () =>
        ConfigError.InvalidData([], `Expected one of ${schema.literals.join(", ")}, got "${raw}"`))
    ),
    Config.withDefault(fallback)
  )

const port = (name: string) =>
  Config.integer(name).pipe(
    Config.validate({ message: "Expected a port number between 0 and 65535", validation: (n) => n >= 0 && n <= 65535 })
  )

const positiveInt = (name: string) =>
  Config.integer(name).pipe(Config.validate({ message: "Expected a positive integer", validation: (n) => n > 0 }))

const nonNegativeInt = (name: string) =>
  Config.integer(name).pipe(Config.validate({ message: "Expected an integer of 0 or more", validation: (n) => n >= 0 }))

const levels: Record<string, LogLevel.LogLevel> = {
  all: LogLevel.All,
  trace: LogLevel.Trace,
  debug: LogLevel.Debug,
  info: LogLevel.Info,
  warn: LogLevel.Warning,
  warning: LogLevel.Warning,
  error: LogLevel.Error,
  fatal: LogLevel.Fatal,
  none: LogLevel.None
}
const logLevel = (name: string) =>
  Config.string(name).pipe(
    Config.mapOrFail((raw) => {
      const level = levels[raw.toLowerCase()]
      return level === undefined
        ? Either.left(ConfigError.InvalidData([], `Expected one of ${Object.keys(levels).join(", ")}, got "${raw}"`))
        : Either.right(level)
    })
  )

const queueSize = (queue: JobQueue) =>
  positiveInt(`JOB_QUEUE_${queue.toUpperCase()}_CONCURRENCY`).pipe(Config.withDefault(defaultQueueConcurrency[queue]))

/** Embedded default of SECRETS_KEY: fine on a laptop, public knowledge everywhere else. */
export const DEFAULT_SECRETS_KEY = "mediaserver embedded default secrets key"
const DEFAULT_PROVIDERS: Array<string> = ["tmdb"]

/** A metadata provider's key, where it is and how fast to call it: `<PREFIX>_API_KEY`, `_BASE_URL`, `_RATE_LIMIT`, `_TIMEOUT`. */
const providerEnv = (prefix: string, baseUrl: string, ratePerSecond: number) =>
  Config.all({
    apiKey: Config.option(Config.redacted(`${prefix}_API_KEY`)),
    baseUrl: Config.string(`${prefix}_BASE_URL`).pipe(Config.withDefault(baseUrl)),
    rateLimit: positiveInt(`${prefix}_RATE_LIMIT`).pipe(Config.withDefault(ratePerSecond)),
    timeout: Config.duration(`${prefix}_TIMEOUT`).pipe(Config.withDefault(Duration.seconds(10)))
  })
const NONE: Array<string> = []

export const appConfig = Config.all({
  port: port("PORT").pipe(Config.withDefault(8096)),
  host: Config.string("HOST").pipe(Config.withDefault("0.0.0.0")),
  dataDir: Config.string("DATA_DIR").pipe(Config.withDefault("./data")),
  databaseUrl: Config.option(Config.redacted("DATABASE_URL")),
  databaseMaxConnections: positiveInt("DATABASE_MAX_CONNECTIONS").pipe(Config.withDefault(10)),
  /** ffprobe processes at once per node; unset: 4, or 2 on the embedded database (see `probeConcurrency`). */
  probeConcurrency: Config.option(positiveInt("PROBE_CONCURRENCY")),
  redisUrl: Config.option(Config.redacted("REDIS_URL")),
  cacheKeyPrefix: Config.string("CACHE_KEY_PREFIX").pipe(Config.withDefault("ms:")),
  /** false: no caching at all (reads go to the database); for measurements. */
  cacheEnabled: Config.boolean("CACHE_ENABLED").pipe(Config.withDefault(true)),
  cacheL1MaxEntries: positiveInt("CACHE_L1_MAX_ENTRIES").pipe(Config.withDefault(50_000)),
  cacheRedisTimeout: Config.duration("CACHE_REDIS_TIMEOUT").pipe(Config.withDefault(Duration.millis(100))),
  logLevel: logLevel("LOG_LEVEL").pipe(Config.withDefault(LogLevel.Info)),
  logFormat: literal("LOG_FORMAT", LogFormat, "pretty"),
  role: literal("NODE_ROLE", NodeRole, "all"),
  runnerHost: Config.option(Config.string("RUNNER_HOST")),
  runnerPort: port("RUNNER_PORT").pipe(Config.withDefault(34431)),
  runnerListenHost: Config.option(Config.string("RUNNER_LISTEN_HOST")),
  /** Unset: by mode (see shardLockTimings). */
  shardLockRefreshInterval: Config.option(Config.duration("SHARD_LOCK_REFRESH_INTERVAL")),
  shardLockExpiration: Config.option(Config.duration("SHARD_LOCK_EXPIRATION")),
  refreshAssignmentsInterval: Config.duration("REFRESH_ASSIGNMENTS_INTERVAL").pipe(
    Config.withDefault(Duration.seconds(1))
  ),
  entityMessagePollInterval: Config.duration("ENTITY_MESSAGE_POLL_INTERVAL").pipe(
    Config.withDefault(Duration.seconds(1))
  ),
  ffmpegPath: Config.option(Config.string("FFMPEG_PATH")),
  ffprobePath: Config.option(Config.string("FFPROBE_PATH")),
  /** The ffmpeg/ffprobe of the packages installed with the server, when neither the *_PATH variable nor PATH has one. */
  mediaToolsPackaged: Config.boolean("MEDIA_TOOLS_PACKAGED").pipe(Config.withDefault(true)),
  /** Where ffmpeg and ffprobe are looked for by name. */
  searchPath: Config.string("PATH").pipe(Config.withDefault("")),
  /** Origins whose pages may call the API with credentials (comma-separated; "*": any origin, without credentials). */
  corsOrigins: Config.array(Config.string(), "CORS_ORIGINS").pipe(Config.withDefault(NONE)),
  maxBodyBytes: positiveInt("MAX_BODY_BYTES").pipe(Config.withDefault(1024 * 1024)),
  shutdownTimeout: Config.duration("SHUTDOWN_TIMEOUT").pipe(Config.withDefault(Duration.seconds(10))),
  otlpEndpoint: Config.option(Config.string("OTEL_EXPORTER_OTLP_ENDPOINT")),
  serviceName: Config.string("OTEL_SERVICE_NAME").pipe(Config.withDefault("mediaserver")),
  // Identity and access (see packages/server/src/auth).
  authAccessTokenTtl: Config.duration("AUTH_ACCESS_TOKEN_TTL").pipe(Config.withDefault(Duration.minutes(15))),
  authSessionIdleTimeout: Config.duration("AUTH_SESSION_IDLE_TIMEOUT").pipe(Config.withDefault(Duration.days(7))),
  authSessionMaxAge: Config.duration("AUTH_SESSION_MAX_AGE").pipe(Config.withDefault(Duration.days(30))),
  authPasswordMinLength: positiveInt("AUTH_PASSWORD_MIN_LENGTH").pipe(Config.withDefault(10)),
  /** false: every request validates its credential and roles in the database (for measurements). */
  authCacheEnabled: Config.boolean("AUTH_CACHE_ENABLED").pipe(Config.withDefault(true)),
  authLastUsedFlushInterval: Config.duration("AUTH_LAST_USED_FLUSH_INTERVAL").pipe(
    Config.withDefault(Duration.seconds(10))
  ),
  // Login protection (auth/LoginLimiter.ts): failures per account before a lockout, attempts per IP.
  authLoginMaxAttempts: positiveInt("AUTH_LOGIN_MAX_ATTEMPTS").pipe(Config.withDefault(5)),
  authLoginWindow: Config.duration("AUTH_LOGIN_WINDOW").pipe(Config.withDefault(Duration.minutes(15))),
  authLoginIpMaxAttempts: positiveInt("AUTH_LOGIN_IP_MAX_ATTEMPTS").pipe(Config.withDefault(100)),
  /** First lockout; each further one within a day doubles it, up to the max. */
  authLockoutBase: Config.duration("AUTH_LOCKOUT_BASE").pipe(Config.withDefault(Duration.minutes(1))),
  authLockoutMax: Config.duration("AUTH_LOCKOUT_MAX").pipe(Config.withDefault(Duration.hours(1))),
  /** Behind a reverse proxy: take the client IP from X-Forwarded-For (its last entry) instead of the socket. */
  authTrustProxy: Config.boolean("AUTH_TRUST_PROXY").pipe(Config.withDefault(false)),
  /**
   * Our proxies (comma-separated addresses or CIDR ranges): from one of them, the client is the right-most
   * address of X-Forwarded-For / X-Real-IP not in this list.
   */
  authTrustedProxies: Config.array(Config.string(), "AUTH_TRUSTED_PROXIES").pipe(Config.withDefault(NONE)),
  /** Live API keys a user may hold, and sessions (a new login past it ends the oldest). */
  authApiKeysPerUser: positiveInt("AUTH_API_KEYS_PER_USER").pipe(Config.withDefault(10)),
  authSessionsPerUser: positiveInt("AUTH_SESSIONS_PER_USER").pipe(Config.withDefault(10)),
  /** Forgot-password, resend, verify and reset: requests per client address in a window. */
  authStrictMax: positiveInt("AUTH_STRICT_MAX").pipe(Config.withDefault(20)),
  authStrictWindow: Config.duration("AUTH_STRICT_WINDOW").pipe(Config.withDefault(Duration.minutes(15))),
  /** At most one forgot-password mail, and one verification mail, per address in this time. */
  authMailInterval: Config.duration("AUTH_MAIL_INTERVAL").pipe(Config.withDefault(Duration.minutes(5))),
  /**
   * The general limit: requests per client address in HTTP_RATE_WINDOW, on every route but the probes
   * (generous: a browsing client and its player stay far below it). 0: off.
   */
  httpRateLimit: nonNegativeInt("HTTP_RATE_LIMIT").pipe(Config.withDefault(3000)),
  httpRateWindow: Config.duration("HTTP_RATE_WINDOW").pipe(Config.withDefault(Duration.minutes(1))),
  authLimiterMaxEntries: positiveInt("AUTH_LIMITER_MAX_ENTRIES").pipe(Config.withDefault(100_000)),
  // Auth cleanup job: expired sessions, revoked or expired API keys, kept this long after they end.
  authCleanupRetention: Config.duration("AUTH_CLEANUP_RETENTION").pipe(Config.withDefault(Duration.days(7))),
  authCleanupBatchSize: positiveInt("AUTH_CLEANUP_BATCH_SIZE").pipe(Config.withDefault(500)),
  // Email (auth/Mailer.ts). No SMTP_HOST: the server runs, email-dependent operations answer 503.
  smtpHost: Config.option(Config.string("SMTP_HOST")),
  smtpPort: port("SMTP_PORT").pipe(Config.withDefault(587)),
  /** true: TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
  smtpSecure: Config.boolean("SMTP_SECURE").pipe(Config.withDefault(false)),
  smtpUser: Config.option(Config.string("SMTP_USER")),
  smtpPassword: Config.option(Config.redacted("SMTP_PASSWORD")),
  smtpFrom: Config.string("SMTP_FROM").pipe(Config.withDefault("Media server <noreply@localhost>")),
  /** Base of the links in mails (the web client's address as users reach it). */
  publicUrl: Config.string("PUBLIC_URL").pipe(Config.withDefault("http://localhost:8096")),
  authVerifyTokenTtl: Config.duration("AUTH_VERIFY_TOKEN_TTL").pipe(Config.withDefault(Duration.hours(48))),
  authResetTokenTtl: Config.duration("AUTH_RESET_TOKEN_TTL").pipe(Config.withDefault(Duration.hours(1))),
  /** Avatar uploads over this get 413 (MAX_BODY_BYTES still bounds every body). */
  avatarMaxBytes: positiveInt("AVATAR_MAX_BYTES").pipe(Config.withDefault(512 * 1024)),
  /**
   * Encrypts secrets stored in the database (TOTP secrets, OIDC client secrets) with AES-256-GCM; any
   * string, hashed to the key. The embedded default suits a laptop only: set your own on a server, the
   * same on every node (changing it makes stored secrets unreadable).
   */
  secretsKey: Config.redacted("SECRETS_KEY").pipe(Config.withDefault(Redacted.make(DEFAULT_SECRETS_KEY))),
  // Second factors (mfa/): TOTP issuer and WebAuthn relying party name, life of a login's MFA challenge.
  mfaIssuer: Config.string("MFA_ISSUER").pipe(Config.withDefault("Media server")),
  mfaChallengeTtl: Config.duration("MFA_CHALLENGE_TTL").pipe(Config.withDefault(Duration.minutes(5))),
  /** WebAuthn relying party id and expected origin; default: the host and origin of PUBLIC_URL. */
  webauthnRpId: Config.option(Config.string("WEBAUTHN_RP_ID")),
  webauthnOrigin: Config.option(Config.string("WEBAUTHN_ORIGIN")),
  // Single sign-on (oidc/): how long a login may take at the provider, and how long discovery is cached.
  oidcStateTtl: Config.duration("OIDC_STATE_TTL").pipe(Config.withDefault(Duration.minutes(10))),
  oidcDiscoveryTtl: Config.duration("OIDC_DISCOVERY_TTL").pipe(Config.withDefault(Duration.hours(1))),
  // Libraries: a vanished file stays (marked missing) this long before its row and content go.
  libraryMissingGrace: Config.duration("LIBRARY_MISSING_GRACE").pipe(Config.withDefault(Duration.days(7))),
  scanProgressInterval: Config.duration("SCAN_PROGRESS_INTERVAL").pipe(Config.withDefault(Duration.seconds(1))),
  /** Quiet time after the last change in a watched library before its scan, and how often watchers follow the library list. */
  scanWatchReconcile: Config.duration("SCAN_WATCH_RECONCILE").pipe(Config.withDefault(Duration.seconds(30))),
  scanWatchDebounce: Config.duration("SCAN_WATCH_DEBOUNCE").pipe(Config.withDefault(Duration.seconds(5))),
  // Playback (server/src/playback): HLS segment length, idle timeout (no heartbeat), throttling, temp files.
  playbackSegmentSeconds: positiveInt("PLAYBACK_SEGMENT_SECONDS").pipe(Config.withDefault(3)),
  playbackIdleTimeout: Config.duration("PLAYBACK_IDLE_TIMEOUT").pipe(Config.withDefault(Duration.seconds(60))),
  /** ffmpeg is paused once it is this many segments ahead of the last one requested. */
  playbackThrottleSegments: positiveInt("PLAYBACK_THROTTLE_SEGMENTS").pipe(Config.withDefault(5)),
  /** How long a segment request waits for ffmpeg to produce it. */
  playbackSegmentTimeout: Config.duration("PLAYBACK_SEGMENT_TIMEOUT").pipe(Config.withDefault(Duration.seconds(30))),
  /** Where ffmpeg writes segments (per node; emptied at start-up); unset = DATA_DIR/transcodes. */
  playbackTranscodeDir: Config.option(Config.string("PLAYBACK_TRANSCODE_DIR")),
  playbackX264Preset: Config.string("PLAYBACK_X264_PRESET").pipe(Config.withDefault("veryfast")),
  // Metadata providers (metadata/): TMDb's key (a v3 key or a v4 read token), where it is, how fast to call it.
  tmdbApiKey: Config.option(Config.redacted("TMDB_API_KEY")),
  tmdbEnabled: Config.boolean("TMDB_ENABLED").pipe(Config.withDefault(true)),
  tmdbBaseUrl: Config.string("TMDB_BASE_URL").pipe(Config.withDefault("https://api.themoviedb.org/3")),
  /** Unset: the base TMDb's /configuration names. */
  tmdbImageBaseUrl: Config.option(Config.string("TMDB_IMAGE_BASE_URL")),
  tmdbRateLimit: positiveInt("TMDB_RATE_LIMIT").pipe(Config.withDefault(40)),
  tmdbTimeout: Config.duration("TMDB_TIMEOUT").pipe(Config.withDefault(Duration.seconds(10))),
  /** The other providers (metadata/providers/): OMDb (key), TVMaze (no key, 20 calls per 10 s), fanart.tv (key). */
  omdb: providerEnv("OMDB", "https://www.omdbapi.com", 5),
  tvmaze: providerEnv("TVMAZE", "https://api.tvmaze.com", 2),
  tvmazeImageBaseUrl: Config.string("TVMAZE_IMAGE_BASE_URL").pipe(Config.withDefault("https://static.tvmaze.com")),
  fanart: providerEnv("FANART", "https://webservice.fanart.tv/v3", 5),
  /** TheTVDB v4 (key; a subscriber's PIN is not needed for project keys); the order of its seasons' episodes. */
  tvdb: providerEnv("TVDB", "https://api4.thetvdb.com/v4", 10),
  tvdbImageBaseUrl: Config.string("TVDB_IMAGE_BASE_URL").pipe(Config.withDefault("https://artworks.thetvdb.com")),
  /** AniList's GraphQL endpoint (no key; 90 requests a minute) and its image host. */
  anilist: providerEnv("ANILIST", "https://graphql.anilist.co", 1),
  anilistImageBaseUrl: Config.string("ANILIST_IMAGE_BASE_URL").pipe(Config.withDefault("https://s4.anilist.co")),
  /**
   * AniDB's HTTP API (a registered client name as its key; ANIDB_CLIENT_VERSION its version): one request
   * per ANIDB_REQUEST_INTERVAL for the whole installation (AniDB allows one per 2 s; the rest absorbs node
   * timers), a slot further than ANIDB_MAX_WAIT away is retried later, answers are kept ANIDB_CACHE_TTL
   * (AniDB asks for the same anime at most once a day), a ban pauses every node for ANIDB_BAN_PAUSE.
   */
  anidb: providerEnv("ANIDB", "http://api.anidb.net:9001/httpapi", 1),
  anidbClientVersion: Config.string("ANIDB_CLIENT_VERSION").pipe(Config.withDefault("1")),
  anidbRequestInterval: Config.duration("ANIDB_REQUEST_INTERVAL").pipe(Config.withDefault(Duration.millis(2500))),
  anidbMaxWait: Config.duration("ANIDB_MAX_WAIT").pipe(Config.withDefault(Duration.seconds(30))),
  anidbCacheTtl: Config.duration("ANIDB_CACHE_TTL").pipe(Config.withDefault(Duration.hours(24))),
  anidbBanPause: Config.duration("ANIDB_BAN_PAUSE").pipe(Config.withDefault(Duration.hours(6))),
  /** AniDB's daily title dump, the only way to find an anime by title (downloaded at most once a day). */
  anidbTitlesUrl: Config.string("ANIDB_TITLES_URL").pipe(Config.withDefault("http://anidb.net/api/anime-titles.xml.gz")),
  anidbImageBaseUrl: Config.string("ANIDB_IMAGE_BASE_URL").pipe(Config.withDefault("https://cdn-eu.anidb.net")),
  /** MyAnimeList API v2 (client id as key), Kitsu (no key), Trakt (client id as key), Simkl (client id as key). */
  mal: providerEnv("MAL", "https://api.myanimelist.net/v2", 2),
  malImageBaseUrl: Config.string("MAL_IMAGE_BASE_URL").pipe(Config.withDefault("https://cdn.myanimelist.net")),
  kitsu: providerEnv("KITSU", "https://kitsu.io/api/edge", 5),
  kitsuImageBaseUrl: Config.string("KITSU_IMAGE_BASE_URL").pipe(Config.withDefault("https://media.kitsu.app")),
  trakt: providerEnv("TRAKT", "https://api.trakt.tv", 3),
  simkl: providerEnv("SIMKL", "https://api.simkl.com", 2),
  tvdbEpisodeOrder: Config.literal("default", "dvd", "absolute")("TVDB_EPISODE_ORDER").pipe(Config.withDefault("default" as const)),
  fanartImageBaseUrl: Config.string("FANART_IMAGE_BASE_URL").pipe(Config.withDefault("https://assets.fanart.tv")),
  /** Providers enabled by default, in merge order (first wins a field); an admin's settings override; unknown names are ignored. */
  metadataProviders: Config.array(Config.string(), "METADATA_PROVIDERS").pipe(Config.withDefault(DEFAULT_PROVIDERS)),
  /** Language of provider lookups when the caller or library names none. */
  metadataLanguage: Config.string("METADATA_LANGUAGE").pipe(Config.withDefault("en")),
  /** Consecutive failures (timeouts, 5xx) that open a provider's circuit, and how long it stays open. */
  metadataCircuitFailures: positiveInt("METADATA_CIRCUIT_FAILURES").pipe(Config.withDefault(5)),
  metadataCircuitCooldown: Config.duration("METADATA_CIRCUIT_COOLDOWN").pipe(Config.withDefault(Duration.seconds(30))),
  /** A 429 asking to wait up to this long is waited out in place; longer, the job retries later. */
  metadataMaxRetryAfter: Config.duration("METADATA_MAX_RETRY_AFTER").pipe(Config.withDefault(Duration.seconds(30))),
  /** Radarr/Sonarr: per-request timeout and requests per second per instance. */
  arrTimeout: Config.duration("ARR_TIMEOUT").pipe(Config.withDefault(Duration.seconds(30))),
  arrRateLimit: positiveInt("ARR_RATE_LIMIT").pipe(Config.withDefault(20)),
  /** Largest image downloaded from a provider. */
  imageMaxBytes: positiveInt("IMAGE_MAX_BYTES").pipe(Config.withDefault(20 * 1024 * 1024)),
  /** Job backoffs longer than this sleep on the durable clock (they survive a restart; the run is replayed after). */
  jobDurableBackoffAfter: Config.duration("JOB_DURABLE_BACKOFF_AFTER").pipe(Config.withDefault(Duration.seconds(60))),
  /**
   * Single-step runs: how long a claim holds without renewal (renewed at a third of it while the handler
   * runs; a run of a node that died is taken over once it lapses), and how often a node looks for ready
   * runs besides the wake-ups (an enqueue on this node, a retry falling due here).
   */
  jobLease: Config.duration("JOB_LEASE").pipe(Config.withDefault(Duration.seconds(15))),
  jobPollInterval: Config.duration("JOB_POLL_INTERVAL").pipe(Config.withDefault(Duration.seconds(1))),
  /** Handlers of each queue running at once on this node (`JOB_QUEUE_<NAME>_CONCURRENCY`). */
  jobQueueConcurrency: Config.all({
    critical: queueSize("critical"),
    high: queueSize("high"),
    default: queueSize("default"),
    low: queueSize("low"),
    bulk: queueSize("bulk")
  }),
  // Job retention (jobs/JobRetention.ts): finished runs are deleted at these ages, this many per statement.
  jobRetentionCompleted: Config.duration("JOB_RETENTION_COMPLETED").pipe(Config.withDefault(Duration.hours(72))),
  /** Discarded, failed and cancelled runs: kept longer, someone may want to look at them. */
  jobRetentionUnsuccessful: Config.duration("JOB_RETENTION_UNSUCCESSFUL").pipe(Config.withDefault(Duration.days(7))),
  jobRetentionBatchSize: positiveInt("JOB_RETENTION_BATCH_SIZE").pipe(Config.withDefault(500)),
  // Daily cleanups (activity/Retention.ts, library/ScanHistoryRetention.ts): rows older than these go,
  // this many per statement. The activity log is written on every sign-in and admin change.
  activityRetention: Config.duration("ACTIVITY_RETENTION").pipe(Config.withDefault(Duration.days(90))),
  // Live events (events/): relayed events stay this long for clients resuming with Last-Event-ID; an
  // SSE stream sends a comment this often so proxies and browsers keep it open.
  eventsRetention: Config.duration("EVENTS_RETENTION").pipe(Config.withDefault(Duration.hours(24))),
  eventsHeartbeat: Config.duration("EVENTS_HEARTBEAT").pipe(Config.withDefault(Duration.seconds(15))),
  // Notifications (notifications/): an agent sends at most NOTIFY_BURST messages one by one per
  // NOTIFY_COALESCE_WINDOW; further events of that window go out as one digest when it ends.
  notifyCoalesceWindow: Config.duration("NOTIFY_COALESCE_WINDOW").pipe(Config.withDefault(Duration.seconds(10))),
  notifyBurst: positiveInt("NOTIFY_BURST").pipe(Config.withDefault(5)),
  scanHistoryRetention: Config.duration("SCAN_HISTORY_RETENTION").pipe(Config.withDefault(Duration.days(30))),
  cleanupBatchSize: positiveInt("CLEANUP_BATCH_SIZE").pipe(Config.withDefault(500)),
  /** A play past this share of the duration marks the movie or episode watched. */
  watchedThresholdPercent: Config.integer("WATCHED_THRESHOLD_PERCENT").pipe(
    Config.validate({ message: "Expected a percentage between 1 and 100", validation: (n) => n >= 1 && n <= 100 }),
    Config.withDefault(90)
  )
})

export type AppConfigShape = Config.Config.Success<typeof appConfig>

export class AppConfig extends Context.Tag("@mediaserver/config/AppConfig")<AppConfig, AppConfigShape>() {
  static readonly layer = Layer.effect(AppConfig, appConfig)
  /** For tests: the defaults plus overrides, without reading the environment. */
  static readonly layerWith = (overrides: Partial<AppConfigShape>) =>
    Layer.effect(
      AppConfig,
      Effect.map(appConfig, (base) => ({ ...base, ...overrides }))
    )
}

export const isEmbedded = (config: AppConfigShape): boolean => Option.isNone(config.databaseUrl)

/** The embedded database, or no runner address: one runner holds every shard, with nobody to hand them to. */
export const isSingleRunner = (config: AppConfigShape): boolean => isEmbedded(config) || Option.isNone(config.runnerHost)

/**
 * Shard-lock timings. A cluster's are tuned for failover in seconds (a lock refresh that takes longer
 * than the interval gives the shards up, so another runner can take them). A single runner has no
 * other runner: giving its shards up because the machine is slow for 2 s only stops its own entity
 * calls (scans, playback) until it takes them back, so its locks are refreshed with a wide margin.
 */
export const shardLockTimings = (config: AppConfigShape) => {
  const single = isSingleRunner(config)
  return {
    shardLockRefreshInterval: Option.getOrElse(config.shardLockRefreshInterval, () => Duration.seconds(single ? 10 : 2)),
    shardLockExpiration: Option.getOrElse(config.shardLockExpiration, () => Duration.seconds(single ? 60 : 6))
  }
}

/**
 * On the embedded database every probe result is written by the process that also answers requests,
 * so a scan's probes run two at a time there and leave the event loop to the people browsing.
 */
export const probeConcurrency = (config: AppConfigShape): number =>
  Option.getOrElse(config.probeConcurrency, () => (isEmbedded(config) ? 2 : 4))

/** One line per start-up: `Invalid configuration: PORT: Expected ..., LOG_LEVEL: ...` */
export const formatConfigError = (error: ConfigError.ConfigError): string => {
  const leaves: Array<string> = []
  const walk = (e: ConfigError.ConfigError): void => {
    switch (e._op) {
      case "And":
      case "Or":
        walk(e.left)
        walk(e.right)
        return
      case "InvalidData":
      case "MissingData":
      case "SourceUnavailable":
      case "Unsupported":
        leaves.push(`${e.path.join(".") || "<root>"}: ${e.message.replace(/\s+/g, " ")}`)
        return
    }
  }
  walk(error)
  return `Invalid configuration: ${leaves.join("; ")}`
}
