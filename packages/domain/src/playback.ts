/**
 * Playback: a session per play (decision, chosen tracks, position), its REST/RPC operations, the HLS
 * and direct-play stream endpoints, and the `PlaybackSession` entity protocol (the entity owns ffmpeg).
 */
import { Entity } from "@effect/cluster"
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import {
  BadRequest,
  Conflict,
  Forbidden,
  HttpBadRequest,
  HttpConflict,
  HttpForbidden,
  HttpNotFound,
  HttpUnauthorized,
  HttpUnavailable,
  HttpUnprocessable,
  httpError,
  NotFound,
  Unavailable,
  Unprocessable
} from "./errors.js"
import { MediaFileId, WatchItem } from "./contentIds.js"
import { Authentication, RpcAuthentication, UserId } from "./identity.js"
import { about, doc } from "./apiDocs.js"

export const PlaybackSessionId = Schema.UUID.pipe(Schema.brand("PlaybackSessionId"))
export type PlaybackSessionId = typeof PlaybackSessionId.Type

/** `original` keeps the source resolution; the others are the transcode ladder (never above the source). */
export const PlaybackProfile = Schema.Literal("original", "4k", "1080p", "720p", "480p")
export type PlaybackProfile = typeof PlaybackProfile.Type

export const PlayMethod = Schema.Literal("direct", "remux", "transcode")
export type PlayMethod = typeof PlayMethod.Type

export const SegmentFormat = Schema.Literal("ts", "fmp4")
export type SegmentFormat = typeof SegmentFormat.Type

/**
 * The names a client profile may use, lower case: the containers and codecs probing gives files
 * (ffprobe's codec names), and the aliases players use for them (`avc1` is `h264`, `matroska` is `mkv`).
 * Enumerated, so a client learns the vocabulary from the API document and a typo is a 400, not a
 * silent transcode.
 */
export const ClientContainer = Schema.Literal("mp4", "m4v", "mov", "mkv", "matroska", "webm", "ts", "avi", "flv", "wmv", "ogg")
export type ClientContainer = typeof ClientContainer.Type
export const ClientVideoCodec = Schema.Literal(
  "h264", "avc", "avc1", "hevc", "h265", "hvc1", "hev1", "av1", "vp8", "vp9", "mpeg4", "mpeg2video", "mpeg1video", "vc1", "theora", "wmv3"
)
export type ClientVideoCodec = typeof ClientVideoCodec.Type
export const ClientAudioCodec = Schema.Literal(
  "aac", "mp3", "mp2", "ac3", "eac3", "dts", "truehd", "opus", "vorbis", "flac", "alac", "pcm_s16le", "pcm_s24le", "wmav2"
)
export type ClientAudioCodec = typeof ClientAudioCodec.Type

/** What the client plays as is. */
export class ClientProfile extends Schema.Class<ClientProfile>("ClientProfile")(
  Schema.Struct({
    /** Containers it plays directly. */
    containers: Schema.Array(ClientContainer),
    videoCodecs: Schema.Array(ClientVideoCodec),
    audioCodecs: Schema.Array(ClientAudioCodec),
    maxHeight: Schema.optional(Schema.Int.pipe(Schema.positive())),
    /** Bits per second. */
    maxBitrate: Schema.optional(Schema.Int.pipe(Schema.positive())),
    /** HLS segments: MPEG-TS (default) or fragmented MP4. */
    segmentFormat: Schema.optional(SegmentFormat)
  }).annotations({ examples: [{ containers: ["mp4", "webm"], videoCodecs: ["h264", "vp9"], audioCodecs: ["aac", "opus"], maxHeight: 1080 }] })
) {}

export class CreatePlaybackSessionRequest extends Schema.Class<CreatePlaybackSessionRequest>(
  "CreatePlaybackSessionRequest"
)({
  item: WatchItem,
  /** One of the item's files; default: its first probed one. */
  fileId: Schema.optional(MediaFileId),
  /** Default: the user's resume position (0 once watched). */
  startSeconds: Schema.optional(Schema.Number.pipe(Schema.nonNegative())),
  client: ClientProfile,
  /** The audio stream (its index in the file); default: the file's default track. */
  audioStream: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
  /** Mix the audio down to stereo. */
  downmix: Schema.optional(Schema.Boolean),
  /** A subtitle track id (see `subtitles` of the session): shown by default, or burned in. */
  subtitle: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
  /** Burn the chosen (image) subtitle into the picture; forces a transcode. */
  burnSubtitle: Schema.optional(Schema.Boolean)
}) {}

