import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { jobExecutionId, jobWorkflow } from "../../src/jobs/JobWorkflow.js"

describe("job execution ids", () => {
  it.effect("the synchronous id is the engine's own", () =>
    Effect.gen(function* () {
      for (const [kind, runId] of [["jobs.noop", "5b0c1b5e-6e0f-4b44-9d6c-3f1c2a3b4c5d"], ["library.scan", "x"]] as const) {
        const engine = yield* jobWorkflow(kind).executionId({ runId, payload: { any: "thing" } })
        expect(jobExecutionId(kind, runId)).toBe(engine)
      }
    }))
})
