/**
 * From files to content: parses each path (NFO beside it overrides ids and titles), then plans the
 * rows for a batch — the movies, or series/seasons/episodes, and each file's link to them. Pure apart
 * from reading NFO files, and only those the walk saw.
 */
import type { LibraryKind } from "@mediaserver/domain"
import type { MovieFields, SeriesFields } from "@mediaserver/server/library"
import { type ParsedPath, parseMediaPath, type ProviderIds } from "@mediaserver/server/library"
import { type NfoData, nfoCandidates, readNfo } from "@mediaserver/server/library"
import { Effect } from "effect"
import * as Path from "node:path"
import type { FoundFile } from "./Walk.js"

export interface MovieFile {
  readonly file: FoundFile
  readonly movie: MovieFields
  readonly part: number | null
  readonly version: string | null
}

export interface EpisodeRef {
  readonly seasonNumber: number
  /** `e<number>`, `d<air date>`, or `a<absolute number>` (not placed in a season yet). */
  readonly episodeKey: string
  readonly episodeNumber: number | null
  readonly absoluteNumber: number | null
  readonly airDate: string | null
  readonly title: string | null
}

export interface EpisodeFile {
  readonly file: FoundFile
  readonly series: SeriesFields
  readonly episodes: ReadonlyArray<EpisodeRef>
  readonly part: number | null
}

export type Matched =
  | { readonly kind: "movie"; readonly value: MovieFile }
  | { readonly kind: "episode"; readonly value: EpisodeFile }
  | { readonly kind: "unmatched"; readonly file: FoundFile; readonly reason: string }

const merge = (ids: ProviderIds, nfo: NfoData | null): ProviderIds => (nfo === null ? ids : { ...ids, ...nfo.providerIds })

const firstNfo = (parsed: ParsedPath, path: string, nfos: ReadonlySet<string>, kind: NfoData["kind"]) =>
  Effect.gen(function* () {
    for (const candidate of nfoCandidates(parsed, path)) {
      // tvshow.nfo never describes an episode (and matchFile reads it once per series).
      if (!nfos.has(candidate) || (kind === "episode" && Path.basename(candidate) === "tvshow.nfo")) continue
      const data = yield* readNfo(candidate)
      if (data !== null && data.kind === kind) return data
    }
    return null
  })

/** Flat files in a root share the root as folder: key them by title and year instead. */
const movieKey = (parsed: Extract<ParsedPath, { kind: "movie" }>, root: string, title: string, year: number | null) =>
  parsed.itemDir === root ? `flat:${title.toLowerCase()}|${year ?? ""}` : parsed.itemDir

const episodeRefs = (parsed: Extract<ParsedPath, { kind: "episode" }>, nfo: NfoData | null): ReadonlyArray<EpisodeRef> => {
  const season = nfo?.season ?? parsed.season
  const title = nfo?.title ?? parsed.episodeTitle
  if (season === null) {
    // Anime numbering and no season anywhere ("Show - 27.mkv"): season 1 under its absolute number (key
    // `a27`) until its series' refresh finds where that number falls (migration 0086).
    const absolute = nfo?.episode === null || nfo?.episode === undefined ? parsed.absoluteEpisode : null
    return absolute === null
      ? []
      : [{ seasonNumber: 1, episodeKey: `a${absolute}`, episodeNumber: absolute, absoluteNumber: absolute, airDate: null, title }]
  }
  if (nfo?.episode !== null && nfo?.episode !== undefined) {
    return [{ seasonNumber: season, episodeKey: `e${nfo.episode}`, episodeNumber: nfo.episode, absoluteNumber: parsed.absoluteEpisode, airDate: parsed.airDate, title }]
  }
  if (parsed.episodes.length > 0) {
    return parsed.episodes.map((n, i) => ({
      seasonNumber: season,
      episodeKey: `e${n}`,
      episodeNumber: n,
      absoluteNumber: i === 0 ? parsed.absoluteEpisode : null,
      airDate: null,
      title: parsed.episodes.length === 1 ? title : null
    }))
  }
  if (parsed.airDate !== null) {
    return [{ seasonNumber: season, episodeKey: `d${parsed.airDate}`, episodeNumber: null, absoluteNumber: null, airDate: parsed.airDate, title }]
  }
  return []
}

/** The NFO of a series folder is read once per batch, not once per episode. */
type SeriesNfoCache = Map<string, NfoData | null>

export const matchFile = (
  kind: LibraryKind,
  extensions: ReadonlySet<string>,
  file: FoundFile,
  nfos: ReadonlySet<string>,
  seriesNfos: SeriesNfoCache
): Effect.Effect<Matched> =>
  Effect.gen(function* () {
    // The library's own extensions: the walker found the file by them.
    const parsed = parseMediaPath(kind, file.root, file.path, extensions)
    // The walker already left out what the conventions skip: a video the parser still cannot place
    // (no title, an episode outside a series folder) is one the user should hear about.
    if (parsed.kind === "ignore") return { kind: "unmatched", file, reason: parsed.reason }
    if (parsed.kind === "movie") {
      if (parsed.title === "") return { kind: "unmatched", file, reason: "no title in the file or folder name" }
      const nfo = yield* firstNfo(parsed, file.path, nfos, "movie")
      const title = nfo?.title ?? parsed.title
      const year = nfo?.year ?? parsed.year
      return {
        kind: "movie",
        value: {
          file,
          movie: { matchKey: movieKey(parsed, file.root, title, year), title, year, ids: merge(parsed.providerIds, nfo), edition: parsed.edition },
          part: parsed.part,
          version: parsed.version
        }
      }
    }
    let seriesNfo = seriesNfos.get(parsed.seriesDir)
    if (seriesNfo === undefined) {
      const path = `${parsed.seriesDir}/tvshow.nfo`
      seriesNfo = nfos.has(path) ? yield* readNfo(path) : null
      seriesNfos.set(parsed.seriesDir, seriesNfo)
    }
    const episodeNfo = yield* firstNfo(parsed, file.path, nfos, "episode")
    const episodes = episodeRefs(parsed, episodeNfo)
    if (episodes.length === 0) {
      return { kind: "unmatched", file, reason: "no season and episode number or air date in the name" }
    }
    const series = seriesNfo?.kind === "tvshow" ? seriesNfo : null
    return {
      kind: "episode",
      value: {
        file,
        series: {
          matchKey: parsed.seriesDir,
          title: series?.title ?? parsed.seriesTitle,
          year: series?.year ?? parsed.seriesYear,
          ids: merge(parsed.seriesProviderIds, series)
        },
        episodes,
        part: parsed.part
      }
    }
  })
