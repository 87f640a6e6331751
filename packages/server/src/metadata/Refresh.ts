/**
 * The refresh pipelines the metadata jobs run. A movie or series without a provider id is matched
 * first (IMDb id, else a title search under the confidence rule; a doubtful match leaves it
 * `unmatched` with its candidates). Each refresh writes in one transaction that also enqueues its
 * follow-ups (seasons, then `metadata.enrich`: people and image downloads), then drops the browsing
 * caches of what changed. A provider 404 marks the item `not_found` and fails with the Discard error.
 */
import {
  type DatabaseError,
  type EpisodeId,
  type ImageKind,
  type JobPayloadInvalid,
  type LibraryId,
  type MetadataCredit,
  type MetadataImage,
  MetadataDownloadImageJob,
  MetadataEnrichJob,
  MetadataRefreshEpisodeJob,
  type MetadataEpisode,
  type MetadataMovie,
  type MetadataSeries,
  MetadataRefreshMovieJob,
  MetadataRefreshPersonJob,
  MetadataRefreshSeasonJob,
  MetadataRefreshSeriesJob,
  type MovieId,
  NotFound,
  type PersonId,
  type ProviderError,
  ProviderRejected,
  type RefreshTrigger,
  type SeasonId,
  type SeriesId,
  type StorageError
} from "@mediaserver/domain"
import { Context, Effect, Layer, Option } from "effect"
import type { CacheStore } from "../cache/CacheStore.js"
import { AppConfig } from "../config/AppConfig.js"
import { contentChanged, searchChanged } from "../content/ContentCache.js"
import { Jobs } from "../jobs/Jobs.js"
import { AbsoluteNumbers, orderFor } from "./AbsoluteNumbers.js"
import { Images } from "./Images.js"
import { ImagesRepo, type KnownImage } from "./ImagesRepo.js"
import { type ImageOwner, type Item, type ItemKind, ItemsRepo } from "./ItemsRepo.js"
import { decide } from "./Matching.js"
import { fetchMerged, type Merged, type MergedField } from "./Merge.js"
import { type CreditOwner, PeopleRepo } from "./PeopleRepo.js"
import type { ItemHint, MetadataProvider } from "./provider/Provider.js"
import { MetadataProviders } from "./Providers.js"

export type RefreshError = ProviderError | NotFound | DatabaseError | JobPayloadInvalid | StorageError

/** The merged fields of movies and series and their groups (whose priorities order the providers). */
const TITLED_FIELDS: ReadonlyArray<MergedField<MetadataMovie> & MergedField<MetadataSeries>> = [
  { field: "title", group: "titles" }, { field: "originalTitle", group: "titles" }, { field: "tagline", group: "titles" },
  { field: "homepage", group: "titles" }, { field: "overview", group: "overview" },
  { field: "posterPath", group: "images" }, { field: "backdropPath", group: "images" }, { field: "logoPath", group: "images" },
  { field: "rating", group: "ratings" }, { field: "voteCount", group: "ratings" }, { field: "awards", group: "ratings" },
  { field: "credits", group: "people" }
]

const hint = (item: MetadataMovie | MetadataSeries, date: string | null): ItemHint => {
  const year = date === null ? NaN : Number(date.slice(0, 4))
  return { title: item.title, year: Number.isInteger(year) ? year : null, originalLanguage: item.originalLanguage }
}

/** Images and scores of every provider, in their groups' order (the first of a path or source stays). */
const gathered = <A extends MetadataMovie | MetadataSeries>(merged: Merged<A>): A => ({
  ...merged.value,
  images: [...new Map(merged.ordered("images").flatMap((a) => a.images).map((i) => [i.path, i] as const)).values()],
  ratings: [...new Map(merged.ordered("ratings").flatMap((a) => a.ratings).map((r) => [r.source, r] as const)).values()]
})

