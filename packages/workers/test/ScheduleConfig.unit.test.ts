import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Cron, Effect, Either } from "effect"
import { JobScheduleTable, OVERRIDES_KEY, resolveSchedules, scheduleConfig } from "@mediaserver/server/jobs"

const read = (overrides?: string) =>
  Effect.withConfigProvider(
    Effect.either(scheduleConfig),
    ConfigProvider.fromMap(new Map(overrides === undefined ? [] : [[OVERRIDES_KEY, overrides]]))
  )

describe("schedule config", () => {
  it("the table as declared: eight schedules, run on start for auth cleanup only", () => {
    const schedules = Either.getOrElse(resolveSchedules(JobScheduleTable), () => [])
    expect(schedules.map((s) => [s.name, s.runOnStart])).toEqual([
      ["auth.cleanup", true],
      ["activity.cleanup", false],
      ["events.cleanup", false],
      ["scan_history.cleanup", false],
      ["playback.health", false],
      ["jobs.retention", false],
      ["statistics.aggregate", false],
      ["arr.sync_all", false]
    ])
    const health = schedules.find((s) => s.name === "playback.health")
    expect(health && Cron.next(health.cron, new Date("2026-01-01T10:02:00Z")).toISOString()).toBe("2026-01-01T10:05:00.000Z")
  })

  it.effect("overrides replace fields of a table entry and add new entries (seconds allowed)", () =>
    Effect.gen(function* () {
      const overrides = { "jobs.retention": { cron: "15 * * * *" }, tick: { kind: "jobs.noop", cron: "* * * * * *" } }
      const schedules = Either.getOrElse(yield* read(JSON.stringify(overrides)), () => [])
      const retention = schedules.find((s) => s.name === "jobs.retention")
      expect(retention?.runOnStart).toBe(false)
      expect(retention && Cron.next(retention.cron, new Date("2026-01-01T10:20:00Z")).toISOString()).toBe("2026-01-01T11:15:00.000Z")
      const tick = schedules.find((s) => s.name === "tick")
      expect(tick && Cron.next(tick.cron, new Date("2026-01-01T10:20:00.300Z")).toISOString()).toBe("2026-01-01T10:20:01.000Z")
    }))

  it.effect("a bad cron, an unknown kind, a new entry without kind, bad JSON: a ConfigError at start-up", () =>
    Effect.gen(function* () {
      for (const bad of [
        JSON.stringify({ "jobs.retention": { cron: "every hour" } }),
        JSON.stringify({ tick: { kind: "no.such.kind", cron: "* * * * *" } }),
        JSON.stringify({ tick: { cron: "* * * * *" } }),
        "{not json"
      ]) {
        const result = yield* read(bad)
        expect(Either.isLeft(result), bad).toBe(true)
      }
    }))
})
