/** Ids from the URL, checked by the domain's schemas (a malformed one is "not found", not a request). */
import { CollectionId, EpisodeId, MovieId, PersonId, SeriesId } from "@mediaserver/domain"
import { Option, Schema } from "effect"

export const movieId = (raw: string) => Option.getOrNull(Schema.decodeUnknownOption(MovieId)(raw))
export const seriesId = (raw: string) => Option.getOrNull(Schema.decodeUnknownOption(SeriesId)(raw))
export const collectionId = (raw: string) => Option.getOrNull(Schema.decodeUnknownOption(CollectionId)(raw))
export const personId = (raw: string) => Option.getOrNull(Schema.decodeUnknownOption(PersonId)(raw))
export const episodeId = (raw: string) => Option.getOrNull(Schema.decodeUnknownOption(EpisodeId)(raw))

export const clock = (seconds: number) => {
  const s = Math.max(0, Math.floor(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const pad = (n: number) => String(n).padStart(2, "0")
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`
}