export class PlaybackDecision extends Schema.Class<PlaybackDecision>("PlaybackDecision")({
  method: PlayMethod,
  /** Why, in words (one per finding). */
  reasons: Schema.Array(Schema.String),
  /** HLS variants offered, best first (empty for direct play). */
  profiles: Schema.Array(PlaybackProfile),
  /** Whether the HLS video is copied (remux) or encoded; audio likewise. */
  copyVideo: Schema.Boolean,
  copyAudio: Schema.Boolean
}) {}

export const SubtitleDelivery = Schema.Literal("webvtt", "burn-in", "none")

export class PlaybackSubtitle extends Schema.Class<PlaybackSubtitle>("PlaybackSubtitle")({
  /** The track id: position among the file's subtitles (embedded first, then external files). */
  id: Schema.Int,
  codec: Schema.String,
  language: Schema.NullOr(Schema.String),
  title: Schema.NullOr(Schema.String),
  external: Schema.Boolean,
  /** Text tracks are offered as WebVTT renditions; image tracks only burned in on request. */
  delivery: SubtitleDelivery
}) {}

export const PlaybackState = Schema.Literal("active", "stopped")

export class PlaybackUrls extends Schema.Class<PlaybackUrls>("PlaybackUrls")({
  /** The file as is, with Range (direct play only). */
  direct: Schema.NullOr(Schema.String),
  /**
   * The same stream by URL alone, for players that send no header or cookie: a token of this session
   * only, valid while it is active, for its playlists, segments, subtitles and file, nothing else.
   */
  signedDirect: Schema.optional(Schema.NullOr(Schema.String)),
  signedMaster: Schema.optional(Schema.NullOr(Schema.String)),
  /** The HLS master playlist (remux and transcode). */
  master: Schema.NullOr(Schema.String)
}) {}

/** How a session plays its file, fixed at creation. */
export const PlaybackChoice = Schema.Struct({
  segmentFormat: SegmentFormat,
  segmentSeconds: Schema.Number,
  audioStream: Schema.NullOr(Schema.Int),
  downmix: Schema.Boolean,
  subtitle: Schema.NullOr(Schema.Int),
  burnSubtitle: Schema.Boolean,
  subtitles: Schema.Array(PlaybackSubtitle)
})

export class PlaybackSession extends Schema.Class<PlaybackSession>("PlaybackSession")({
  id: PlaybackSessionId,
  userId: UserId,
  item: WatchItem,
  fileId: MediaFileId,
  decision: PlaybackDecision,
  ...PlaybackChoice.fields,
  durationSeconds: Schema.Number,
  positionSeconds: Schema.Number,
  paused: Schema.Boolean,
  state: PlaybackState,
  stopReason: Schema.NullOr(Schema.String),
  /** The node whose entity last served the session (its ffmpeg runs there). */
  node: Schema.NullOr(Schema.String),
  urls: PlaybackUrls,
  createdAt: Schema.DateTimeUtc,
  lastActiveAt: Schema.DateTimeUtc
}) {}

export class PlaybackHeartbeat extends Schema.Class<PlaybackHeartbeat>("PlaybackHeartbeat")(
  Schema.Struct({
    positionSeconds: Schema.Number.pipe(Schema.nonNegative()),
    paused: Schema.Boolean
  }).annotations({ examples: [{ positionSeconds: 754.2, paused: false }] })
) {}

/** 416: a Range header that does not fit the file; `details.size` is the file's size. */
export class RangeNotSatisfiable extends Schema.TaggedError<RangeNotSatisfiable>()("RangeNotSatisfiable", {
  message: Schema.String,
  details: Schema.optional(Schema.Unknown)
}) {
  get family(): "Discard" {
    return "Discard"
  }
}
export const HttpRangeNotSatisfiable = httpError(RangeNotSatisfiable, "RangeNotSatisfiable", 416, {
  description: "The Range header does not fit the file; `details.size` is the file's size.",
  example: { code: "RangeNotSatisfiable", message: "The range is outside the file", details: { size: 1048576 } }
})

