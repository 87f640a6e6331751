/**
 * A file's subtitle tracks as a session offers them: embedded streams first, then external files, each
 * with an id; text tracks become WebVTT renditions, image tracks (PGS, DVD, DVB) are only burned in.
 */
import { type MediaInfo, PlaybackSubtitle, Unprocessable } from "@mediaserver/domain"
import { Either } from "effect"
import type { ExternalSubtitle, SubtitleSource } from "./SessionsRepo.js"

const IMAGE_CODECS = new Set(["hdmv_pgs_subtitle", "pgssub", "dvd_subtitle", "dvdsub", "dvb_subtitle", "dvbsub", "xsub"])
export const isImageSubtitle = (codec: string) => IMAGE_CODECS.has(codec.toLowerCase())

export interface Tracks {
  readonly subtitles: ReadonlyArray<PlaybackSubtitle>
  readonly sources: ReadonlyArray<SubtitleSource>
}

export const subtitleTracks = (
  info: MediaInfo,
  external: ReadonlyArray<ExternalSubtitle>,
  chosen: number | undefined,
  burn: boolean
): Either.Either<Tracks, Unprocessable> => {
  const all = [
    ...info.subtitles.map((s) => ({ codec: s.codec, language: s.language, title: s.title, index: s.index, path: null, external: false })),
    ...external.map((s) => ({ codec: s.codec, language: s.language, title: s.title, index: null, path: s.external_path, external: true }))
  ]
  if (chosen !== undefined && all[chosen] === undefined) {
    return Either.left(new Unprocessable({ message: `The file has no subtitle track ${chosen}`, details: { field: "subtitle" } }))
  }
  if (burn) {
    const track = chosen === undefined ? undefined : all[chosen]
    if (track === undefined || track.external || !isImageSubtitle(track.codec)) {
      return Either.left(new Unprocessable({
        message: "Only an embedded image subtitle track (PGS, DVD, DVB) is burned in; text tracks are offered as WebVTT",
        details: { field: "burnSubtitle" }
      }))
    }
  }
  return Either.right({
    subtitles: all.map((s, id) =>
      new PlaybackSubtitle({
        id,
        codec: s.codec,
        language: s.language,
        title: s.title,
        external: s.external,
        delivery: isImageSubtitle(s.codec) ? (burn && id === chosen ? "burn-in" : "none") : "webvtt"
      })),
    sources: all.map((s, id) => ({ id, index: s.index, path: s.path }))
  })
}
