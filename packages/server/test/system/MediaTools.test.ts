/**
 * ffmpeg and ffprobe found (or not) at start-up: a wrong FFMPEG_PATH shows in /readyz (degraded, naming
 * the tool) and in the system info, while the tool that is there reports its version.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { request } from "@mediaserver/testkit/Http"
import { startServerWithDatabase } from "@mediaserver/testkit/TestServer"
import { describeTools, versionOf } from "../../src/system/MediaTools.js"
import { MediaToolStatus } from "@mediaserver/domain"

describe("media tools", () => {
  it("version line and the start-up line", () => {
    expect(versionOf("ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026")).toBe("5.1.9-0+deb12u1")
    expect(versionOf("nonsense")).toBeNull()
    const ok = new MediaToolStatus({ tool: "ffprobe", path: "/usr/bin/ffprobe", source: "path", version: "5.1", error: null })
    const missing = new MediaToolStatus({ tool: "ffmpeg", path: "/x/ffmpeg", source: "env", version: null, error: "spawn /x/ffmpeg ENOENT" })
    const nowhere = new MediaToolStatus({ tool: "ffmpeg", path: "ffmpeg", source: "none", version: null, error: "spawn ffmpeg ENOENT" })
    expect(describeTools([ok])).toBe("Media tools: ffprobe 5.1 (/usr/bin/ffprobe, from PATH)")
    expect(describeTools([nowhere])).toMatch(/^Media tools missing: ffmpeg \(not on PATH, no packaged binary; set FFMPEG_PATH/)
    expect(describeTools([missing, ok])).toMatch(/^Media tools missing: ffmpeg at \/x\/ffmpeg \(spawn \/x\/ffmpeg ENOENT; set FFMPEG_PATH or install it\); found ffprobe 5\.1/)
  })

  it.scopedLive("a wrong FFMPEG_PATH: /readyz is degraded naming ffmpeg; the system info shows both tools", () =>
    Effect.gen(function* () {
      const { url } = yield* startServerWithDatabase({ FFMPEG_PATH: "/nonexistent/ffmpeg" })
      const ready = yield* request(url, "GET", "/readyz")
      expect(ready.status).toBe(200)
      expect(ready.body).toMatchObject({ status: "degraded" })
      const checks = JSON.stringify(ready.body)
      expect(checks).toMatch(/"ffmpeg":"missing: [^"]*\/nonexistent\/ffmpeg/)
      expect(checks).toMatch(/"ffprobe":"ok \d/)
      const info = yield* request(url, "GET", "/api/v1/system/info")
      expect(info.body).toMatchObject({
        mediaTools: [
          { tool: "ffmpeg", path: "/nonexistent/ffmpeg", source: "env", version: null },
          { tool: "ffprobe", source: "path", error: null }
        ]
      })
    }), { timeout: 60_000 })
})