const known = (kind: ImageKind, path: string | null): ReadonlyArray<KnownImage> => (path === null ? [] : [{ path, kind }])
const listed = (images: ReadonlyArray<MetadataImage>): ReadonlyArray<KnownImage> => images.map((i) => ({ path: i.path, kind: i.kind }))
const profiles = (credits: ReadonlyArray<MetadataCredit>) => credits.flatMap((c) => known("profile", c.profilePath))

/**
 * Follow-up jobs enqueued at once by one fan-out: concurrent enqueues outside a transaction share one
 * insert (Jobs' group commit); inside one each would still be its own statement.
 */
const FAN_OUT: { readonly concurrency: number; readonly discard: true } = { concurrency: 10, discard: true }

const isNotFound = (e: { readonly _tag: string }) => e._tag === "ProviderRejected" && "reason" in e && e.reason === "not_found"

export class MetadataRefresh extends Context.Tag("@mediaserver/metadata/MetadataRefresh")<
  MetadataRefresh,
  {
    readonly library: (libraryId: LibraryId) => Effect.Effect<number, ProviderError | DatabaseError | JobPayloadInvalid>
    readonly movie: (id: MovieId) => Effect.Effect<void, RefreshError>
    /** Its seasons are refreshed by jobs of the same trigger (a manual refresh is not deduplicated by a scan's). */
    readonly series: (id: SeriesId, trigger: RefreshTrigger) => Effect.Effect<void, RefreshError>
    readonly season: (id: SeasonId) => Effect.Effect<void, RefreshError>
    readonly episode: (id: EpisodeId) => Effect.Effect<void, RefreshError>
    readonly person: (id: PersonId) => Effect.Effect<void, RefreshError>
    readonly enrich: (kind: ImageOwner, id: string) => Effect.Effect<void, RefreshError>
    readonly downloadImage: (path: string) => Effect.Effect<void, RefreshError>
  }
