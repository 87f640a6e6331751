/**
 * Effect's clock with the time of day fixed (sleeps, timers and nanosecond timing stay real), for
 * code that reads the time through `Clock`: a test gives it the time it means instead of racing the
 * real one across a boundary (a TOTP step, a uniqueness period).
 */
import { Clock, Effect } from "effect"

const live = Clock.make()

export const fixedClock = (millis: number): Clock.Clock => ({
  [Clock.ClockTypeId]: Clock.ClockTypeId,
  unsafeCurrentTimeMillis: () => millis,
  currentTimeMillis: Effect.succeed(millis),
  unsafeCurrentTimeNanos: () => live.unsafeCurrentTimeNanos(),
  currentTimeNanos: live.currentTimeNanos,
  sleep: (duration) => live.sleep(duration)
})
