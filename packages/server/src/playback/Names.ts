/**
 * The names under `/playback/stream/{sessionId}/`, parsed against a closed grammar. Nothing a client
 * sends ever becomes part of a file path: a name is a profile from the ladder plus a number, or it is
 * refused (400 naming the field). So `..`, `%2F`, absolute paths and odd encodings cannot read files.
 */
import { BadRequest, type PlaybackProfile, type SegmentFormat, type SegmentPart } from "@mediaserver/domain"
import { Either } from "effect"

export type StreamTarget =
  | { readonly _tag: "master" }
  | { readonly _tag: "media"; readonly profile: PlaybackProfile }
  | { readonly _tag: "segment"; readonly profile: PlaybackProfile; readonly part: SegmentPart; readonly format: SegmentFormat }
  | { readonly _tag: "subtitlePlaylist"; readonly track: number }
  | { readonly _tag: "subtitle"; readonly track: number }
  /** An alternate audio rendition (a stream of the file) and its segments. */
  | { readonly _tag: "audioPlaylist"; readonly stream: number }
  | { readonly _tag: "audioSegment"; readonly stream: number; readonly part: number }

const PROFILES: ReadonlyArray<PlaybackProfile> = ["original", "4k", "1080p", "720p", "480p"]
const isProfile = (s: string): s is PlaybackProfile => PROFILES.some((p) => p === s)

const SEGMENT = /^(0|[1-9][0-9]{0,6})\.(ts|m4s)$/
const SUBTITLE = /^(0|[1-9][0-9]{0,3})\.(m3u8|vtt)$/
const AUDIO = /^(0|[1-9][0-9]{0,3})(?:\.(0|[1-9][0-9]{0,6})\.ts|\.m3u8)$/

const refuse = (field: string, value: string) =>
  Either.left(new BadRequest({ message: `Not a stream name: ${JSON.stringify(value.slice(0, 100))}`, details: { field } }))

/** `[name]`, `[profile, name]`, `["subtitles", name]` or `["audio", name]`: the path below the session. */
export const parseStreamPath = (parts: ReadonlyArray<string>): Either.Either<StreamTarget, BadRequest> => {
  const [first = "", second, ...rest] = parts
  if (rest.length > 0) return refuse("name", parts.join("/"))
  if (second === undefined) return first === "master.m3u8" ? Either.right({ _tag: "master" }) : refuse("name", first)
  if (first === "subtitles") {
    const match = SUBTITLE.exec(second)
    if (match === null) return refuse("name", second)
    const track = Number(match[1])
    return Either.right(match[2] === "m3u8" ? { _tag: "subtitlePlaylist", track } : { _tag: "subtitle", track })
  }
  if (first === "audio") {
    const match = AUDIO.exec(second)
    if (match === null) return refuse("name", second)
    const stream = Number(match[1])
    return Either.right(match[2] === undefined ? { _tag: "audioPlaylist", stream } : { _tag: "audioSegment", stream, part: Number(match[2]) })
  }
  if (!isProfile(first)) return refuse("profile", first)
  if (second === "index.m3u8") return Either.right({ _tag: "media", profile: first })
  if (second === "init.mp4") return Either.right({ _tag: "segment", profile: first, part: "init", format: "fmp4" })
  const match = SEGMENT.exec(second)
  if (match === null) return refuse("name", second)
  return Either.right({ _tag: "segment", profile: first, part: Number(match[1]), format: match[2] === "ts" ? "ts" : "fmp4" })
}
