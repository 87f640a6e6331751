import { describe, expect, it } from "@effect/vitest"
import { isDiscard, JobPayloadInvalid } from "@mediaserver/domain"
import { Cause, Effect, Exit, Option } from "effect"
import { refusedPayload } from "../../src/metadata/MetadataItems.js"

describe("a refresh whose job payload does not encode", () => {
  it.effect("is a typed 422 naming the field, a Discard, not a defect", () =>
    Effect.gen(function* () {
      const invalid = new JobPayloadInvalid({ kind: "metadata.refresh_movie", message: "movieId: expected string" })
      const exit = yield* Effect.exit(refusedPayload(Effect.fail(invalid)))
      expect(Exit.isFailure(exit) && Cause.isDie(exit.cause)).toBe(false)
      const failure = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
      expect(Option.getOrNull(failure)).toMatchObject({ _tag: "Unprocessable", details: { field: "id", reason: "payload_invalid" } })
      expect(Option.exists(failure, isDiscard)).toBe(true)
      // Where it is not mapped (a job enqueueing others) it discards at once too: retrying cannot fix it.
      expect(isDiscard(invalid)).toBe(true)
    }))
})
