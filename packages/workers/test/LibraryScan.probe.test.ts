import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { eventually } from "@mediaserver/testkit/Poll"
import { TestMedia } from "@mediaserver/testkit/TestMedia"
import { createLibrary, libraryNode, scanNow, tree } from "@mediaserver/testkit/LibraryNode"

const settled = { timeout: Duration.seconds(60), interval: Duration.millis(200) }

describe("probe job", () => {
  it.scopedLive("one batch holds probed, unreadable and empty files; a re-probe replaces a file's streams", () =>
    Effect.gen(function* () {
      const media = yield* TestMedia.files
      const { url, sql, admin } = yield* libraryNode("scan_probe")
      const root = yield* tree({
        "Alpha (2001)/Alpha (2001).mkv": { copyOf: media.mp4 },
        "Alpha (2001)/Alpha (2001).en.srt": "1\n00:00:00,500 --> 00:00:02,000\nHello\n",
        "Beta (2002)/Beta (2002).mkv": { copyOf: media.multiTrackMkv },
        "Gamma (2003).mkv": "not a video, just some words\n".repeat(50),
        "Delta (2004).mkv": ""
      })
      const library = yield* createLibrary(url, admin, { name: "Probed", kind: "movie", paths: [root] })
      const streamsOf = sql<{ name: string; kinds: string; error: string | null }>`
        SELECT regexp_replace(f.path, '^.*/', '') AS name, f.probe_error AS error,
          coalesce((SELECT string_agg(s.kind || ':' || s.codec || (CASE WHEN s.external_path IS NULL THEN '' ELSE ':ext' END), ',' ORDER BY s.position)
            FROM media_streams s WHERE s.media_file_id = f.id), '') AS kinds
        FROM media_files f ORDER BY f.path`
      const probedAll = sql<{ n: number }>`
        SELECT count(*)::int AS n FROM media_files WHERE probe_size IS DISTINCT FROM size_bytes OR probe_mtime_ms IS DISTINCT FROM mtime_ms`
      const awaitProbed = eventually(probedAll, (rows) => rows[0]?.n === 0, { what: "every file probed", ...settled })

      yield* scanNow(url, admin, library.id)
      yield* awaitProbed
      const first = yield* streamsOf
      expect(first.map((f) => [f.name, f.kinds])).toEqual([
        ["Alpha (2001).mkv", "video:h264,audio:aac,subtitle:subrip:ext"],
        ["Beta (2002).mkv", "video:h264,audio:aac,audio:aac,subtitle:subrip"],
        ["Delta (2004).mkv", ""],
        ["Gamma (2003).mkv", ""]
      ])
      expect(first.map((f) => f.error === null)).toEqual([true, true, false, false])
      expect(first[2]?.error).toBe("empty file")

      // The two videos swap contents: each keeps its row, its streams are replaced in place.
      yield* Effect.promise(async () => {
        await Fs.copyFile(media.multiTrackMkv, Path.join(root, "Alpha (2001)/Alpha (2001).mkv"))
        await Fs.copyFile(media.mp4, Path.join(root, "Beta (2002)/Beta (2002).mkv"))
        const later = new Date(Date.now() + 60_000)
        await Fs.utimes(Path.join(root, "Alpha (2001)/Alpha (2001).mkv"), later, later)
        await Fs.utimes(Path.join(root, "Beta (2002)/Beta (2002).mkv"), later, later)
      })
      const rescan = yield* scanNow(url, admin, library.id)
      expect(rescan.counts).toMatchObject({ changed: 2, unchanged: 2 })
      yield* awaitProbed
      const second = yield* streamsOf
      expect(second.slice(0, 2).map((f) => [f.name, f.kinds])).toEqual([
        ["Alpha (2001).mkv", "video:h264,audio:aac,audio:aac,subtitle:subrip,subtitle:subrip:ext"],
        ["Beta (2002).mkv", "video:h264,audio:aac"]
      ])
      const runs = yield* eventually(
        sql<{ state: string; attempt: number }>`SELECT state, attempt FROM job_runs WHERE kind = 'library.probe' ORDER BY inserted_at`,
        (rows) => rows.length === 2 && rows.every((r) => r.state === "completed"),
        { what: "both probe runs completed", ...settled }
      )
      expect(runs.map((r) => r.attempt)).toEqual([1, 1])
    }), { timeout: 120_000 })
})
