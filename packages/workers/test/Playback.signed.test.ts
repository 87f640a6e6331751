/**
 * Signed stream URLs, as a native player or cast device uses them: the master playlist and everything
 * it names fetched by URL alone (no header, no cookie); the token opens only its own session's stream,
 * only while the session is active, and is refused everywhere else.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { request } from "@mediaserver/testkit/Http"
import { TestMedia } from "@mediaserver/testkit/TestMedia"
import { libraryNode } from "@mediaserver/testkit/LibraryNode"
import { createSession, getSession, playableMovies, tempDir, uris } from "@mediaserver/testkit/PlaybackNode"

const bare = (url: string, headers: Record<string, string> = {}) =>
  Effect.promise(async () => {
    const res = await fetch(url, { headers })
    return { status: res.status, text: new TextDecoder().decode(new Uint8Array(await res.arrayBuffer())) }
  })

describe("signed stream URLs", () => {
  it.scopedLive("a player fetches the whole stream by URL alone; the token is good for its session's stream and nothing else", () =>
    Effect.gen(function* () {
      const media = yield* TestMedia.files
      const transcodes = yield* tempDir("ms-tx-")
      const { url, sql, admin } = yield* libraryNode("playback_signed", { PLAYBACK_SEGMENT_SECONDS: "2", PLAYBACK_TRANSCODE_DIR: transcodes })
      const { movies } = yield* playableMovies(url, admin, sql, { Multi: media.multiTrackMkv, Clip: media.mp4 }, {
        "Multi (2020)/Multi (2020).en.srt": { copyOf: media.srt }
      })
      const browser = { containers: ["mp4"], videoCodecs: ["h264"], audioCodecs: ["aac"] }
      const remux = yield* createSession(url, admin, { item: { _tag: "movie", id: movies["Multi"] }, client: browser, startSeconds: 0 })
      const direct = yield* createSession(url, admin, { item: { _tag: "movie", id: movies["Clip"] }, client: browser })
      const urls = (yield* getSession(url, admin, remux.id)).urls
      expect(urls.signedMaster).toMatch(new RegExp(`^/api/v1/playback/signed/${remux.id}\\.[A-Za-z0-9_-]{43}/master\\.m3u8$`))
      expect(urls.signedDirect).toBeNull()

      // Everything the master names, and everything those name, by URL alone.
      const master = new URL(urls.signedMaster ?? "", url)
      const fetched: Array<string> = []
      const crawl = (at: URL): Effect.Effect<void> =>
        Effect.gen(function* () {
          const res = yield* bare(at.href)
          expect(res.status, at.pathname).toBe(200)
          fetched.push(at.pathname.split("/").slice(6).join("/"))
          if (!at.pathname.endsWith(".m3u8")) return
          const named = [...uris(res.text), ...[...res.text.matchAll(/URI="([^"]+)"/g)].map((m) => m[1] ?? "")]
          for (const name of new Set(named)) yield* crawl(new URL(name, at))
        })
      yield* crawl(master)
      expect(fetched).toEqual(expect.arrayContaining([
        "master.m3u8", "original/index.m3u8", "original/0.ts", "original/2.ts", "subtitles/0.m3u8", "subtitles/1.vtt",
        "audio/2.m3u8", "audio/2.0.ts"
      ]))
      expect(direct.urls.signedMaster).toBeNull()
      const range = yield* Effect.promise(() => fetch(`${url}${direct.urls.signedDirect ?? ""}`, { headers: { range: "bytes=0-99" } }))
      expect(range.status).toBe(206)

      // Refused: another session's id with this token, a changed token, the token as a credential anywhere else.
      const token = master.pathname.split("/")[5]?.split(".")[1] ?? ""
      const refusals = [
        `${url}/api/v1/playback/signed/${direct.id}.${token}/direct`,
        `${url}/api/v1/playback/signed/${remux.id}.${token.slice(0, -2)}xx/master.m3u8`,
        `${url}/api/v1/playback/signed/${remux.id}/master.m3u8`,
        `${url}/api/v1/playback/stream/${remux.id}/master.m3u8?token=${token}`
      ]
      for (const refused of refusals) {
        const res = yield* bare(refused)
        expect(res.status, refused).toBe(401)
        expect(res.text).not.toContain(token)
      }
      for (const path of [`/api/v1/playback/sessions/${remux.id}`, `/api/v1/playback/stream/${remux.id}/master.m3u8`, "/api/v1/libraries"]) {
        for (const credential of [token, `${remux.id}.${token}`]) {
          expect((yield* bare(`${url}${path}`, { authorization: `Bearer ${credential}` })).status, path).toBe(401)
        }
      }

      // It ends with its session.
      expect((yield* request(url, "DELETE", `/api/v1/playback/sessions/${remux.id}`, { auth: admin })).status).toBe(204)
      expect((yield* bare(master.href)).status).toBe(401)
    }), { timeout: 120_000 })
})
