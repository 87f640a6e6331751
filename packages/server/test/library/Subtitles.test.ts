import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { externalSubtitles, matchSubtitles, parseSubtitleName } from "../../src/library/Subtitles.js"
import { TestMedia } from "@mediaserver/testkit/TestMedia"

const flags = { default: false, forced: false }

describe("external subtitles", () => {
  it("reads language and flags from the name", () => {
    expect(parseSubtitleName("Movie", "Movie.en.srt")).toEqual({ codec: "subrip", language: "eng", title: null, ...flags })
    expect(parseSubtitleName("Movie", "Movie.eng.forced.srt"))
      .toEqual({ codec: "subrip", language: "eng", title: null, default: false, forced: true })
    expect(parseSubtitleName("Movie", "Movie.fr.default.ass"))
      .toEqual({ codec: "ass", language: "fra", title: null, default: true, forced: false })
    expect(parseSubtitleName("Movie", "Movie.srt")).toEqual({ codec: "subrip", language: null, title: null, ...flags })
    expect(parseSubtitleName("Movie", "Movie.pt-BR.srt")?.language).toBe("por")
    expect(parseSubtitleName("Movie", "Movie.fre.vtt")).toMatchObject({ codec: "webvtt", language: "fra" })
    expect(parseSubtitleName("Movie", "Movie.German.FORCED.ssa")).toMatchObject({ codec: "ssa", language: "deu", forced: true })
    expect(parseSubtitleName("Movie", "Movie.en.sdh.srt")).toMatchObject({ language: "eng", title: "sdh" })
    expect(parseSubtitleName("Movie", "movie.EN.SRT")).toMatchObject({ codec: "subrip", language: "eng" })
  })

  it("only subtitle extensions, only names of this video", () => {
    expect(parseSubtitleName("Movie", "Movie.nfo")).toBeNull()
    expect(parseSubtitleName("Movie", "Movie.en.txt")).toBeNull()
    expect(parseSubtitleName("Movie", "Movie 2.en.srt")).toBeNull()
    expect(parseSubtitleName("Movie", "Moviemaker.srt")).toBeNull()
    expect(parseSubtitleName("Movie", "Other.en.srt")).toBeNull()
  })

  it("`.sub` is VobSub when an `.idx` sits beside it, MicroDVD otherwise", () => {
    expect(parseSubtitleName("Movie", "Movie.en.sub", new Set(["Movie.en.idx"]))?.codec).toBe("dvd_subtitle")
    expect(parseSubtitleName("Movie", "Movie.en.sub")?.codec).toBe("microdvd")
  })

  it("matches a directory listing in name order, with paths", () => {
    const subs = matchSubtitles("/m/Film (2020)/Film (2020).mkv", [
      "Film (2020).mkv", "Film (2020).nfo", "Film (2020).fr.srt", "Film (2020).en.forced.srt", "poster.jpg"
    ])
    expect(subs.map((s) => [s.language, s.forced, s.external, s.index, s.path])).toEqual([
      ["eng", true, true, null, "/m/Film (2020)/Film (2020).en.forced.srt"],
      ["fra", false, true, null, "/m/Film (2020)/Film (2020).fr.srt"]
    ])
  })

  it.scopedLive("lists the files beside a video in a temp dir", () =>
    Effect.gen(function*() {
      const dir = yield* Effect.acquireRelease(
        Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "ms-subtitles-test-"))),
        (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
      )
      const files = yield* TestMedia.files
      const video = Path.join(dir, "multitrack.mkv")
      yield* Effect.promise(async () => {
        await Fs.symlink(files.multiTrackMkv, video)
        await Fs.copyFile(files.srt, Path.join(dir, "multitrack.en.srt"))
        await Fs.writeFile(Path.join(dir, "multitrack.fr.default.ass"), "[Script Info]\n")
        await Fs.writeFile(Path.join(dir, "other.en.srt"), "")
        await Fs.mkdir(Path.join(dir, "multitrack.de.srt"))
      })
      const subs = yield* externalSubtitles(video)
      expect(subs.map((s) => [Path.basename(s.path ?? ""), s.codec, s.language, s.default])).toEqual([
        ["multitrack.en.srt", "subrip", "eng", false],
        ["multitrack.fr.default.ass", "ass", "fra", true]
      ])
      expect(yield* externalSubtitles(Path.join(dir, "gone", "x.mkv"))).toEqual([])
    }), 120_000)
})
