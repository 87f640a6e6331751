/** `.ignore` or `.nomedia` in a folder keeps that folder, and everything below it, out of scans. */
import { describe, expect, it } from "vitest"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { walk } from "../src/library/Walk.js"

describe("walk: exclusion markers", () => {
  it("skips folders holding .ignore or .nomedia", async () => {
    const root = await Fs.mkdtemp(Path.join(Os.tmpdir(), "walk-markers-"))
    try {
      const put = async (relative: string) => {
        await Fs.mkdir(Path.dirname(Path.join(root, relative)), { recursive: true })
        await Fs.writeFile(Path.join(root, relative), "x")
      }
      await put("Kept (2001)/Kept (2001).mkv")
      await put("Ignored (2002)/Ignored (2002).mkv")
      await put("Ignored (2002)/.ignore")
      await put("Shows/Hidden/Season 1/Hidden S01E01.mkv")
      await put("Shows/Hidden/.NOMEDIA")
      const result = await walk([root], { extensions: new Set([".mkv"]), exclude: [], signal: new AbortController().signal, onFile: () => {} })
      expect(result.files.map((file) => Path.relative(root, file.path))).toEqual([Path.join("Kept (2001)", "Kept (2001).mkv")])
    } finally {
      await Fs.rm(root, { recursive: true, force: true })
    }
  })
})
