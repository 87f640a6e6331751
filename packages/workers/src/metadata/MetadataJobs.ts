/**
 * Handlers of the metadata job kinds: each runs one step of the refresh pipeline (server's
 * MetadataRefresh). Provider 404s and refusals fail with ProviderRejected, which the kinds discard;
 * timeouts, 5xx and 429 fail with ProviderUnavailable and are retried with backoff.
 */
import type { RefreshTrigger } from "@mediaserver/domain"
import { MetadataRefresh } from "@mediaserver/server/metadata/index"
import { Effect } from "effect"

type Kind = "movie" | "series" | "season" | "episode"

export const refreshLibraryJob = (payload: { readonly libraryId: string }) =>
  Effect.flatMap(MetadataRefresh, (r) =>
    Effect.flatMap(r.library(payload.libraryId), (count) => Effect.logInfo(`metadata: ${count} items of library ${payload.libraryId} queued for refresh`)))

export const refreshMovieJob = (payload: { readonly movieId: string; readonly trigger: RefreshTrigger }) =>
  Effect.flatMap(MetadataRefresh, (r) => r.movie(payload.movieId))

export const refreshSeriesJob = (payload: { readonly seriesId: string; readonly trigger: RefreshTrigger }) =>
  Effect.flatMap(MetadataRefresh, (r) => r.series(payload.seriesId, payload.trigger))

export const refreshSeasonJob = (payload: { readonly seasonId: string; readonly trigger: RefreshTrigger }) =>
  Effect.flatMap(MetadataRefresh, (r) => r.season(payload.seasonId))

export const refreshEpisodeJob = (payload: { readonly episodeId: string; readonly trigger: RefreshTrigger }) =>
  Effect.flatMap(MetadataRefresh, (r) => r.episode(payload.episodeId))

export const refreshPersonJob = (payload: { readonly personId: string; readonly trigger: RefreshTrigger }) =>
  Effect.flatMap(MetadataRefresh, (r) => r.person(payload.personId))

export const enrichJob = (payload: { readonly kind: Kind; readonly id: string }) =>
  Effect.flatMap(MetadataRefresh, (r) => r.enrich(payload.kind, payload.id))

export const downloadImageJob = (payload: { readonly provider: string; readonly path: string }) =>
  Effect.flatMap(MetadataRefresh, (r) => r.downloadImage(payload.path))
