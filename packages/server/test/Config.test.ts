import { describe, expect, it } from "@effect/vitest"
import { ConfigError, ConfigProvider, Duration, Effect, Either, LogLevel, Option } from "effect"
import { spawn } from "node:child_process"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { AppConfig, formatConfigError, isEmbedded, probeConcurrency, shardLockTimings } from "../src/config/AppConfig.js"

const readConfig = (env: Record<string, string>) =>
  AppConfig.pipe(
    Effect.provide(AppConfig.layer),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
    Effect.either
  )

const configError = (env: Record<string, string>) =>
  Effect.flatMap(readConfig(env), (result) =>
    Either.match(result, {
      onLeft: (error) => Effect.succeed(error),
      onRight: () => Effect.dieMessage(`expected a ConfigError for ${JSON.stringify(env)}, got a config`)
    }))

/** One line, `Invalid configuration: KEY: <message>`, the key not repeated, no multi-line parse tree. */
const expectOneLine = (line: string, key: string) => {
  expect(line).not.toContain("\n")
  expect(line).toMatch(new RegExp(`^Invalid configuration: ${key}: \\S`))
  expect(line).not.toContain(`${key}.${key}`)
  // The tree drawing of ParseResult's formatter (├─ └─ │) is not a message for a human.
  expect(line).not.toMatch(/[├└│─]/)
}

describe("AppConfig", () => {
  it.effect("probes run two at a time on the embedded database, four on Postgres, PROBE_CONCURRENCY over both", () =>
    Effect.gen(function*() {
      const concurrency = (env: Record<string, string>) =>
        readConfig(env).pipe(Effect.map((result) => probeConcurrency(Either.getOrThrow(result))))
      expect(yield* concurrency({})).toBe(2)
      expect(yield* concurrency({ DATABASE_URL: "postgres://x@127.0.0.1/db" })).toBe(4)
      expect(yield* concurrency({ PROBE_CONCURRENCY: "6" })).toBe(6)
      expect(yield* concurrency({ DATABASE_URL: "postgres://x@127.0.0.1/db", PROBE_CONCURRENCY: "1" })).toBe(1)
      expectOneLine(formatConfigError(yield* configError({ PROBE_CONCURRENCY: "0" })), "PROBE_CONCURRENCY")
    }))

  it.effect("defaults: port 8096, ./data, role all, embedded without DATABASE_URL", () =>
    Effect.gen(function*() {
      const config = Either.getOrThrow(yield* readConfig({}))
      expect(config.port).toBe(8096)
      expect(config.host).toBe("0.0.0.0")
      expect(config.dataDir).toBe("./data")
      expect(config.role).toBe("all")
      expect(Option.isNone(config.databaseUrl)).toBe(true)
      expect(isEmbedded(config)).toBe(true)
      expect(Option.isNone(config.redisUrl)).toBe(true)
      expect(config.logLevel).toBe(LogLevel.Info)
      expect(config.logFormat).toBe("pretty")
      expect(config.maxBodyBytes).toBe(1024 * 1024)
      // One runner alone keeps its shards through a slow moment; a cluster's timings fail over fast.
      expect(Duration.toMillis(shardLockTimings(config).shardLockExpiration)).toBe(60_000)
      expect(Duration.toMillis(shardLockTimings(config).shardLockRefreshInterval)).toBe(10_000)
      const runner = Either.getOrThrow(yield* readConfig({ DATABASE_URL: "postgres://db/media", RUNNER_HOST: "10.0.0.2" }))
      expect(Duration.toMillis(shardLockTimings(runner).shardLockExpiration)).toBe(6_000)
      expect(Duration.toMillis(shardLockTimings(runner).shardLockRefreshInterval)).toBe(2_000)
      expect(config.jobQueueConcurrency).toEqual({ critical: 20, high: 15, default: 10, low: 5, bulk: 3 })
      expect(Duration.toHours(config.jobRetentionCompleted)).toBe(72)
      expect(Duration.toHours(config.jobRetentionUnsuccessful)).toBe(7 * 24)
      expect(config.jobRetentionBatchSize).toBe(500)
    }))

  it.effect("job queue sizes and retention are read from their env names", () =>
    Effect.gen(function*() {
      const config = Either.getOrThrow(
        yield* readConfig({ JOB_QUEUE_BULK_CONCURRENCY: "7", JOB_RETENTION_COMPLETED: "1 hour", JOB_RETENTION_BATCH_SIZE: "50" })
      )
      expect(config.jobQueueConcurrency).toEqual({ critical: 20, high: 15, default: 10, low: 5, bulk: 7 })
      expect(Duration.toMillis(config.jobRetentionCompleted)).toBe(3_600_000)
      expect(config.jobRetentionBatchSize).toBe(50)
    }))

  it.effect("reads given values; DATABASE_URL means not embedded", () =>
    Effect.gen(function*() {
      const config = Either.getOrThrow(
        yield* readConfig({
          PORT: "9000",
          NODE_ROLE: "worker",
          LOG_LEVEL: "debug",
          SHARD_LOCK_EXPIRATION: "10 seconds",
          DATABASE_URL: "postgres://u:p@db:5432/media"
        })
      )
      expect(config.port).toBe(9000)
      expect(config.role).toBe("worker")
      expect(config.logLevel).toBe(LogLevel.Debug)
      expect(Duration.toMillis(shardLockTimings(config).shardLockExpiration)).toBe(10_000)
      expect(isEmbedded(config)).toBe(false)
    }))

  const bad: ReadonlyArray<{ readonly key: string; readonly value: string; readonly expected: RegExp }> = [
    { key: "PORT", value: "abc", expected: /integer/i },
    { key: "PORT", value: "70000", expected: /65535/ },
    { key: "NODE_ROLE", value: "boss", expected: /api.*worker.*all/ },
    { key: "LOG_LEVEL", value: "loud", expected: /info/ },
    { key: "SHARD_LOCK_EXPIRATION", value: "soon", expected: /duration/i },
    { key: "JOB_QUEUE_LOW_CONCURRENCY", value: "0", expected: /positive integer/ },
    { key: "JOB_RETENTION_COMPLETED", value: "later", expected: /duration/i },
    { key: "JOB_RETENTION_BATCH_SIZE", value: "0", expected: /positive integer/ }
  ]
  for (const { key, value, expected } of bad) {
    it.effect(`${key}=${value} fails with one line naming ${key}`, () =>
      Effect.gen(function*() {
        const error = yield* configError({ [key]: value })
        expect(ConfigError.isConfigError(error)).toBe(true)
        const line = formatConfigError(error)
        expectOneLine(line, key)
        expect(line).toMatch(expected)
      }))
  }

  it.effect("several bad values: still one line, each key named once", () =>
    Effect.gen(function*() {
      const line = formatConfigError(yield* configError({ PORT: "abc", LOG_LEVEL: "loud", NODE_ROLE: "boss" }))
      expect(line).not.toContain("\n")
      expect(line).not.toMatch(/[├└│─]/)
      for (const key of ["PORT", "LOG_LEVEL", "NODE_ROLE"]) {
        expect(line.split(`${key}:`).length - 1).toBe(1)
        expect(line).not.toContain(`${key}.${key}`)
      }
    }))
})

