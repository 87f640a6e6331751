/** Ids of content rows: what scans create and metadata, browsing and playback refer to. */
import { Schema } from "effect"

export const MovieId = Schema.UUID.pipe(Schema.brand("MovieId"))
export type MovieId = typeof MovieId.Type
export const SeriesId = Schema.UUID.pipe(Schema.brand("SeriesId"))
export type SeriesId = typeof SeriesId.Type
export const SeasonId = Schema.UUID.pipe(Schema.brand("SeasonId"))
export type SeasonId = typeof SeasonId.Type
export const EpisodeId = Schema.UUID.pipe(Schema.brand("EpisodeId"))
export type EpisodeId = typeof EpisodeId.Type
export const MediaFileId = Schema.UUID.pipe(Schema.brand("MediaFileId"))
export type MediaFileId = typeof MediaFileId.Type
export const PersonId = Schema.UUID.pipe(Schema.brand("PersonId"))
export type PersonId = typeof PersonId.Type
export const CollectionId = Schema.UUID.pipe(Schema.brand("CollectionId"))
export type CollectionId = typeof CollectionId.Type
export const GenreId = Schema.UUID.pipe(Schema.brand("GenreId"))
export type GenreId = typeof GenreId.Type
export const CompanyId = Schema.UUID.pipe(Schema.brand("CompanyId"))
export type CompanyId = typeof CompanyId.Type

/** Something a user watches: a movie or an episode. */
export const WatchItem = Schema.Union(
  Schema.TaggedStruct("movie", { id: MovieId }),
  Schema.TaggedStruct("episode", { id: EpisodeId })
)
export type WatchItem = typeof WatchItem.Type

/** A user's state on one movie or episode. `percent` is 0..100; past the threshold it counts as watched. */
export class WatchProgress extends Schema.Class<WatchProgress>("WatchProgress")({
  item: WatchItem,
  positionSeconds: Schema.Number,
  durationSeconds: Schema.NullOr(Schema.Number),
  percent: Schema.Number,
  watched: Schema.Boolean,
  playCount: Schema.Int,
  lastWatchedAt: Schema.NullOr(Schema.DateTimeUtc),
  updatedAt: Schema.DateTimeUtc
}) {}
