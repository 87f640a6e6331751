/** Process-wide metrics. Each slice declares its own next to its code; all appear at /metrics. */
import { Effect, Metric, MetricBoundaries } from "effect"
import { monitorEventLoopDelay } from "node:perf_hooks"
import { DbPool } from "../db/Database.js"

export const httpRequests = Metric.counter("http_requests_total", {
  description: "HTTP requests by method, route and status",
  incremental: true
})

export const httpDuration = Metric.histogram(
  "http_request_duration_seconds",
  MetricBoundaries.fromIterable([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]),
  "HTTP request latency by method and route"
)

const gauge = (name: string, description: string) => Metric.gauge(name, { description })

const dbTotal = gauge("db_pool_connections_total", "Open connections in the database pool")
const dbIdle = gauge("db_pool_connections_idle", "Idle connections in the database pool")
const dbWaiting = gauge("db_pool_waiting_requests", "Queries waiting for a pool connection")
const rss = gauge("process_resident_memory_bytes", "Resident set size")
const heap = gauge("nodejs_heap_used_bytes", "V8 heap in use")
const cpu = gauge("process_cpu_seconds_total", "User + system CPU time")
const uptime = gauge("process_uptime_seconds", "Seconds since the process started")
const lag = gauge("nodejs_eventloop_delay_p99_seconds", "Event loop delay, p99 since the last scrape")

const loopDelay = monitorEventLoopDelay({ resolution: 20 })
loopDelay.enable()

/** Point-in-time gauges, sampled when /metrics is scraped. */
export const sampleGauges = Effect.gen(function* () {
  const db = yield* DbPool
  yield* Metric.set(dbTotal, db.pool.totalCount)
  yield* Metric.set(dbIdle, db.pool.idleCount)
  yield* Metric.set(dbWaiting, db.pool.waitingCount)
  const memory = process.memoryUsage()
  yield* Metric.set(rss, memory.rss)
  yield* Metric.set(heap, memory.heapUsed)
  const usage = process.cpuUsage()
  yield* Metric.set(cpu, (usage.user + usage.system) / 1e6)
  yield* Metric.set(uptime, process.uptime())
  yield* Metric.set(lag, loopDelay.percentile(99) / 1e9)
  loopDelay.reset()
})