// ---------------------------------------------------------------------------------------------------------
// The real entry point, as `npm start` runs it.

const repoRoot = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..")

interface ProcessResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

const runMain = (env: Record<string, string>, timeoutMs: number) =>
  Effect.async<ProcessResult, Error>((resume) => {
    const child = spawn(process.execPath, ["--import", "tsx", "packages/workers/src/bin/main.ts"], {
      cwd: repoRoot,
      // A clean environment: nothing from CI (DATABASE_URL...) leaks in.
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      resume(Effect.fail(new Error(`main did not exit within ${timeoutMs} ms; stderr so far: ${stderr}`)))
    }, timeoutMs)
    child.on("error", (error) => {
      clearTimeout(timer)
      resume(Effect.fail(error))
    })
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      resume(Effect.succeed({ code, signal, stdout, stderr }))
    })
    return Effect.sync(() => {
      clearTimeout(timer)
      child.kill("SIGKILL")
    })
  })

describe("bin/main.ts", () => {
  it.scopedLive("PORT=abc: exits non-zero quickly with one line on stderr naming PORT", () =>
    Effect.gen(function*() {
      const dataDir = yield* Effect.acquireRelease(
        Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "ms-config-test-"))),
        (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
      )
      // tsx compiles on the fly; a config error must not wait for anything else (no database start).
      const result = yield* runMain({ PORT: "abc", DATA_DIR: dataDir }, 20_000)
      const lines = result.stderr.split("\n").filter((line) => line.trim() !== "")
      expect(lines, `stderr: ${result.stderr}`).toHaveLength(1)
      expect(lines[0]).toMatch(/^Invalid configuration: PORT: /)
      expect(result.signal).toBeNull()
      expect(result.code, `exit code; stderr: ${result.stderr}`).not.toBe(0)
      // Nothing was started: the embedded database did not create files in DATA_DIR.
      expect(yield* Effect.promise(() => Fs.readdir(dataDir))).toEqual([])
    }), 30_000)
})
