/**
 * How a file reaches a client: direct play (the file as is), remux (HLS, streams copied) or transcode
 * (HLS, H.264 + AAC), with the reasons, and the HLS variants (profiles) it may offer. Pure: the probe
 * comes from the scan's cache. Variants never exceed the source's resolution nor the client's limits.
 */
import {
  type AudioStream,
  type ClientProfile,
  type MediaInfo,
  PlaybackDecision,
  type PlaybackProfile,
  Unprocessable,
  type VideoStream
} from "@mediaserver/domain"
import { Either } from "effect"

export interface Rung {
  readonly profile: Exclude<PlaybackProfile, "original">
  readonly height: number
  /** Video bits per second. */
  readonly bitrate: number
}

export const LADDER: ReadonlyArray<Rung> = [
  { profile: "4k", height: 2160, bitrate: 15_000_000 },
  { profile: "1080p", height: 1080, bitrate: 5_000_000 },
  { profile: "720p", height: 720, bitrate: 2_800_000 },
  { profile: "480p", height: 480, bitrate: 1_400_000 }
]

/** AAC stereo (or downmixed) when the audio is encoded. */
export const AUDIO_BITRATE = 128_000

/** Codecs HLS can carry when copied. */
const HLS_VIDEO = new Set(["h264", "hevc"])
const HLS_AUDIO = new Set(["aac", "mp3", "ac3", "eac3"])

const aliases: Readonly<Record<string, string>> = {
  avc: "h264", avc1: "h264", h265: "hevc", hvc1: "hevc", hev1: "hevc", matroska: "mkv", m4v: "mp4", mov: "mp4"
}
const norm = (name: string) => {
  const lower = name.toLowerCase()
  return aliases[lower] ?? lower
}
/** Whether HLS carries this audio codec as it is. */
export const hlsCarries = (audio: AudioStream) => HLS_AUDIO.has(norm(audio.codec))

const supports = (list: ReadonlyArray<string>, name: string) => list.some((n) => norm(n) === norm(name))

export interface Choice {
  readonly audioStream?: number | undefined
  readonly downmix?: boolean | undefined
  readonly burnSubtitle?: boolean | undefined
}

/** The file's default audio stream, else its first; null for a file without audio. */
export const defaultAudio = (info: MediaInfo): AudioStream | null => info.audio.find((a) => a.default) ?? info.audio[0] ?? null

/** The audio stream of a session that chose `index` (null: the default). */
export const sessionAudio = (info: MediaInfo, index: number | null): AudioStream | null =>
  index === null ? defaultAudio(info) : info.audio.find((a) => a.index === index) ?? null

/** The audio stream a session plays: the one asked for, else the default, else the first. */
export const chooseAudio = (info: MediaInfo, asked: number | undefined): Either.Either<AudioStream | null, Unprocessable> => {
  if (asked === undefined) return Either.right(defaultAudio(info))
  const found = info.audio.find((a) => a.index === asked)
  return found === undefined
    ? Either.left(new Unprocessable({ message: `The file has no audio stream ${asked}`, details: { field: "audioStream" } }))
    : Either.right(found)
}

