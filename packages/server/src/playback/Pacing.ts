/**
 * The two timing rules of a playback session's entity, as plain functions so they are tested alone:
 * keep ffmpeg at most PLAYBACK_THROTTLE_SEGMENTS ahead of the player, and stop a session with no
 * activity (heartbeat or stream request) for PLAYBACK_IDLE_TIMEOUT.
 */
import { Duration } from "effect"

/** What to do with a run's ffmpeg: suspend it beyond the limit ahead, resume it below, else leave it. */
export const throttleStep = (
  lastProduced: number,
  lastRequested: number,
  aheadLimit: number,
  suspended: boolean
): "suspend" | "resume" | "keep" => {
  const ahead = lastProduced - lastRequested >= aheadLimit
  if (ahead && !suspended) return "suspend"
  if (!ahead && suspended) return "resume"
  return "keep"
}

/** A session is idle once more than the timeout has passed since its last activity (times in ms). */
export const isIdle = (lastActiveMs: number, nowMs: number, idleTimeout: Duration.Duration): boolean =>
  nowMs - lastActiveMs > Duration.toMillis(idleTimeout)
