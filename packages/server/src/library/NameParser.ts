/**
 * What a media file's path says about it, by the conventions people lay out libraries with (Jellyfin,
 * Kodi, Radarr, Sonarr). Pure: no I/O, so the scanner can call it for every file of a scan.
 *
 * Fields the path does not state are null, and `episodes` is empty (never null): an air-date episode
 * has `airDate` and no episode numbers.
 */
import * as Path from "node:path"
import { discKindOfName } from "./Disc.js"
import { episodeTail, findNumbering } from "./EpisodeNumbers.js"
import { afterTitle, idsOf, type NameInfo, parseName, stackTail, versionLabel } from "./NameTokens.js"
import type { LibraryKind, ParsedPath, ProviderIds } from "./ParsedPath.js"
import { extensionOf, fileSkipReason, isSkippedDirectory, VIDEO_EXTENSIONS } from "./SkipRules.js"

export { isCandidateFile, isSkippedDirectory, VIDEO_EXTENSIONS } from "./SkipRules.js"

export type { LibraryKind, ParsedPath, ProviderIds } from "./ParsedPath.js"

const ignore = (reason: string): ParsedPath => ({ kind: "ignore", reason })

// A disc folder inside a movie folder: "Movie (2009)/CD1/movie.avi".
const STACK_DIR = /^(?:cd|dvd|part|pt|dis[ck])[ _.-]*(\d{1,2})$/i
// "Season 01", "Staffel 2", "Show Season 3" (Jellyfin advises against it, people do it), "S01", "Show.S01.1080p".
const SEASON_DIR =
  /(?:^|[ ._-])(?:season|series|staffel|saison|temporada|stagione|seizoen|sæson|s)[ ._-]*(\d{1,4})(?=$|[ ._-])/i
const SPECIALS_DIR = /^(?:season[ ._-]*)?specials?$/i

const hasIds = (ids: ProviderIds) => ids.tmdb !== undefined || ids.imdb !== undefined || ids.tvdb !== undefined

/**
 * Whether the folder is the movie's own (Jellyfin's "one movie per folder"): it names a year or id
 * that the file does not contradict, or the file name starts with the folder's title. Otherwise the
 * folder groups several movies ("Collections/Heat (1995).mkv") and the file names the movie.
 */
const isOwnMovieFolder = (folder: NameInfo, file: NameInfo): boolean => {
  if (folder.title === "") return false
  if (file.year !== null && folder.year !== null && file.year !== folder.year) return false
  return folder.year !== null || hasIds(folder.ids) || afterTitle(file.title, folder.title) !== null
}

const parseMovie = (dirs: ReadonlyArray<string>, base: string, path: string): ParsedPath => {
  const file = parseName(base)
  const stackDir = STACK_DIR.exec(dirs[dirs.length - 1] ?? "")
  const folderName = dirs[stackDir === null ? dirs.length - 1 : dirs.length - 2]
  const folder = folderName === undefined ? null : parseName(folderName)
  const dirPart = stackDir === null ? null : Number(stackDir[1])
  if (folder !== null && isOwnMovieFolder(folder, file)) {
    // The folder names the movie; the file adds its part and version ("Title (Year) - 2160p").
    const afterFolderTitle = file.year === null && !hasIds(file.ids) ? afterTitle(file.title, folder.title) : null
    const stacked = stackTail((afterFolderTitle ?? "") + file.rest)
    const holder = Path.dirname(path)
    return {
      kind: "movie",
      title: folder.title,
      year: folder.year ?? file.year,
      providerIds: idsOf(folder.ids.tmdb ?? file.ids.tmdb, folder.ids.imdb ?? file.ids.imdb, folder.ids.tvdb ?? file.ids.tvdb),
      part: file.part ?? stacked.part ?? dirPart,
      edition: file.edition ?? folder.edition,
      version: versionLabel(stacked.rest),
      itemDir: stackDir === null ? holder : Path.dirname(holder)
    }
  }
  const title = file.title !== "" ? file.title : folder?.title ?? ""
  if (title === "") return ignore("no title in the file name")
  return {
    kind: "movie",
    title,
    year: file.year,
    providerIds: file.ids,
    part: file.part ?? dirPart,
    edition: file.edition,
    version: versionLabel(file.rest),
    itemDir: Path.dirname(path)
  }
}

/** The season a folder names ("Season 01", "S01", "Specials"), nearest the file first. */
const folderSeason = (dirs: ReadonlyArray<string>): number | null => {
  for (let i = dirs.length - 1; i >= 0; i--) {
    const name = dirs[i] ?? ""
    if (SPECIALS_DIR.test(name)) return 0
    const season = SEASON_DIR.exec(name)
    if (season !== null) return Number(season[1])
  }
  return null
}

const parseEpisode = (root: string, dirs: ReadonlyArray<string>, base: string): ParsedPath => {
  const seriesFolder = dirs[0]
  if (seriesFolder === undefined) return ignore("not inside a series folder")
  const series = parseName(seriesFolder)
  const seriesTitle = series.title !== "" ? series.title : seriesFolder.normalize("NFC")
  const name = base.normalize("NFC")
  const numbering = findNumbering(name, seriesTitle)
  const tail = numbering.end === null ? { part: null, title: null } : episodeTail(name, numbering.end)
  return {
    kind: "episode",
    seriesTitle,
    seriesYear: series.year,
    seriesProviderIds: series.ids,
    seriesDir: Path.join(root, seriesFolder),
    season: numbering.season ?? folderSeason(dirs.slice(1)),
    episodes: numbering.episodes,
    absoluteEpisode: numbering.absoluteEpisode,
    airDate: numbering.airDate,
    part: tail.part,
    episodeTitle: tail.title
  }
}

/** The path under the root: a prefix check for the walker's joined paths, path.relative for anything odd. */
const relativeTo = (root: string, path: string): string => {
  const prefix = root.endsWith(Path.sep) ? root : root + Path.sep
  const rest = path.startsWith(prefix) ? path.slice(prefix.length) : ""
  const plain = rest !== "" && !rest.startsWith(".") && !rest.includes(Path.sep + ".") && !rest.includes(Path.sep + Path.sep)
  return plain ? rest : Path.relative(root, path)
}

/**
 * root: the library root folder the path is under; path: absolute file path.
 * `extensions` is the library's video extension set (the default set when it has none).
 */
export const parseMediaPath = (
  kind: LibraryKind,
  root: string,
  path: string,
  extensions: ReadonlySet<string> = VIDEO_EXTENSIONS
): ParsedPath => {
  const relative = relativeTo(root, path)
  if (relative === "" || relative === ".." || relative.startsWith(`..${Path.sep}`) || Path.isAbsolute(relative)) {
    return ignore("outside the library root")
  }
  const segments = relative.split(Path.sep)
  const fileName = segments[segments.length - 1] ?? ""
  const dirs = segments.slice(0, -1)
  const skippedDir = dirs.find(isSkippedDirectory)
  if (skippedDir !== undefined) return ignore(`inside skipped folder "${skippedDir}"`)
  // A disc folder ("Movie (1979)/VIDEO_TS") is named by the folders above it, as a nameless file.
  const disc = discKindOfName(fileName) !== null
  const skip = disc ? null : fileSkipReason(fileName, extensions)
  if (skip !== null) return ignore(skip)
  const base = disc ? "" : fileName.slice(0, fileName.length - extensionOf(fileName).length)
  return kind === "movie" ? parseMovie(dirs, base, path) : parseEpisode(root, dirs, base)
}