export const decide = (
  info: MediaInfo,
  client: ClientProfile,
  choice: Choice
): Either.Either<PlaybackDecision, Unprocessable> =>
  Either.gen(function* () {
    const video = info.video
    if (video === null) {
      return yield* Either.left(new Unprocessable({ message: "The file has no video stream", details: { field: "fileId" } }))
    }
    const audio = yield* chooseAudio(info, choice.audioStream)
    const fileDefault = defaultAudio(info)
    const downmix = choice.downmix === true && audio !== null && (audio.channels ?? 2) > 2
    const burn = choice.burnSubtitle === true

    const reasons: Array<string> = []
    const containerOk = supports(client.containers, info.container)
    const videoOk = supports(client.videoCodecs, video.codec)
    const audioOk = audio === null || supports(client.audioCodecs, audio.codec)
    const heightOk = client.maxHeight === undefined || video.height <= client.maxHeight
    const bitrateOk = client.maxBitrate === undefined || info.bitrate === null || info.bitrate <= client.maxBitrate
    if (!containerOk) reasons.push(`container ${info.container} is not supported by the client`)
    if (!videoOk) reasons.push(`video codec ${video.codec} is not supported by the client`)
    if (!audioOk && audio !== null) reasons.push(`audio codec ${audio.codec} is not supported by the client`)
    if (!heightOk) reasons.push(`resolution ${video.height}p is above the client's ${client.maxHeight}p`)
    if (!bitrateOk) reasons.push(`bitrate ${info.bitrate} b/s is above the client's ${client.maxBitrate} b/s`)
    if (downmix) reasons.push(`audio is mixed down from ${audio?.channels} channels to stereo`)
    if (audio !== null && audio !== fileDefault) reasons.push(`audio stream ${audio.index} is not the file's default track`)
    if (burn) reasons.push("subtitles are burned into the picture")

    if (containerOk && videoOk && audioOk && heightOk && bitrateOk && !downmix && !burn && audio === fileDefault) {
      return new PlaybackDecision({
        method: "direct",
        reasons: [`the client plays ${info.container} with ${video.codec}${audio === null ? "" : ` and ${audio.codec}`} as is`],
        profiles: [],
        copyVideo: true,
        copyAudio: true
      })
    }
    const copyVideo = videoOk && heightOk && bitrateOk && !burn && HLS_VIDEO.has(norm(video.codec))
    const copyAudio = audio === null || (audioOk && !downmix && HLS_AUDIO.has(norm(audio.codec)))
    if (!copyVideo && videoOk && heightOk && bitrateOk && !burn) reasons.push(`video codec ${video.codec} cannot be carried in HLS`)
    const rungs = LADDER.filter((r) => r.height < video.height && fits(client, r.height, r.bitrate)).map((r) => r.profile)
    const original = copyVideo || fits(client, video.height, originalBitrate(video))
    const profiles: Array<PlaybackProfile> = original ? ["original", ...rungs] : rungs
    if (profiles.length === 0) {
      return yield* Either.left(new Unprocessable({
        message: "No transcode profile fits the client's limits",
        details: { field: "client.maxHeight" }
      }))
    }
    return new PlaybackDecision({ method: copyVideo ? "remux" : "transcode", reasons, profiles, copyVideo, copyAudio })
  })

const fits = (client: ClientProfile, height: number, bitrate: number) =>
  (client.maxHeight === undefined || height <= client.maxHeight) &&
  (client.maxBitrate === undefined || bitrate + AUDIO_BITRATE <= client.maxBitrate)

/** Encoding at the source's resolution: the bitrate of the smallest rung at least that tall. */
export const originalBitrate = (video: VideoStream): number =>
  [...LADDER].reverse().find((r) => r.height >= video.height)?.bitrate ?? 15_000_000

export interface Variant {
  readonly profile: PlaybackProfile
  readonly copy: boolean
  readonly width: number
  readonly height: number
  /** Video bits per second (encoded), or the source's overall rate (copied). */
  readonly bitrate: number
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2)

/** What one profile of a decision produces. */
export const variantOf = (info: MediaInfo, video: VideoStream, decision: PlaybackDecision, profile: PlaybackProfile): Variant => {
  const rung = LADDER.find((r) => r.profile === profile)
  if (rung === undefined) {
    return decision.copyVideo
      ? { profile, copy: true, width: video.width, height: video.height, bitrate: info.bitrate ?? originalBitrate(video) }
      : { profile, copy: false, width: even(video.width), height: even(video.height), bitrate: originalBitrate(video) }
  }
  return { profile, copy: false, width: even((video.width * rung.height) / video.height), height: rung.height, bitrate: rung.bitrate }
}
