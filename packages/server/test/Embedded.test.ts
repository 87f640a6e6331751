import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { spawnNode, waitFor200 } from "@mediaserver/testkit/NodeProcess"

const ping = (url: string, id: string) =>
  Effect.promise(async () => {
    const res = await fetch(`${url}/api/v1/system/ping/${id}`, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" }
    })
    return { status: res.status, body: await res.json() }
  })

describe("embedded mode (PGlite + SingleRunner)", () => {
  it.scopedLive("starts with no database installed, serves the entity ping, stops cleanly and keeps its data", () =>
    Effect.gen(function* () {
      const dataDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "ms-embedded-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(dataDir, { recursive: true, force: true })))

      const first = yield* spawnNode({ DATA_DIR: dataDir })
      yield* waitFor200(first, "/readyz", Duration.seconds(60))

      const info = yield* Effect.promise(() => fetch(`${first.url}/api/v1/system/info`).then((r) => r.json()))
      expect(info.embedded).toBe(true)
      expect((yield* ping(first.url, "kept")).body.count).toBe(1)
      expect((yield* ping(first.url, "kept")).body.count).toBe(2)

      // Ctrl-C: a clean exit that releases the data directory.
      yield* first.signal("SIGINT")
      expect(yield* first.exited).toBe(0)
      expect(Fs.existsSync(Path.join(dataDir, "server.lock"))).toBe(false)

      const second = yield* spawnNode({ DATA_DIR: dataDir })
      yield* waitFor200(second, "/readyz", Duration.seconds(60))
      const again = yield* ping(second.url, "kept")
      expect(again.status).toBe(200)
      expect(again.body.count).toBe(3)
    }), { timeout: 150_000 })

  it.scopedLive("refuses a data directory another live process holds", () =>
    Effect.gen(function* () {
      const dataDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "ms-embedded-lock-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(dataDir, { recursive: true, force: true })))
      const owner = yield* spawnNode({ DATA_DIR: dataDir })
      yield* waitFor200(owner, "/readyz", Duration.seconds(60))
      const intruder = yield* spawnNode({ DATA_DIR: dataDir })
      expect(yield* intruder.exited).not.toBe(0)
      expect(intruder.output()).toMatch(/data directory is in use by process/)
      // The owner is unharmed.
      yield* waitFor200(owner, "/readyz", Duration.seconds(5))
    }), { timeout: 150_000 })
})