const sessionPath = Schema.Struct({ sessionId: PlaybackSessionId })
const mpegUrl = HttpApiSchema.Text({ contentType: "application/vnd.apple.mpegurl" })
const bytes = HttpApiSchema.Uint8Array({ contentType: "application/octet-stream" })

export class PlaybackApi extends HttpApiGroup.make("playback")
  .annotateContext(about("Playback sessions: the server decides between direct play, remux and transcode for the client's profile, then serves the file, or HLS playlists, segments and subtitles."))
  .add(
    HttpApiEndpoint.post("create", "/playback/sessions")
      .setPayload(CreatePlaybackSessionRequest)
      .addSuccess(PlaybackSession, { status: 201 })
      .addError(HttpUnprocessable)
      .annotateContext(doc("Start playback", "Starts a session for a movie or episode: the server compares the file with the client's profile (containers, codecs, height, bitrate) and decides direct play, remux or transcode, with the reasons. The answer holds the URLs to play (file with Range, or HLS master playlist). 422 when the file cannot be played."))
  )
  .add(
    HttpApiEndpoint.get("get", "/playback/sessions/:sessionId").setPath(sessionPath).addSuccess(PlaybackSession)
      .annotateContext(doc("Get a playback session", "The session's decision, chosen tracks, position and URLs."))
  )
  .add(
    HttpApiEndpoint.del("stop", "/playback/sessions/:sessionId").setPath(sessionPath).addSuccess(HttpApiSchema.NoContent)
      .annotateContext(doc("Stop playback", "Ends the session and its transcoder; the last position is kept as progress."))
  )
  .add(
    HttpApiEndpoint.post("heartbeat", "/playback/sessions/:sessionId/heartbeat")
      .setPath(sessionPath)
      .setPayload(PlaybackHeartbeat)
      .addSuccess(PlaybackSession)
      .annotateContext(doc("Report playback position", "Tells the server the session is alive and where the player is (and whether paused); the position is saved as progress. A session without heartbeats ends after its idle timeout."))
  )
  .add(
    HttpApiEndpoint.get("direct", "/playback/stream/:sessionId/direct")
      .setPath(sessionPath)
      .addSuccess(bytes)
      .addError(HttpRangeNotSatisfiable)
      .annotateContext(doc("Stream the file", "The file as is, for direct play, with HTTP Range (206 partial content; 416 for a range outside the file)."))
  )
  .add(
    HttpApiEndpoint.get("master", "/playback/stream/:sessionId/master.m3u8").setPath(sessionPath).addSuccess(mpegUrl)
      .annotateContext(doc("Get the HLS master playlist", "The HLS master playlist of a remux or transcode session: one variant per offered profile, and the subtitle renditions."))
  )
  .add(
    HttpApiEndpoint.get("subtitles", "/playback/stream/:sessionId/subtitles/:name")
      .setPath(Schema.Struct({ sessionId: PlaybackSessionId, name: Schema.String }))
      .addSuccess(bytes)
      .annotateContext(doc("Get a subtitle track", "A text subtitle track of the session as WebVTT (or its playlist)."))
  )
  .add(
    HttpApiEndpoint.get("media", "/playback/stream/:sessionId/:profile/:name")
      .setPath(Schema.Struct({ sessionId: PlaybackSessionId, profile: Schema.String, name: Schema.String }))
      .addSuccess(bytes)
      .annotateContext(doc("Get an HLS playlist or segment", "A variant playlist (`index.m3u8`) or a segment of the profile `{profile}`; segments are produced on demand."))
  )
  .middleware(Authentication)
  .addError(HttpBadRequest)
  .addError(HttpNotFound)
  .addError(HttpForbidden)
  .addError(HttpConflict)
  .addError(HttpUnavailable) {}

const BySession = Schema.Struct({ sessionId: PlaybackSessionId })
const Errors = Schema.Union(Forbidden, NotFound, Unavailable)

