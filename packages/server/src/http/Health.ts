/**
 * Probes. /healthz: the process answers. /readyz: the database answers, migrations are done, and
 * Redis (when configured) is reported as ok or degraded. /startupz: start-up finished (this server
 * only listens once every layer, migrations included, is built).
 */
import { HttpLayerRouter, HttpServerResponse } from "@effect/platform"
import { Duration, Effect, Layer } from "effect"
import { CacheStore } from "../cache/CacheStore.js"
import { DbPool } from "../db/Database.js"
import { MigrationsDone } from "../db/Migrations.js"
import { sampleJobRunGauges } from "../jobs/AdminMetrics.js"
import { redisStatus } from "../redis/Redis.js"
import { renderPrometheus } from "../observability/Prometheus.js"
import { sampleGauges } from "../observability/Metrics.js"
import { MediaTools } from "../system/MediaTools.js"

const CHECK_TIMEOUT = Duration.seconds(1)

const databaseStatus = Effect.flatMap(DbPool, ({ pool }) =>
  Effect.tryPromise(() => pool.query("SELECT 1")).pipe(
    Effect.timeout(CHECK_TIMEOUT),
    Effect.as("ok"),
    Effect.orElseSucceed(() => "down")
  )
)

const readiness = Effect.gen(function* () {
  const migrations = yield* MigrationsDone
  const tools = yield* MediaTools
  const [database, redis] = yield* Effect.all([databaseStatus, redisStatus(CHECK_TIMEOUT)], { concurrency: 2 })
  const ready = database === "ok"
  // Without ffmpeg or ffprobe the node still serves browsing: degraded, not unready.
  const toolsMissing = tools.status.some((t) => t.error !== null)
  const toolChecks = Object.fromEntries(tools.status.map((t) => [t.tool, t.error === null ? `ok ${t.version}` : `missing: ${t.error}`]))
  return HttpServerResponse.unsafeJson(
    {
      status: ready ? (redis === "degraded" || toolsMissing ? "degraded" : "ready") : "not_ready",
      checks: { database, migrations: `${migrations.applied.length === 0 ? "up to date" : "applied"}`, redis, ...toolChecks }
    },
    { status: ready ? 200 : 503, headers: { "cache-control": "no-store" } }
  )
})

const ok = (status: string) =>
  Effect.succeed(HttpServerResponse.unsafeJson({ status }, { headers: { "cache-control": "no-store" } }))

const metrics = Effect.all([sampleGauges, sampleJobRunGauges, Effect.flatMap(CacheStore, (cache) => cache.sampleMetrics)]).pipe(
  Effect.zipRight(renderPrometheus),
  Effect.map((body) => HttpServerResponse.text(body, { contentType: "text/plain; version=0.0.4; charset=utf-8" }))
)

export const HealthRoutes = Layer.mergeAll(
  HttpLayerRouter.add("GET", "/healthz", ok("ok")),
  HttpLayerRouter.add("GET", "/startupz", ok("started")),
  HttpLayerRouter.add("GET", "/readyz", readiness),
  HttpLayerRouter.add("GET", "/metrics", metrics)
)
