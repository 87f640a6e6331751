/**
 * Handlers of the metadata job kinds: each runs one step of the refresh pipeline (server's
 * MetadataRefresh). Provider 404s and refusals fail with ProviderRejected, which the kinds discard;
 * timeouts, 5xx and 429 fail with ProviderUnavailable and are retried with backoff.
 */
import {
  type MetadataDownloadImageJob,
  type MetadataEnrichJob,
  type MetadataRefreshEpisodeJob,
  type MetadataRefreshLibraryJob,
  type MetadataRefreshMovieJob,
  type MetadataRefreshPersonJob,
  type MetadataRefreshSeasonJob,
  MetadataRefreshFailed,
  type MetadataRefreshSeriesJob,
  LibraryId
} from "@mediaserver/domain"
import { SqlClient } from "@effect/sql"
import { Events } from "@mediaserver/server/events"
import { MetadataRefresh } from "@mediaserver/server/metadata"
import { Effect, Option, Schema } from "effect"

export const refreshLibraryJob = ({ libraryId }: typeof MetadataRefreshLibraryJob.payload.Type) =>
  Effect.flatMap(MetadataRefresh, (r) =>
    Effect.flatMap(r.library(libraryId), (count) => Effect.logInfo(`metadata: ${count} items of library ${libraryId} queued for refresh`)))

export const refreshMovieJob = (payload: typeof MetadataRefreshMovieJob.payload.Type) =>
  Effect.flatMap(MetadataRefresh, (r) => r.movie(payload.movieId))

export const refreshSeriesJob = (payload: typeof MetadataRefreshSeriesJob.payload.Type) =>
  Effect.flatMap(MetadataRefresh, (r) => r.series(payload.seriesId, payload.trigger))

export const refreshSeasonJob = (payload: typeof MetadataRefreshSeasonJob.payload.Type) =>
  Effect.flatMap(MetadataRefresh, (r) => r.season(payload.seasonId))

export const refreshEpisodeJob = (payload: typeof MetadataRefreshEpisodeJob.payload.Type) =>
  Effect.flatMap(MetadataRefresh, (r) => r.episode(payload.episodeId))

export const refreshPersonJob = (payload: typeof MetadataRefreshPersonJob.payload.Type) =>
  Effect.flatMap(MetadataRefresh, (r) => r.person(payload.personId))

export const enrichJob = (payload: typeof MetadataEnrichJob.payload.Type) =>
  Effect.flatMap(MetadataRefresh, (r) => r.enrich(payload.kind, payload.id))

export const downloadImageJob = (payload: typeof MetadataDownloadImageJob.payload.Type) =>
  Effect.flatMap(MetadataRefresh, (r) => r.downloadImage(payload.path))

type RefreshedKind = "movie" | "series" | "season" | "episode" | "person"

/**
 * The library an item is in, for the event (people belong to none). A lookup that fails leaves it
 * null: the event still goes out.
 */
const libraryOfItem = (kind: RefreshedKind, id: string) =>
  Effect.gen(function* () {
    if (kind === "person") return null
    const sql = yield* SqlClient.SqlClient
    const rows = yield* (kind === "movie"
      ? sql`SELECT library_id FROM movies WHERE id = ${id}`
      : kind === "series"
      ? sql`SELECT library_id FROM series WHERE id = ${id}`
      : kind === "season"
      ? sql`SELECT s.library_id FROM seasons se JOIN series s ON s.id = se.series_id WHERE se.id = ${id}`
      : sql`SELECT s.library_id FROM episodes e JOIN series s ON s.id = e.series_id WHERE e.id = ${id}`)
    return Option.getOrNull(Schema.decodeUnknownOption(LibraryId)(rows[0]?.library_id))
  }).pipe(Effect.orElseSucceed(() => null))

/** A refresh that gave up (out of attempts, or refused by the provider): `metadata.refresh_failed`. */
export const refreshGaveUp = <A>(itemKind: RefreshedKind, idOf: (payload: A) => string) =>
(payload: A, reason: string) =>
  Effect.gen(function* () {
    const itemId = idOf(payload)
    const libraryId = yield* libraryOfItem(itemKind, itemId)
    const events = yield* Events
    yield* events.publish(new MetadataRefreshFailed({ libraryId, itemKind, itemId, reason }))
  })
