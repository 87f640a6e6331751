/**
 * Writes one batch of matched files: content rows first (their ids), then the files linked to them.
 * Each new movie, series and episode is announced (`movie.added`, ...) once its rows are written.
 */
import {
  type DatabaseError,
  EpisodeAdded,
  EpisodeId,
  type LibraryId,
  MovieAdded,
  MovieId,
  SeriesAdded,
  SeriesId
} from "@mediaserver/domain"
import { type AbsolutePlace, ContentRepo, Events, type FileUpsert } from "@mediaserver/server/library"
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import type { EpisodeFile, EpisodeRef, MovieFile } from "./Matcher.js"
import type { FoundFile } from "./Walk.js"

export interface Unmatched {
  readonly file: FoundFile
  readonly reason: string
}

const fileRow = (file: FoundFile, fields: Partial<FileUpsert>): FileUpsert => ({
  id: randomUUID(),
  path: file.path,
  size: file.size,
  mtimeMs: file.mtimeMs,
  matched: true,
  matchError: null,
  movieId: null,
  part: null,
  version: null,
  ...fields
})

const unmatchedRows = (unmatched: ReadonlyArray<Unmatched>) =>
  unmatched.map((u) => fileRow(u.file, { matched: false, matchError: u.reason }))

/** Returns how many movies were new. */
export const writeMovies = (libraryId: LibraryId, files: ReadonlyArray<MovieFile>, unmatched: ReadonlyArray<Unmatched>): Effect.Effect<number, DatabaseError, ContentRepo | Events> =>
  Effect.gen(function* () {
    const repo = yield* ContentRepo
    const movies = new Map(files.map((f) => [f.movie.matchKey, f.movie]))
    const upserted = yield* repo.upsertMovies(libraryId, [...movies.values()])
    yield* repo.upsertFiles(libraryId, [
      ...files.map((f) => fileRow(f.file, { movieId: upserted.ids.get(f.movie.matchKey) ?? null, part: f.part, version: f.version })),
      ...unmatchedRows(unmatched)
    ])
    const events = yield* Events
    yield* events.publishAll([...movies.values()].flatMap((movie) => {
      const id = upserted.ids.get(movie.matchKey)
      return id === undefined || !upserted.insertedKeys.has(movie.matchKey)
        ? []
        : [new MovieAdded({ libraryId, movieId: MovieId.make(id), title: movie.year === null ? movie.title : `${movie.title} (${movie.year})` })]
    }))
    return upserted.inserted
  })

const byAbsolute = (e: EpisodeRef) => e.episodeKey.startsWith("a") && e.absoluteNumber !== null

const placed = (e: EpisodeRef, places: ReadonlyMap<number, AbsolutePlace> | undefined): EpisodeRef => {
  const place = byAbsolute(e) && e.absoluteNumber !== null ? places?.get(e.absoluteNumber) : undefined
  return place === undefined ? e : { ...e, seasonNumber: place.season, episodeKey: `e${place.episode}`, episodeNumber: place.episode }
}

/** Returns how many series and episodes were new. */
export const writeEpisodes = (libraryId: LibraryId, found: ReadonlyArray<EpisodeFile>, unmatched: ReadonlyArray<Unmatched>): Effect.Effect<number, DatabaseError, ContentRepo | Events> =>
  Effect.gen(function* () {
    const repo = yield* ContentRepo
    const seriesByKey = new Map(found.map((f) => [f.series.matchKey, f.series]))
    const series = yield* repo.upsertSeries(libraryId, [...seriesByKey.values()])
    const seriesId = (f: EpisodeFile) => series.ids.get(f.series.matchKey) ?? ""
    // Episodes named by their absolute number go where their series' order puts them, once it is known.
    const places = yield* repo.absoluteNumbers([...new Set(found.filter((f) => f.episodes.some(byAbsolute)).map(seriesId))])
    const files = found.map((f) => ({ ...f, episodes: f.episodes.map((e) => placed(e, places.get(seriesId(f)))) }))
    const seasonKeys = new Map<string, { readonly seriesId: string; readonly seasonNumber: number }>()
    for (const f of files) {
      for (const e of f.episodes) seasonKeys.set(`${seriesId(f)}/${e.seasonNumber}`, { seriesId: seriesId(f), seasonNumber: e.seasonNumber })
    }
    const seasons = yield* repo.upsertSeasons([...seasonKeys.values()].map((s) => ({ id: randomUUID(), ...s })))
    const seasonId = (f: EpisodeFile, seasonNumber: number) => seasons.ids.get(`${seriesId(f)}/${seasonNumber}`) ?? ""
    const episodeRows = new Map<string, Parameters<ContentRepo["Type"]["upsertEpisodes"]>[0][number]>()
    const episodeNames = new Map<string, string>()
    for (const f of files) {
      for (const e of f.episodes) {
        const season = seasonId(f, e.seasonNumber)
        const number = e.episodeNumber === null ? e.episodeKey : `E${String(e.episodeNumber).padStart(2, "0")}`
        episodeNames.set(`${season}/${e.episodeKey}`,
          `${f.series.title} S${String(e.seasonNumber).padStart(2, "0")}${number}${e.title === null ? "" : ` - ${e.title}`}`)
        episodeRows.set(`${season}/${e.episodeKey}`, {
          id: randomUUID(),
          seriesId: seriesId(f),
          seasonId: season,
          seasonNumber: e.seasonNumber,
          episodeKey: e.episodeKey,
          episodeNumber: e.episodeNumber,
          absoluteNumber: e.absoluteNumber,
          airDate: e.airDate,
          title: e.title
        })
      }
    }
    const episodes = yield* repo.upsertEpisodes([...episodeRows.values()])
    const written = yield* repo.upsertFiles(libraryId, [
      ...files.map((f) => fileRow(f.file, { part: f.part })),
      ...unmatchedRows(unmatched)
    ])
    const links = files.flatMap((f) =>
      f.episodes.map((e) => ({
        fileId: written.ids.get(f.file.path) ?? "",
        episodeId: episodes.ids.get(`${seasonId(f, e.seasonNumber)}/${e.episodeKey}`) ?? ""
      }))
    ).filter((link) => link.fileId !== "" && link.episodeId !== "")
    yield* repo.linkEpisodes(links, [...written.ids.values()])
    const events = yield* Events
    yield* events.publishAll([
      ...[...seriesByKey.values()].flatMap((s) => {
        const id = series.ids.get(s.matchKey)
        return id === undefined || !series.insertedKeys.has(s.matchKey)
          ? []
          : [new SeriesAdded({ libraryId, seriesId: SeriesId.make(id), title: s.title })]
      }),
      ...[...episodeRows.entries()].flatMap(([key, row]) => {
        const id = episodes.ids.get(key)
        return id === undefined || !episodes.insertedKeys.has(key)
          ? []
          : [new EpisodeAdded({
            libraryId, seriesId: SeriesId.make(row.seriesId), episodeId: EpisodeId.make(id), title: episodeNames.get(key) ?? row.seriesId
          })]
      })
    ])
    return series.inserted + episodes.inserted
  })
