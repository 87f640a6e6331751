/** A session's ffmpeg throttle and idle timeout. */
import { describe, expect, it } from "@effect/vitest"
import { Duration } from "effect"
import { isIdle, throttleStep } from "../../src/playback/Pacing.js"

describe("playback pacing", () => {
  it("ffmpeg is suspended once it is the limit ahead of the player, resumed when the player catches up", () => {
    // limit 5 segments: produced 14 while the player asked for 10 is 4 ahead.
    expect(throttleStep(14, 10, 5, false)).toBe("keep")
    expect(throttleStep(15, 10, 5, false)).toBe("suspend")
    expect(throttleStep(15, 10, 5, true)).toBe("keep")
    expect(throttleStep(15, 11, 5, true)).toBe("resume")
    expect(throttleStep(14, 10, 5, true)).toBe("resume")
    // A seek backwards (requested beyond produced) never suspends.
    expect(throttleStep(3, 40, 5, false)).toBe("keep")
  })

  it("a session is idle only after more than the timeout without activity", () => {
    const timeout = Duration.minutes(2)
    expect(isIdle(1_000, 1_000 + 120_000, timeout)).toBe(false)
    expect(isIdle(1_000, 1_000 + 120_001, timeout)).toBe(true)
    expect(isIdle(1_000, 1_000, timeout)).toBe(false)
  })
})
