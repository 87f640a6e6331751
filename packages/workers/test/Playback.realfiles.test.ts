/**
 * Files made the ways real ones come, beyond the keyframe intervals of Playback.keyframes: every frame
 * numbered in the picture (FrameCode), a keyframe every 10.4 s with B-frames, and a variable frame
 * rate (30 fps, then 10) with sparse keyframes. The remuxed segments, decoded in a row, show each source
 * frame exactly once and in order; hls.js in headless Chromium plays each through in the source's
 * duration. A film with an embedded and an external subtitle: hls.js offers both, shows the cues of
 * each, and plays through.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { codedClip, frameCodes } from "@mediaserver/testkit/FrameCode"
import { libraryNode } from "@mediaserver/testkit/LibraryNode"
import { createSession, fetchRaw, playableMovies, tempDir, uris, writeTemp } from "@mediaserver/testkit/PlaybackNode"
import { eventually } from "@mediaserver/testkit/Poll"
import { TestMedia } from "@mediaserver/testkit/TestMedia"
import { browserPage, playThrough } from "./support/Browser.js"

/** Plays H.264/AAC but not the files' containers: a remux. */
const client = { containers: ["webm"], videoCodecs: ["h264"], audioCodecs: ["aac"] }

const srt = (text: string) => `1\n00:00:00,500 --> 00:00:03,000\n${text}\n\n2\n00:00:04,000 --> 00:00:06,000\n${text}, again\n`

describe("real-world files through a real player", () => {
  it.scopedLive("sparse keyframes and a variable frame rate: every frame once, in order; hls.js plays each through", () =>
    Effect.gen(function* () {
      const media = yield* tempDir("ms-real-")
      const out = yield* tempDir("ms-real-seg-")
      const clips = {
        Sparse: yield* codedClip(media, "sparse", { seconds: 20, rate: 24, gop: 250, container: "mp4" }),
        Vfr: yield* codedClip(media, "vfr", { seconds: 12, rate: 30, gop: 250, vfr: true, container: "mkv" })
      }
      const { url, sql, admin } = yield* libraryNode("playback_realfiles", { PLAYBACK_SEGMENT_SECONDS: "3" })
      const { movies } = yield* playableMovies(url, admin, sql, clips)
      const page = yield* browserPage(url)
      const token = "token" in admin ? admin.token : ""
      for (const [name, clip] of Object.entries(clips)) {
        const duration = Number((yield* TestMedia.probe(clip)).format.duration)
        const source = yield* frameCodes(clip)
        // The clip is what it claims: frames numbered from 0, and for VFR, gaps after 4 s.
        expect(source.slice(0, 3)).toEqual([0, 1, 2])
        if (name === "Vfr") expect(source.slice(121, 124)).toEqual([123, 126, 129])
        const session = yield* createSession(url, admin, { item: { _tag: "movie", id: movies[name] }, client, startSeconds: 0 })
        expect(session.decision.method).toBe("remux")
        const base = `/api/v1/playback/stream/${session.id}/original`
        const playlist = (yield* fetchRaw(url, `${base}/index.m3u8`, admin)).text
        const segments = yield* Effect.forEach(uris(playlist), (segment) =>
          Effect.map(fetchRaw(url, `${base}/${segment}`, admin), (f) => {
            expect(f.status, `${name} ${segment}: ${f.status === 200 ? "" : f.text}`).toBe(200)
            return f.bytes
          }))
        const whole = yield* writeTemp(out, `${name}.ts`, Buffer.concat(segments))
        expect(yield* frameCodes(whole), `${name}: the segments hold every frame once, in order`).toEqual(source)

        const played = yield* playThrough(page, session.urls.master ?? "", token, name)
        expect(Math.abs(played.currentTime - duration), `${name} end time`).toBeLessThan(0.5)
        expect(Math.abs(played.played - duration), `${name} played`).toBeLessThan(0.5)
      }
    }), { timeout: 360_000 })

  it.scopedLive("embedded and external subtitles: hls.js offers both, shows each one's cues and plays through", () =>
    Effect.gen(function* () {
      const media = yield* tempDir("ms-subs-")
      const base = yield* codedClip(media, "base", { seconds: 8, rate: 24, gop: 96, container: "mp4" })
      const embeddedSrt = Path.join(media, "embedded.srt")
      const externalSrt = Path.join(media, "external.srt")
      Fs.writeFileSync(embeddedSrt, srt("Embedded line"))
      Fs.writeFileSync(externalSrt, srt("External line"))
      const film = Path.join(media, "subs.mkv")
      yield* TestMedia.exec(yield* TestMedia.ffmpegPath, [
        "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", base, "-i", embeddedSrt,
        "-map", "0", "-map", "1", "-c", "copy", "-c:s", "srt", "-metadata:s:s:0", "language=eng", film
      ])
      const duration = Number((yield* TestMedia.probe(film)).format.duration)
      const { url, sql, admin } = yield* libraryNode("playback_subtitles", { PLAYBACK_SEGMENT_SECONDS: "2" })
      const { movies } = yield* playableMovies(url, admin, sql, { Subs: film }, { "Subs (2020)/Subs (2020).fr.srt": { copyOf: externalSrt } })
      const session = yield* createSession(url, admin, { item: { _tag: "movie", id: movies["Subs"] }, client, startSeconds: 0, subtitle: 0 })
      expect(session.subtitles.map((s) => [s.id, s.external, s.delivery])).toEqual([[0, false, "webvtt"], [1, true, "webvtt"]])
      const page = yield* browserPage(url)
      const token = "token" in admin ? admin.token : ""
      const played = yield* playThrough(page, session.urls.master ?? "", token, "Subs")
      expect(Math.abs(played.currentTime - duration)).toBeLessThan(0.5)
      expect(Math.abs(played.played - duration)).toBeLessThan(0.5)

      /** The cue texts of the track hls.js shows, once it has some. */
      const shownCues = (what: string) =>
        eventually(
          Effect.promise(() => page.evaluate(() => {
            const tracks = Array.from(document.querySelector("video")?.textTracks ?? [])
            return {
              offered: window.player?.subtitleTracks.length ?? 0,
              cues: tracks.filter((t) => t.mode === "showing").flatMap((t) => Array.from(t.cues ?? []).map((c) => "text" in c ? String(c.text) : ""))
            }
          })),
          (state) => state.cues.length >= 2,
          { what, timeout: Duration.seconds(30), interval: Duration.millis(200) }
        )
      const embedded = yield* shownCues("the embedded track's cues")
      expect(embedded.offered).toBe(2)
      expect(embedded.cues).toEqual(["Embedded line", "Embedded line, again"])
      yield* Effect.promise(() => page.evaluate(() => {
        if (window.player !== undefined) window.player.subtitleTrack = 1
      }))
      const external = yield* eventually(shownCues("the external track's cues"), (state) => state.cues[0] === "External line",
        { what: "switched to the external track", timeout: Duration.seconds(30), interval: Duration.millis(200) })
      expect(external.cues).toEqual(["External line", "External line, again"])
    }), { timeout: 180_000 })
})
