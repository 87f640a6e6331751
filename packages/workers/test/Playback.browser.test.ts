/**
 * A real client: headless Chromium (Debian's `chromium`, or CHROMIUM_PATH) plays the HLS stream with
 * hls.js, for a remux and a transcode, until `currentTime` passes 2 s.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { eventually } from "@mediaserver/testkit/Poll"
import { TestMedia } from "@mediaserver/testkit/TestMedia"
import { browserPage, startPlayer } from "./support/Browser.js"
import { libraryNode } from "@mediaserver/testkit/LibraryNode"
import { createSession, fetchRaw, playableMovies, tempDir, uris, writeTemp } from "@mediaserver/testkit/PlaybackNode"

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
        yield* startPlayer(page, session.urls.master ?? "", token)
        const played = yield* eventually(
          Effect.promise(() => page.evaluate(() => document.querySelector("video")?.currentTime ?? 0)),
          (t) => t > 2,
          { what: `${method}: currentTime past 2 s`, timeout: Duration.seconds(30), interval: Duration.millis(100) }
        )
        expect(played).toBeGreaterThan(2)
      }
    }), { timeout: 120_000 })

  it.scopedLive("two languages: the other audio track is a rendition hls.js offers, switches to and plays", () =>
    Effect.gen(function* () {
      const media = yield* TestMedia.files
      const transcodes = yield* tempDir("ms-tx-")
      const out = yield* tempDir("ms-seg-")
      const { url, sql, admin } = yield* libraryNode("playback_audio", { PLAYBACK_SEGMENT_SECONDS: "2", PLAYBACK_TRANSCODE_DIR: transcodes })
      const { movies } = yield* playableMovies(url, admin, sql, { Multi: media.multiTrackMkv })
      const session = yield* createSession(url, admin, {
        item: { _tag: "movie", id: movies["Multi"] }, client: { containers: ["mp4"], videoCodecs: ["h264"], audioCodecs: ["aac"] }, startSeconds: 0
      })
      expect(session.decision.method).toBe("remux")
      const base = `/api/v1/playback/stream/${session.id}`
      const master = (yield* fetchRaw(url, `${base}/master.m3u8`, admin)).text
      const renditions = master.split("\n").filter((l) => l.startsWith("#EXT-X-MEDIA:TYPE=AUDIO"))
      expect(renditions).toHaveLength(2)
      expect(renditions[0]).toMatch(/LANGUAGE="eng",DEFAULT=YES/)
      expect(renditions[1]).toMatch(/LANGUAGE="fra",DEFAULT=NO,AUTOSELECT=YES,URI="audio\/2\.m3u8"/)
      // The French track's segments: audio only, as long as the video's.
      const list = (yield* fetchRaw(url, `${base}/audio/2.m3u8`, admin)).text
      const video = (yield* fetchRaw(url, `${base}/original/index.m3u8`, admin)).text
      expect(list.match(/#EXTINF:[\d.]+/g)).toEqual(video.match(/#EXTINF:[\d.]+/g))
      for (const name of uris(list)) {
        const segment = yield* fetchRaw(url, `${base}/audio/${name}`, admin)
        expect(segment.status).toBe(200)
        const probed = yield* TestMedia.probe(yield* writeTemp(out, name, segment.bytes))
        expect([...new Set(probed.streams.map((s) => `${s.codec_type}:${s.codec_name}`))]).toEqual(["audio:aac"])
      }

      const token = "token" in admin ? admin.token : ""
      const page = yield* browserPage(url)
      yield* Effect.promise(() =>
        page.evaluate(({ master, token }) => {
          const video = document.createElement("video")
          video.muted = true
          document.body.appendChild(video)
          const loaded: Array<string> = []
          Object.assign(window, { loaded })
          const hls = new window.Hls({
            xhrSetup: (xhr: XMLHttpRequest, url: string) => {
              loaded.push(url)
              xhr.setRequestHeader("Authorization", `Bearer ${token}`)
            }
          })
          Object.assign(window, { hls })
          hls.on(window.Hls.Events.AUDIO_TRACKS_UPDATED, () => {
            if (hls.audioTracks.length > 1 && hls.audioTrack !== 1) hls.audioTrack = 1
          })
          hls.loadSource(master)
          hls.attachMedia(video)
          void video.play()
        }, { master: `${base}/master.m3u8`, token }))
      const state = yield* eventually(
        Effect.promise(() => page.evaluate(() => ({
          time: document.querySelector("video")?.currentTime ?? 0,
          tracks: "hls" in window && window.hls instanceof window.Hls ? window.hls.audioTracks.map((t) => t.lang ?? "") : [],
          loaded: "loaded" in window && Array.isArray(window.loaded) ? window.loaded.map(String) : []
        }))),
        (s) => s.time > 3,
        { what: "played past 3 s on the French track", timeout: Duration.seconds(30), interval: Duration.millis(100) }
      )
      expect(state.tracks).toEqual(["eng", "fra"])
      expect(state.loaded.some((u) => u.includes("/audio/2.1.ts")), state.loaded.join(" ")).toBe(true)
    }), { timeout: 120_000 })
})