>() {
  static readonly layer = Layer.effect(
    MetadataRefresh,
    Effect.gen(function* () {
      const providers = yield* MetadataProviders
      const items = yield* ItemsRepo
      const absolute = yield* AbsoluteNumbers
      const people = yield* PeopleRepo
      const imagesRepo = yield* ImagesRepo
      const images = yield* Images
      const jobs = yield* Jobs
      const config = yield* AppConfig
      const context = yield* Effect.context<CacheStore>()
      const changed = (change: Parameters<typeof contentChanged>[0]) => Effect.provide(contentChanged(change), context)
      /** The search documents a write touched: its library's, or everyone's when a known person was renamed. */
      const inLibrary = (library: string, renamed: boolean) => (renamed ? {} : { libraries: [library] })

      const chain = providers.chain
      /** Records images under the provider each came from (by its path), else `primary`. */
      const record = (primary: string, list: ReadonlyArray<KnownImage>) =>
        imagesRepo.record(primary, list.map((i) => ({ ...i, provider: providers.ownerOf(i.path, primary) })))
      const missing = (what: string, id: string) => new NotFound({ message: `No ${what} ${id}` })
      const load = <A>(what: string, id: string, lookup: Effect.Effect<Option.Option<A>, DatabaseError>) =>
        Effect.flatMap(lookup, Option.match({ onNone: () => Effect.fail(missing(what, id)), onSome: Effect.succeed }))

      /** The provider id of an unmatched item, or None when the match is doubtful (candidates stored). */
      const match = (kind: ItemKind, item: Item, provider: MetadataProvider) =>
        Effect.gen(function* () {
          const tvOrMovie = kind === "movie" ? "movie" : "tv"
          if (item.imdb_id !== null) {
            const found = yield* provider.findByImdb(item.imdb_id, tvOrMovie)
            if (Option.isSome(found)) return found
          }
          const search = (year: number | null) =>
            (kind === "movie" ? provider.searchMovie : provider.searchTv)({ query: item.title, year: year ?? undefined }, { language: item.language })
          const exact = yield* search(item.year)
          const page = exact.results.length === 0 && item.year !== null ? yield* search(null) : exact
          const outcome = decide(provider.name, item.title, item.year, page.results)
          if (outcome.kind === "matched") return Option.some(outcome.id)
          yield* items.setState(kind, item.id, "unmatched", outcome.candidates)
          yield* changed({ ...(kind === "movie" ? { movies: [item.id] } : { series: [item.id] }), libraries: [item.library_id] })
          yield* Effect.logInfo(`metadata: no confident match for ${kind} "${item.title}" (${item.year ?? "no year"}); ${outcome.candidates.length} candidates kept`)
          return Option.none<string>()
        })

      /** Marks the item not found when the provider says so, and passes the error on. */
      const notFoundMarks = (mark: Effect.Effect<void, DatabaseError>) =>
        <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
          Effect.tapError(effect, (e) => (isNotFound(e) ? Effect.ignore(mark) : Effect.void))

      const titled = (kind: ItemKind) => (id: string, trigger: RefreshTrigger = "scan") =>
        Effect.gen(function* () {
          const item = yield* load(kind, id, kind === "movie" ? items.movie(id) : items.series(id))
          const chosen = yield* chain
          const tmdbId = item.tmdb_id !== null ? Option.some(item.tmdb_id) : yield* match(kind, item, chosen[0].provider)
          if (Option.isNone(tmdbId)) return
          const providerId = tmdbId.value
          const mark = items.setState(kind, id, "not_found", null)
          if (kind === "movie") {
            const movie = yield* fetchMerged(chosen, providerId, (p, pid, lookup) => p.movie(pid, lookup), {
              language: item.language, fresh: true,
              fields: [...TITLED_FIELDS, { field: "releaseDate", group: "titles" }, { field: "runtimeMinutes", group: "titles" }],
              originalLanguage: (m) => m.originalLanguage,
              crossLink: { kind: "movie", ids: (m) => m.externalIds, hint: (m) => hint(m, m.releaseDate), withIds: (m, externalIds) => ({ ...m, externalIds }) }
            }).pipe(Effect.map(gathered), notFoundMarks(mark))
            const { collectionId, renamed } = yield* jobs.withTransaction(Effect.gen(function* () {
              const collectionId = movie.collection === null ? null : yield* items.upsertCollection(movie.collection)
              yield* items.writeMovie(item, movie, collectionId)
              yield* items.linkGenres("movie", id, movie.genres)
              yield* items.linkCompanies("movie", id, movie.studios)
              const renamed = yield* people.replaceCredits("movie", [{ id, credits: movie.credits }])
              yield* record(chosen[0].provider.name, [
                ...listed(movie.images), ...known("poster", movie.posterPath), ...known("backdrop", movie.backdropPath),
                ...known("logo", movie.logoPath), ...known("poster", movie.collection?.posterPath ?? null),
                ...known("backdrop", movie.collection?.backdropPath ?? null), ...profiles(movie.credits)
              ])
              yield* jobs.enqueue(MetadataEnrichJob, { kind: "movie", id })
              return { collectionId, renamed }
            }))
            return yield* changed({ movies: [id], collections: collectionId === null ? [] : [collectionId], ...inLibrary(item.library_id, renamed) })
          }
          const series = yield* fetchMerged(chosen, providerId, (p, pid, lookup) => p.tv(pid, lookup), {
            language: item.language, fresh: true, fields: [...TITLED_FIELDS, { field: "firstAirDate", group: "titles" }],
            originalLanguage: (s) => s.originalLanguage,
            crossLink: { kind: "tv", ids: (s) => s.externalIds, hint: (s) => hint(s, s.firstAirDate), withIds: (s, externalIds) => ({ ...s, externalIds }) }
          }).pipe(Effect.map(gathered), notFoundMarks(mark))
          // Episodes a scan placed by their absolute number only (anime) move to the season the order says.
          const unplaced = yield* absolute.unplaced(id)
          const order = unplaced.length === 0 ? null : yield* orderFor(chosen, providerId, series, hint(series, series.firstAirDate))
          const renamed = yield* jobs.withTransaction(Effect.gen(function* () {
            yield* items.writeSeries(item, series)
            if (order !== null) yield* absolute.place(id, order)
            yield* items.linkGenres("series", id, series.genres)
            yield* items.linkCompanies("series", id, series.networks)
            const renamed = yield* people.replaceCredits("series", [{ id, credits: series.credits }])
            yield* record(chosen[0].provider.name, [
              ...listed(series.images), ...known("poster", series.posterPath), ...known("backdrop", series.backdropPath),
              ...known("logo", series.logoPath), ...series.seasons.flatMap((s) => known("poster", s.posterPath)), ...profiles(series.credits)
            ])
            const seasons = yield* items.seasonsOf(id)
            // With the series' writes, so one at a time: in a transaction there is no group commit to gain.
            yield* Effect.forEach(seasons, (seasonId) => jobs.enqueue(MetadataRefreshSeasonJob, { seasonId, trigger }), { discard: true })
            yield* jobs.enqueue(MetadataEnrichJob, { kind: "series", id })
            return renamed
          }))
          yield* changed({ series: [id], ...inLibrary(item.library_id, renamed) })
        })

      const unmatchedSeries = (seriesId: string) =>
        new ProviderRejected({ provider: "tmdb", reason: "invalid", message: `series ${seriesId} has no provider match yet` })

      const writeEpisodes = (seasonId: string, provider: string, episodes: ReadonlyArray<MetadataEpisode>) =>
        Effect.gen(function* () {
          const written = yield* items.writeEpisodes(seasonId, episodes)
          const renamed = yield* people.replaceCredits("episode", episodes.flatMap((e) => {
            const episodeId = written.get(e.episodeNumber)
            return episodeId === undefined ? [] : [{ id: episodeId, credits: e.credits }]
          }))
          yield* imagesRepo.record(provider, episodes.flatMap((e) => [...known("still", e.stillPath), ...listed(e.images), ...profiles(e.credits)]))
          return renamed
        })

      const season = (id: string) =>
        Effect.gen(function* () {
          const row = yield* load("season", id, items.season(id))
          if (row.series_tmdb_id === null) return yield* unmatchedSeries(row.series_id)
          const seriesTmdb = row.series_tmdb_id
          const chosen = yield* chain
          const { value: data } = yield* fetchMerged(chosen, seriesTmdb, (p, pid, lookup) => p.season(pid, row.season_number, lookup), {
            language: row.language, fresh: true, originalLanguage: () => null,
            fields: [{ field: "name", group: "titles" }, { field: "overview", group: "overview" }, { field: "posterPath", group: "images" }]
          })
          const renamed = yield* jobs.withTransaction(Effect.gen(function* () {
            yield* items.writeSeason(id, data)
            const renamed = yield* writeEpisodes(id, chosen[0].provider.name, data.episodes)
            yield* record(chosen[0].provider.name, [...known("poster", data.posterPath), ...listed(data.images)])
            yield* jobs.enqueue(MetadataEnrichJob, { kind: "season", id })
            return renamed
          }))
          yield* changed({ series: [row.series_id], ...inLibrary(row.library_id, renamed) })
        })

      const episode = (id: string) =>
        Effect.gen(function* () {
          const row = yield* load("episode", id, items.episode(id))
          if (row.series_tmdb_id === null) return yield* unmatchedSeries(row.series_id)
          if (row.episode_number === null) {
            return yield* new ProviderRejected({ provider: "tmdb", reason: "invalid", message: `episode ${id} has no episode number (a dated episode)` })
          }
          const seriesTmdb = row.series_tmdb_id
          const number = row.episode_number
          const chosen = yield* chain
          const { value: data } = yield* fetchMerged(chosen, seriesTmdb, (p, pid, lookup) => p.episode(pid, row.season_number, number, lookup), {
            language: row.language, fresh: true, originalLanguage: () => null,
            fields: [{ field: "title", group: "titles" }, { field: "overview", group: "overview" }, { field: "stillPath", group: "images" }]
          })
          const renamed = yield* jobs.withTransaction(Effect.gen(function* () {
            const renamed = yield* writeEpisodes(row.season_id, chosen[0].provider.name, [data])
            yield* jobs.enqueue(MetadataEnrichJob, { kind: "episode", id })
            return renamed
          }))
          yield* changed({ series: [row.series_id], ...inLibrary(row.library_id, renamed) })
        })

      const person = (id: string) =>
        Effect.gen(function* () {
          const row = yield* load("person", id, people.get(id))
          if (row.tmdb_id === null) {
            return yield* new ProviderRejected({ provider: "tmdb", reason: "invalid", message: `person ${id} has no provider id` })
          }
          const tmdbId = row.tmdb_id
          const chosen = yield* chain
          const { value: data } = yield* fetchMerged(chosen, tmdbId, (p, pid, lookup) => p.person(pid, lookup), {
            language: config.metadataLanguage, fresh: true, originalLanguage: () => null,
            fields: [
              { field: "biography", group: "people" }, { field: "birthday", group: "people" }, { field: "deathday", group: "people" },
              { field: "placeOfBirth", group: "people" }, { field: "profilePath", group: "images" }
            ]
          }).pipe(notFoundMarks(people.setState(id, "not_found")))
          const renamed = yield* jobs.withTransaction(Effect.gen(function* () {
            const renamed = yield* people.write(id, data)
            const pending = yield* record(chosen[0].provider.name, [...known("profile", data.profilePath), ...listed(data.images)])
            if (data.profilePath !== null && pending.includes(data.profilePath)) {
              yield* jobs.enqueue(MetadataDownloadImageJob, { provider: chosen[0].provider.name, path: data.profilePath })
            }
            return renamed
          }))
          // Their name is in the documents of every library crediting them.
          if (renamed) yield* Effect.provide(searchChanged(), context)
        })

      const enrich = (kind: ImageOwner, id: string) =>
        Effect.gen(function* () {
          const owners: ReadonlyArray<CreditOwner> = kind === "movie"
            ? [{ movie: id }]
            : kind === "series"
            ? [{ series: id }]
            : kind === "episode"
            ? [{ episode: id }]
            : (yield* items.episodesOf(id)).map((episode) => ({ episode }))
          const pendingPeople = yield* people.pendingOf(owners)
          const pendingImages = yield* Effect.flatMap(items.imagePaths(kind, id), imagesRepo.missing)
          // Enqueues only, so no transaction: a retry after a partial failure finds the rest still
          // pending, and uniqueness drops what was already enqueued.
          yield* Effect.all([
            ...pendingPeople.map((personId) => jobs.enqueue(MetadataRefreshPersonJob, { personId, trigger: "scan" })),
            ...pendingImages.map((image) => jobs.enqueue(MetadataDownloadImageJob, { provider: image.provider, path: image.path }))
          ], FAN_OUT)
        })

      return {
        library: (libraryId) =>
          Effect.gen(function* () {
            // Without a provider the items stay pending: one discarded run says why, not one per item.
            yield* chain
            const pending = yield* items.pending(libraryId)
            // As in `enrich`: enqueues only, outside a transaction, repeats dropped by uniqueness.
            yield* Effect.all([
              ...pending.movies.map((movieId) => jobs.enqueue(MetadataRefreshMovieJob, { movieId, trigger: "scan" })),
              ...pending.series.map((seriesId) => jobs.enqueue(MetadataRefreshSeriesJob, { seriesId, trigger: "scan" })),
              ...pending.episodes.map((episodeId) => jobs.enqueue(MetadataRefreshEpisodeJob, { episodeId, trigger: "scan" }))
            ], FAN_OUT)
            return pending.movies.length + pending.series.length + pending.episodes.length
          }),
        movie: titled("movie"),
        series: titled("series"),
        season,
        episode,
        person,
        enrich,
        downloadImage: (path) => Effect.asVoid(images.download(path))
      }
    })
  )
}
