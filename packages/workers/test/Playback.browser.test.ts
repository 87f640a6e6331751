/**
 * A real client: headless Chromium (Debian's `chromium`, or CHROMIUM_PATH) plays the HLS stream with
 * hls.js, for a remux and a transcode, until `currentTime` passes 2 s.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { eventually } from "@mediaserver/testkit/Poll"
import { TestMedia } from "@mediaserver/testkit/TestMedia"
import { browserPage } from "./support/Browser.js"
import { libraryNode } from "@mediaserver/testkit/LibraryNode"
import { createSession, playableMovies, tempDir } from "@mediaserver/testkit/PlaybackNode"

describe("playback in a browser", () => {
  it.scopedLive("hls.js in headless Chromium plays remux and transcode past 2 s", () =>
    Effect.gen(function* () {
      const media = yield* TestMedia.files
      const transcodes = yield* tempDir("ms-tx-")
      const { url, sql, admin } = yield* libraryNode("playback_browser", { PLAYBACK_SEGMENT_SECONDS: "2", PLAYBACK_TRANSCODE_DIR: transcodes })
      const { movies } = yield* playableMovies(url, admin, sql, { Multi: media.multiTrackMkv })
      const token = "token" in admin ? admin.token : ""
      const page = yield* browserPage(url)
      const clients = {
        remux: { containers: ["mp4"], videoCodecs: ["h264"], audioCodecs: ["aac"] },
        transcode: { containers: ["mp4"], videoCodecs: ["vp9"], audioCodecs: ["aac"] }
      }
      for (const [method, client] of Object.entries(clients)) {
        const session = yield* createSession(url, admin, { item: { _tag: "movie", id: movies["Multi"] }, client, startSeconds: 0 })
        expect(session.decision.method).toBe(method)
        yield* Effect.promise(() =>
          page.evaluate(({ master, token }) => {
            document.querySelector("video")?.remove()
            const video = document.createElement("video")
            video.muted = true
            document.body.appendChild(video)
            const hls = new window.Hls({ xhrSetup: (xhr: XMLHttpRequest) => xhr.setRequestHeader("Authorization", `Bearer ${token}`) })
            hls.loadSource(master)
            hls.attachMedia(video)
            void video.play()
          }, { master: session.urls.master ?? "", token }))
        const played = yield* eventually(
          Effect.promise(() => page.evaluate(() => document.querySelector("video")?.currentTime ?? 0)),
          (t) => t > 2,
          { what: `${method}: currentTime past 2 s`, timeout: Duration.seconds(30), interval: Duration.millis(100) }
        )
        expect(played).toBeGreaterThan(2)
      }
    }), { timeout: 120_000 })
})
