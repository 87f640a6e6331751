/**
 * Disc folders on disk (bytes only, no ffmpeg): which files make the main title, what the ffmpeg input
 * is, and what the path says about the movie.
 */
import { afterAll, describe, expect, it } from "@effect/vitest"
import { mplsBytes } from "@mediaserver/testkit/DiscMedia"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { discFolderOf, discTitle, mediaInput, parseMpls } from "../../src/library/Disc.js"
import { parseMediaPath } from "../../src/library/NameParser.js"

const made: Array<string> = []
afterAll(() => made.forEach((dir) => Fs.rmSync(dir, { recursive: true, force: true })))

const folder = (files: Readonly<Record<string, number | Uint8Array>>) => {
  const root = Fs.mkdtempSync(Path.join(Os.tmpdir(), "ms-disc-"))
  made.push(root)
  for (const [name, content] of Object.entries(files)) {
    const path = Path.join(root, name)
    Fs.mkdirSync(Path.dirname(path), { recursive: true })
    Fs.writeFileSync(path, typeof content === "number" ? Buffer.alloc(content) : content)
  }
  return root
}

describe("disc folders", () => {
  it("DVD: the largest title set's VOBs in order, without its menu; a concat input", () => {
    const root = folder({
      "M/VIDEO_TS/VIDEO_TS.IFO": 10, "M/VIDEO_TS/VTS_01_0.VOB": 500, "M/VIDEO_TS/VTS_01_2.VOB": 300,
      "M/VIDEO_TS/VTS_01_1.VOB": 400, "M/VIDEO_TS/VTS_02_1.VOB": 600
    })
    const dir = Path.join(root, "M", "VIDEO_TS")
    const title = discTitle(dir)
    expect(title?.files).toEqual([Path.join(dir, "VTS_01_1.VOB"), Path.join(dir, "VTS_01_2.VOB")])
    expect(title?.size).toBe(700)
    expect(mediaInput(dir)).toBe(`concat:file:${dir}/VTS_01_1.VOB|file:${dir}/VTS_01_2.VOB`)
    expect(discTitle(Path.join(folder({ "VIDEO_TS/VIDEO_TS.IFO": 1 }), "VIDEO_TS"))).toBeNull()
  })

  it("Blu-ray: the longest complete playlist's clips, else the largest clip", () => {
    const root = folder({
      "BDMV/STREAM/00001.m2ts": 100, "BDMV/STREAM/00002.m2ts": 100, "BDMV/STREAM/00003.m2ts": 900,
      "BDMV/PLAYLIST/00000.mpls": mplsBytes([{ clip: "00003", seconds: 30 }]),
      "BDMV/PLAYLIST/00001.mpls": mplsBytes([{ clip: "00001", seconds: 3000 }, { clip: "00002", seconds: 2000 }]),
      // Longer, but its clip is not on disk (a partial rip).
      "BDMV/PLAYLIST/00002.mpls": mplsBytes([{ clip: "00009", seconds: 9000 }])
    })
    const dir = Path.join(root, "BDMV")
    expect(parseMpls(mplsBytes([{ clip: "00001", seconds: 2 }, { clip: "00007", seconds: 1 }])))
      .toEqual({ clips: ["00001", "00007"], ticks: 135000 })
    expect(parseMpls(new TextEncoder().encode("not a playlist at all"))).toBeNull()
    expect(discTitle(dir)?.files).toEqual([Path.join(dir, "STREAM/00001.m2ts"), Path.join(dir, "STREAM/00002.m2ts")])
    Fs.rmSync(Path.join(dir, "PLAYLIST"), { recursive: true })
    expect(mediaInput(dir)).toBe(`file:${dir}/STREAM/00003.m2ts`)
  })

  it("a plain file is itself; the path of a disc folder names its movie by the folders above it", () => {
    expect(mediaInput("/media/a|b.mkv")).toBe("file:/media/a|b.mkv")
    expect(discFolderOf("/m/X (2009)/BDMV/STREAM/00001.m2ts")).toBe("/m/X (2009)/BDMV")
    expect(discFolderOf("/m/X (2009)/X.mkv")).toBeNull()
    expect(parseMediaPath("movie", "/m", "/m/Alien (1979)/VIDEO_TS")).toMatchObject({ kind: "movie", title: "Alien", year: 1979, itemDir: "/m/Alien (1979)" })
    expect(parseMediaPath("movie", "/m", "/m/Avatar (2009)/Disc 2/BDMV")).toMatchObject({ kind: "movie", title: "Avatar", year: 2009, part: 2 })
    expect(parseMediaPath("movie", "/m", "/m/Avatar (2009)/BDMV/STREAM/00001.m2ts").kind).toBe("ignore")
  })
})
