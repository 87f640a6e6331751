import { describe, expect, it } from "@effect/vitest"
import { Data, Effect } from "effect"
import { runToCompletion } from "../../src/system/Process.js"

class CannotStart extends Data.TaggedError("CannotStart")<{ readonly message: string }> {}
class Failed extends Data.TaggedError("Failed")<{ readonly stderr: string; readonly status: string }> {}

const sh = (script: string, maxOutput = 1024 * 1024) =>
  runToCompletion({
    binary: "/bin/sh",
    args: ["-c", script],
    maxOutput,
    cannotStart: (message) => new CannotStart({ message }),
    failed: (stderr, status) => new Failed({ stderr, status })
  })

describe("runToCompletion", () => {
  it.effect("returns all of stdout, past the pipe's buffer", () =>
    Effect.gen(function* () {
      const out = yield* sh("head -c 300000 /dev/zero")
      expect(out.length).toBe(300000)
    }))

  it.effect("a failing run is `failed` with its exit code and stderr; a missing binary is `cannotStart`", () =>
    Effect.gen(function* () {
      expect(yield* Effect.flip(sh("echo bad input >&2; exit 3"))).toMatchObject({ _tag: "Failed", stderr: "bad input\n", status: "exit code 3" })
      const missing = yield* Effect.flip(runToCompletion({
        binary: "/nonexistent/tool", args: [], maxOutput: 10, cannotStart: (message) => new CannotStart({ message }), failed: () => new Failed({ stderr: "", status: "" })
      }))
      expect(missing).toMatchObject({ _tag: "CannotStart" })
      expect(missing.message).toContain("ENOENT")
    }))

  it.effect("more output than the cap fails the run instead of holding it all", () =>
    Effect.gen(function* () {
      expect(yield* Effect.flip(sh("head -c 100000 /dev/zero", 1000))).toMatchObject({ _tag: "Failed", status: "output over 1000 bytes" })
    }))
})
