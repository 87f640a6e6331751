/**
 * External subtitle files beside a video, Jellyfin/Kodi style: `Movie.srt`, `Movie.en.srt`,
 * `Movie.eng.forced.srt`, `Movie.fr.default.ass`, `Movie.pt-BR.srt`. The name must be the video's base
 * name (any case) then `.`, so `Movie 2.srt` is not a subtitle of `Movie.mkv`. Tokens after it: a language
 * (normalised to 639-2/T like embedded tracks), `default`, `forced`/`foreign`; the rest is the title.
 */
import { SubtitleStream } from "@mediaserver/domain"
import { Effect } from "effect"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { knownLanguage } from "@mediaserver/domain"

// Codec names as ffprobe reports them, so external and embedded tracks read alike.
const CODECS: Readonly<Record<string, string>> = {
  srt: "subrip",
  ass: "ass",
  ssa: "ssa",
  vtt: "webvtt",
  sub: "microdvd"
}

/** Directories listed at once when subtitles of a batch of videos are looked up. */
const DIRECTORY_READS = 16

export interface SubtitleName {
  readonly codec: string
  readonly language: string | null
  readonly title: string | null
  readonly default: boolean
  readonly forced: boolean
}

const extension = (name: string): string => Path.extname(name).slice(1).toLowerCase()

/**
 * What a file name says about the subtitle, or null when it is not a subtitle of the video `videoBase`
 * (its name without extension). `siblings`: the directory's names, to tell VobSub (`.sub` + `.idx`)
 * from MicroDVD text.
 */
export const parseSubtitleName = (
  videoBase: string,
  fileName: string,
  siblings: ReadonlySet<string> = new Set()
): SubtitleName | null => {
  const ext = extension(fileName)
  const codec = CODECS[ext]
  if (codec === undefined) return null
  const stem = fileName.slice(0, fileName.length - ext.length - 1)
  const lowerStem = stem.toLowerCase()
  const lowerBase = videoBase.toLowerCase()
  if (lowerStem !== lowerBase && !lowerStem.startsWith(`${lowerBase}.`)) return null

  let language: string | null = null
  let isDefault = false
  let forced = false
  const title: Array<string> = []
  for (const token of stem.slice(videoBase.length + 1).split(".").filter((t) => t !== "")) {
    const lower = token.toLowerCase()
    if (lower === "default") isDefault = true
    else if (lower === "forced" || lower === "foreign") forced = true
    else if (language === null && knownLanguage(token) !== null) language = knownLanguage(token)
    else title.push(token)
  }
  const vobSub = ext === "sub" && siblings.has(`${stem}.idx`)
  return {
    codec: vobSub ? "dvd_subtitle" : codec,
    language,
    title: title.length === 0 ? null : title.join(" "),
    default: isDefault,
    forced
  }
}

/** The subtitles of `videoPath` among the names of its directory, in name order. Pure. */
export const matchSubtitles = (videoPath: string, names: ReadonlyArray<string>): ReadonlyArray<SubtitleStream> => {
  const dir = Path.dirname(videoPath)
  const videoName = Path.basename(videoPath)
  const base = videoName.slice(0, videoName.length - Path.extname(videoName).length)
  const siblings = new Set(names)
  return [...names].sort().flatMap((name) => {
    const parsed = name === videoName ? null : parseSubtitleName(base, name, siblings)
    return parsed === null
      ? []
      : [new SubtitleStream({ ...parsed, index: null, external: true, path: Path.join(dir, name) })]
  })
}

/** The file names of a directory; an unreadable one has none (logged). */
const namesIn = (dir: string): Effect.Effect<ReadonlyArray<string>> =>
  Effect.tryPromise(() => Fs.readdir(dir, { withFileTypes: true })).pipe(
    Effect.map((entries) => entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name)),
    Effect.catchAll((error) =>
      Effect.logWarning("cannot list external subtitles", { dir, error: String(error.cause) }).pipe(Effect.as([]))
    )
  )

/** External subtitle files beside the video. An unreadable directory has none (logged). */
export const externalSubtitles = (videoPath: string): Effect.Effect<ReadonlyArray<SubtitleStream>> =>
  Effect.map(namesIn(Path.dirname(videoPath)), (names) => matchSubtitles(videoPath, names))

/** The external subtitles of many videos, each directory read once: path -> its subtitles. */
export const externalSubtitlesOf = (
  videoPaths: ReadonlyArray<string>
): Effect.Effect<ReadonlyMap<string, ReadonlyArray<SubtitleStream>>> =>
  Effect.gen(function* () {
    const dirs = [...new Set(videoPaths.map((path) => Path.dirname(path)))]
    const listed = new Map<string, ReadonlyArray<string>>()
    yield* Effect.forEach(dirs, (dir) => Effect.map(namesIn(dir), (names) => listed.set(dir, names)), {
      concurrency: DIRECTORY_READS,
      discard: true
    })
    return new Map(videoPaths.map((path) => [path, matchSubtitles(path, listed.get(Path.dirname(path)) ?? [])]))
  })
