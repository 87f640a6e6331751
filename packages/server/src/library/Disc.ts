/**
 * Disc folders (a ripped DVD's `VIDEO_TS`, a Blu-ray's `BDMV`) as one library file each: the folder is
 * the file's path, its main title is what is probed and played. The main title of a DVD is its largest
 * title set (`VTS_NN_1.VOB`, `VTS_NN_2.VOB`, ...; `VTS_NN_0.VOB` is the set's menu); of a Blu-ray, the
 * longest playlist in `PLAYLIST/*.mpls` (its clips in order), else the largest clip in `STREAM`.
 * ffmpeg reads a title split over several files through its `concat:` protocol (byte concatenation,
 * which is how both formats split a title).
 */
import * as Fs from "node:fs"
import * as Path from "node:path"

export type DiscKind = "dvd" | "bluray"

/** The disc kind a folder's name says (`VIDEO_TS`, `BDMV`, any case), else null. */
export const discKindOfName = (name: string): DiscKind | null => {
  const lower = name.toLowerCase()
  return lower === "video_ts" ? "dvd" : lower === "bdmv" ? "bluray" : null
}

/** The disc kind of a library file's path: a disc folder's own path, else null (a plain file). */
export const discKindOf = (path: string): DiscKind | null => discKindOfName(Path.basename(path))

/** The disc folder holding `path` (a file somewhere under `VIDEO_TS` or `BDMV`), else null. */
export const discFolderOf = (path: string): string | null => {
  const parts = path.split(Path.sep)
  const at = parts.findIndex((part, i) => i < parts.length - 1 && discKindOfName(part) !== null)
  return at < 0 ? null : parts.slice(0, at + 1).join(Path.sep)
}

export interface DiscTitle {
  readonly kind: DiscKind
  /** The title's files in play order. */
  readonly files: ReadonlyArray<string>
  readonly size: number
  readonly mtimeMs: number
}

interface Sized {
  readonly path: string
  readonly size: number
  readonly mtimeMs: number
}

const listFiles = (dir: string): ReadonlyArray<Sized> => {
  let names: ReadonlyArray<string>
  try {
    names = Fs.readdirSync(dir)
  } catch {
    return []
  }
  return names.flatMap((name) => {
    const path = Path.join(dir, name)
    const stat = Fs.statSync(path, { throwIfNoEntry: false })
    return stat?.isFile() === true ? [{ path, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs) }] : []
  })
}

const titleOf = (kind: DiscKind, files: ReadonlyArray<Sized>): DiscTitle | null =>
  files.length === 0 ? null : {
    kind,
    files: files.map((f) => f.path),
    size: files.reduce((sum, f) => sum + f.size, 0),
    mtimeMs: Math.max(...files.map((f) => f.mtimeMs))
  }

const VOB = /^vts_(\d\d)_([1-9])\.vob$/i

const dvdTitle = (dir: string): DiscTitle | null => {
  const sets = new Map<string, Array<{ readonly part: number; readonly file: Sized }>>()
  for (const file of listFiles(dir)) {
    const match = VOB.exec(Path.basename(file.path))
    if (match === null) continue
    const [, set = "", part = ""] = match
    sets.set(set, [...(sets.get(set) ?? []), { part: Number(part), file }])
  }
  const total = (parts: ReadonlyArray<{ readonly file: Sized }>) => parts.reduce((sum, p) => sum + p.file.size, 0)
  const largest = [...sets.values()].sort((a, b) => total(b) - total(a))[0] ?? []
  return titleOf("dvd", [...largest].sort((a, b) => a.part - b.part).map((p) => p.file))
}

export interface Playlist {
  /** Clip names (`00000`) in play order. */
  readonly clips: ReadonlyArray<string>
  /** Sum of the play items' OUT - IN times (45 kHz ticks). */
  readonly ticks: number
}

/**
 * The play items of an MPLS file: the header's PlayList address, then per item its length, the clip
 * name (5 characters), the codec id (4), 3 bytes of flags and the IN and OUT times. Null when the bytes
 * are not one (a truncated or foreign file).
 */
export const parseMpls = (bytes: Uint8Array): Playlist | null => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const text = (at: number, length: number) => String.fromCharCode(...bytes.subarray(at, at + length))
  if (bytes.length < 20 || text(0, 4) !== "MPLS") return null
  const start = view.getUint32(8)
  if (start + 10 > bytes.length) return null
  const count = view.getUint16(start + 6)
  const clips: Array<string> = []
  let ticks = 0
  let at = start + 10
  for (let i = 0; i < count; i++) {
    if (at + 22 > bytes.length) return null
    const length = view.getUint16(at)
    clips.push(text(at + 2, 5))
    ticks += Math.max(0, view.getUint32(at + 18) - view.getUint32(at + 14))
    at += 2 + length
  }
  return clips.length === 0 ? null : { clips, ticks }
}

const blurayTitle = (dir: string): DiscTitle | null => {
  const streams = new Map(listFiles(Path.join(dir, "STREAM")).map((f) => [Path.basename(f.path).toLowerCase(), f]))
  const playlists = listFiles(Path.join(dir, "PLAYLIST"))
    .filter((f) => f.path.toLowerCase().endsWith(".mpls"))
    .flatMap((f) => {
      const parsed = parseMpls(Fs.readFileSync(f.path))
      const clips = parsed?.clips.flatMap((clip) => streams.get(`${clip.toLowerCase()}.m2ts`) ?? []) ?? []
      // A playlist naming a clip that is not there (a partial rip) is not the one to play.
      return parsed !== null && clips.length === parsed.clips.length ? [{ ticks: parsed.ticks, clips }] : []
    })
  const longest = playlists.sort((a, b) => b.ticks - a.ticks)[0]
  if (longest !== undefined) return titleOf("bluray", longest.clips)
  const largest = [...streams.values()].filter((f) => f.path.toLowerCase().endsWith(".m2ts")).sort((a, b) => b.size - a.size)[0]
  return titleOf("bluray", largest === undefined ? [] : [largest])
}

/** The main title of the disc folder at `path` (reads the folder), else null (not a disc folder, or no title in it). */
export const discTitle = (path: string): DiscTitle | null => {
  const kind = discKindOf(path)
  return kind === "dvd" ? dvdTitle(path) : kind === "bluray" ? blurayTitle(path) : null
}

/**
 * The ffmpeg/ffprobe input of a library file: `file:` and the absolute path (so a name is never read as
 * a protocol or an option), or a disc folder's main title (its one file, or `concat:` of its parts).
 * A disc folder without a title stays the folder: the tool then fails on it with a clear message.
 */
export const mediaInput = (path: string): string => {
  const title = discTitle(path)
  const files = (title?.files ?? [Path.resolve(path)]).map((f) => `file:${Path.resolve(f)}`)
  // `|` separates the parts of a concat: a path holding one cannot be a part.
  if (files.length === 1 || files.some((f) => f.includes("|"))) return files[0] ?? `file:${Path.resolve(path)}`
  return `concat:${files.join("|")}`
}
