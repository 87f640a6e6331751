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
  type MetadataRefreshSeriesJob
} from "@mediaserver/domain"
import { Events } from "@mediaserver/server/events"
import { MetadataRefresh } from "@mediaserver/server/metadata"
import { Effect } from "effect"

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

/** A refresh that gave up (out of attempts, or refused by the provider): `metadata.refresh_failed`. */
export const refreshGaveUp = <A>(itemKind: "movie" | "series" | "season" | "episode" | "person", idOf: (payload: A) => string) =>
(payload: A, reason: string) =>
  Effect.flatMap(Events, (events) => events.publish(new MetadataRefreshFailed({ libraryId: null, itemKind, itemId: idOf(payload), reason })))