export class PlaybackRpcs extends RpcGroup.make(
  Rpc.make("PlaybackCreate", {
    payload: CreatePlaybackSessionRequest,
    success: PlaybackSession,
    error: Schema.Union(Forbidden, NotFound, Conflict, Unprocessable, Unavailable)
  }),
  Rpc.make("PlaybackGet", { payload: BySession, success: PlaybackSession, error: Errors }),
  Rpc.make("PlaybackStop", { payload: BySession, error: Errors }),
  Rpc.make("PlaybackHeartbeat", {
    payload: Schema.Struct({ sessionId: PlaybackSessionId, heartbeat: PlaybackHeartbeat }),
    success: PlaybackSession,
    error: Schema.Union(Forbidden, NotFound, Conflict, Unavailable)
  }),
  /** A playlist of the session's HLS stream by its name under the stream path (`master.m3u8`, `720p/index.m3u8`). */
  Rpc.make("PlaybackPlaylist", {
    payload: Schema.Struct({ sessionId: PlaybackSessionId, name: Schema.String }),
    success: Schema.String,
    error: Schema.Union(BadRequest, Forbidden, NotFound, Conflict, Unavailable)
  }),
  /** A segment (or `init.mp4`, or a `.vtt`) of the session's HLS stream, by its name under the stream path. */
  Rpc.make("PlaybackSegment", {
    payload: Schema.Struct({ sessionId: PlaybackSessionId, name: Schema.String }),
    success: Schema.Uint8ArrayFromBase64,
    error: Schema.Union(BadRequest, Forbidden, NotFound, Conflict, Unavailable)
  })
).middleware(RpcAuthentication) {}

/** A piece of an HLS variant: the fMP4 init segment or a numbered media segment. */
export const SegmentPart = Schema.Union(Schema.Literal("init"), Schema.Int.pipe(Schema.nonNegative()))
export type SegmentPart = typeof SegmentPart.Type

const EntityErrors = Schema.Union(NotFound, Conflict, Unavailable)

/**
 * One entity per session (id = session id). It owns the session's ffmpeg process and idle timeout; its
 * state lives in Postgres, so after a node dies the next request rebuilds it on another node, which
 * starts ffmpeg again from the segment asked for (or the saved position).
 */
export const PlaybackSessionEntity = Entity.make("PlaybackSession", [
  /** Starts producing a variant at the saved position, if nothing produces it yet (a playlist was read). */
  Rpc.make("Prepare", { payload: Schema.Struct({ profile: PlaybackProfile }), error: EntityErrors }),
  Rpc.make("Segment", {
    payload: Schema.Struct({ profile: PlaybackProfile, part: SegmentPart }),
    success: Schema.Uint8ArrayFromSelf,
    error: EntityErrors
  }),
  /** A text subtitle track as WebVTT. */
  Rpc.make("Subtitle", { payload: Schema.Struct({ track: Schema.Int }), success: Schema.String, error: EntityErrors }),
  Rpc.make("Heartbeat", { payload: PlaybackHeartbeat, success: PlaybackSession, error: EntityErrors }),
  Rpc.make("Stop", { payload: Schema.Struct({ reason: Schema.String }), error: Schema.Union(NotFound, Unavailable) })
])

const signedPath = Schema.Struct({ token: Schema.String })

/** The session's stream by its signed URL (see PlaybackUrls): no Authentication, the token is the credential. */
export class PlaybackSignedApi extends HttpApiGroup.make("playbackSigned")
  .annotateContext(about("The streams of a playback session by signed URL, for players that cannot send a header or cookie: the token in the path is the credential."))
  .add(
    HttpApiEndpoint.get("signedMaster", "/playback/signed/:token/master.m3u8").setPath(signedPath).addSuccess(mpegUrl)
      .annotateContext(doc("Get the HLS master playlist (signed)", "The session's master playlist by signed URL; the playlists it names are signed too."))
  )
  .add(
    HttpApiEndpoint.get("signedDirect", "/playback/signed/:token/direct")
      .setPath(signedPath)
      .addSuccess(bytes)
      .addError(HttpRangeNotSatisfiable)
      .annotateContext(doc("Stream the file (signed)", "The file as is by signed URL, with HTTP Range."))
  )
  .add(
    HttpApiEndpoint.get("signedMedia", "/playback/signed/:token/:profile/:name")
      .setPath(Schema.Struct({ token: Schema.String, profile: Schema.String, name: Schema.String }))
      .addSuccess(bytes)
      .annotateContext(doc("Get an HLS playlist or segment (signed)", "A variant playlist or segment by signed URL."))
  )
  .addError(HttpBadRequest)
  .addError(HttpUnauthorized)
  .addError(HttpNotFound)
  .addError(HttpConflict)
  .addError(HttpUnavailable) {}
