/** Job backoff: base * 2^(attempt-1) capped at max, plus up to 25% jitter, never below a Retry-After. */
import { describe, expect, it } from "@effect/vitest"
import { Duration } from "effect"
import { backoffDelay } from "../src/index.js"

const backoff = { base: Duration.seconds(30), max: Duration.minutes(10) }
const ms = (attempt: number, random: number, retryAfterMs?: number) =>
  Duration.toMillis(backoffDelay(backoff, attempt, random, retryAfterMs))

describe("job backoff", () => {
  it("doubles from the base per attempt and stops at the max", () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((attempt) => ms(attempt, 0))).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 600_000, 600_000])
  })

  it("jitter adds up to a quarter, and stays within [0, 1) of it whatever random says", () => {
    expect(ms(2, 0.5)).toBe(67_500)
    expect(ms(2, 0.999)).toBeLessThanOrEqual(75_000)
    expect(ms(2, 7)).toBe(75_000)
    expect(ms(2, -1)).toBe(60_000)
  })

  it("a Retry-After longer than the backoff wins; a shorter one does not shorten it", () => {
    expect(ms(1, 0, 90_000)).toBe(90_000)
    expect(ms(3, 0, 1_000)).toBe(120_000)
  })
})
