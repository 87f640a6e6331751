/**
 * Playback sessions in Postgres: everything an entity needs to resume a session on another node (the
 * decision, the chosen tracks, the position of the last heartbeat) plus the file and its cached probe.
 */
import { PgClient } from "@effect/sql-pg"
import {
  type DatabaseError,
  MediaFileId,
  LibraryId,
  MediaInfo,
  PlaybackChoice,
  PlaybackDecision,
  PlaybackSession,
  PlaybackSessionId,
  PlaybackUrls,
  UserId,
  WatchItem
} from "@mediaserver/domain"
import { Context, DateTime, Duration, Effect, Layer, Option, Schema } from "effect"
import { decodeRows, jsonb, wrapSql } from "../db/Sql.js"
import { Cut } from "./Layout.js"

/** Where a subtitle track is read from: a stream of the file, or an external file. */
export const SubtitleSource = Schema.Struct({ id: Schema.Int, index: Schema.NullOr(Schema.Int), path: Schema.NullOr(Schema.String) })
export type SubtitleSource = typeof SubtitleSource.Type

export const SessionOptions = Schema.Struct({
  ...PlaybackChoice.fields,
  sources: Schema.Array(SubtitleSource),
  /** Segment starts at the source's keyframes (a copy); none: fixed segments (see Layout). */
  cuts: Schema.optionalWith(Schema.Array(Cut), { default: () => [] })
})
export type SessionOptions = typeof SessionOptions.Type
const encodeOptions = Schema.encodeSync(SessionOptions)
const encodeDecision = Schema.encodeSync(PlaybackDecision)

const Row = Schema.Struct({
  id: PlaybackSessionId,
  user_id: UserId,
  item: WatchItem,
  media_file_id: MediaFileId,
  library_id: LibraryId,
  decision: PlaybackDecision,
  options: SessionOptions,
  duration_seconds: Schema.Number,
  position_seconds: Schema.Number,
  paused: Schema.Boolean,
  state: Schema.Literal("active", "stopped"),
  stop_reason: Schema.NullOr(Schema.String),
  node: Schema.NullOr(Schema.String),
  stream_token: Schema.NullOr(Schema.String),
  created_at: Schema.DateFromSelf,
  last_active_at: Schema.DateFromSelf,
  path: Schema.String,
  probe: MediaInfo
})
const decode = decodeRows(Row)

/** A session with what serving it needs (never sent to clients: paths stay here). */
export const SessionRecord = Schema.Struct({
  session: PlaybackSession,
  libraryId: LibraryId,
  path: Schema.String,
  info: MediaInfo,
  options: SessionOptions,
  /** The secret of the session's signed stream URLs (null: a session from before they existed). */
  streamToken: Schema.NullOr(Schema.String)
})
export type SessionRecord = typeof SessionRecord.Type

/** The cache tag of everything cached about one session: dropped when it stops. */
export const sessionTag = (id: PlaybackSessionId) => `playback-session:${id}`

export const streamBase = (id: PlaybackSessionId) => `/api/v1/playback/stream/${id}`
/** Where signed stream URLs start: requests under it are never traced (the path holds the token). */
export const SIGNED_PREFIX = "/api/v1/playback/signed/"
const signedBase = (id: PlaybackSessionId, token: string) => `${SIGNED_PREFIX}${id}.${token}`

const toRecord = (row: typeof Row.Type): SessionRecord => {
  const direct = row.decision.method === "direct"
  return {
    libraryId: row.library_id,
    path: row.path,
    info: row.probe,
    options: row.options,
    streamToken: row.stream_token,
    session: new PlaybackSession({
      id: row.id,
      userId: row.user_id,
      item: row.item,
      fileId: row.media_file_id,
      decision: row.decision,
      // The choice fields (the file's sources stay server-side: the class keeps only its own fields).
      ...row.options,
      durationSeconds: row.duration_seconds,
      positionSeconds: row.position_seconds,
      paused: row.paused,
      state: row.state,
      stopReason: row.stop_reason,
      node: row.node,
      urls: new PlaybackUrls({
        direct: direct ? `${streamBase(row.id)}/direct` : null,
        master: direct ? null : `${streamBase(row.id)}/master.m3u8`,
        signedDirect: row.stream_token === null || !direct ? null : `${signedBase(row.id, row.stream_token)}/direct`,
        signedMaster: row.stream_token === null || direct ? null : `${signedBase(row.id, row.stream_token)}/master.m3u8`
      }),
      createdAt: DateTime.unsafeFromDate(row.created_at),
      lastActiveAt: DateTime.unsafeFromDate(row.last_active_at)
    })
  }
}

export interface NewSession {
  readonly id: PlaybackSessionId
  readonly userId: UserId
  readonly item: WatchItem
  readonly fileId: MediaFileId
  readonly decision: PlaybackDecision
  readonly options: SessionOptions
  readonly durationSeconds: number
  readonly positionSeconds: number
  readonly streamToken: string
}

const FileRow = Schema.Struct({
  id: MediaFileId,
  library_id: LibraryId,
  path: Schema.String,
  size_bytes: Schema.NumberFromString,
  mtime_ms: Schema.NumberFromString,
  probe: Schema.NullOr(MediaInfo),
  keyframes: Schema.NullOr(Schema.Array(Schema.Number))
})
export type PlayableFile = typeof FileRow.Type
const decodeFiles = decodeRows(FileRow)
const ExternalRow = Schema.Struct({
  codec: Schema.String,
  language: Schema.NullOr(Schema.String),
  title: Schema.NullOr(Schema.String),
  external_path: Schema.String
})
export type ExternalSubtitle = typeof ExternalRow.Type
const decodeExternal = decodeRows(ExternalRow)

const IdleRow = Schema.Struct({ id: PlaybackSessionId, user_id: UserId, position_seconds: Schema.Number, item: WatchItem })
export type IdleStopped = typeof IdleRow.Type
const decodeIdle = decodeRows(IdleRow)
const decodeCount = decodeRows(Schema.Struct({ n: Schema.Number }))
/** The advisory lock key of the transcode count (any fixed number; this one spells "TRAN"). */
const TRANSCODE_LOCK = 0x5452414e
const decodeActive = decodeRows(Schema.Struct({ last_active_at: Schema.DateFromSelf }))

export class SessionsRepo extends Context.Tag("@mediaserver/playback/SessionsRepo")<
  SessionsRepo,
  {
    /** The present files of a movie or episode, first part first. */
    readonly files: (item: WatchItem) => Effect.Effect<ReadonlyArray<PlayableFile>, DatabaseError>
    /** Caches a file's keyframe times next to its probe (a new probe drops them). */
    readonly saveKeyframes: (fileId: MediaFileId, keyframes: ReadonlyArray<number>) => Effect.Effect<void, DatabaseError>
    readonly externalSubtitles: (fileId: MediaFileId) => Effect.Effect<ReadonlyArray<ExternalSubtitle>, DatabaseError>
    /**
     * Inserts a session; with `transcodeLimit`, only while fewer transcode sessions are active in the
     * whole cluster (counted and inserted under one lock, so concurrent requests on any node cannot
     * both take the last place). False: the limit was reached.
     */
    readonly insert: (session: NewSession, transcodeLimit: number | null) => Effect.Effect<boolean, DatabaseError>
    readonly get: (id: PlaybackSessionId) => Effect.Effect<Option.Option<SessionRecord>, DatabaseError>
    /** Saves a heartbeat of an active session: its new last-active time; none if it is not active. */
    readonly heartbeat: (id: PlaybackSessionId, positionSeconds: number, paused: boolean) => Effect.Effect<Option.Option<Date>, DatabaseError>
    /** Marks an active session as in use now (a segment or a range of the file was fetched). */
    readonly touch: (id: PlaybackSessionId) => Effect.Effect<void, DatabaseError>
    readonly setNode: (id: PlaybackSessionId, node: string) => Effect.Effect<void, DatabaseError>
    /** Ends an active session; false if it had already ended. */
    readonly stop: (id: PlaybackSessionId, reason: string) => Effect.Effect<boolean, DatabaseError>
    /** Ends every active session with no heartbeat for `timeout`; the ones it ended. */
    readonly stopIdle: (timeout: Duration.Duration) => Effect.Effect<ReadonlyArray<IdleStopped>, DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    SessionsRepo,
    Effect.gen(function* () {
      const sql = yield* PgClient.PgClient
      // The WatchItem of session `s`, from whichever of its two columns is set.
      const item = sql.literal(`CASE WHEN s.movie_id IS NOT NULL THEN jsonb_build_object('_tag', 'movie', 'id', s.movie_id)
        ELSE jsonb_build_object('_tag', 'episode', 'id', s.episode_id) END AS item`)
      return {
        files: (item) =>
          sql`
            SELECT f.id, f.library_id, f.path, f.size_bytes, f.mtime_ms, f.probe, f.keyframes FROM media_files f
            WHERE f.state = 'present' AND ${item._tag === "movie"
              ? sql`f.movie_id = ${item.id}`
              : sql`f.id IN (SELECT media_file_id FROM media_file_episodes WHERE episode_id = ${item.id})`}
            ORDER BY f.part NULLS FIRST, f.added_at, f.id
          `.pipe(Effect.flatMap(decodeFiles), wrapSql("playbackSessions.files")),
        saveKeyframes: (fileId, keyframes) =>
          sql`UPDATE media_files SET keyframes = ${jsonb(keyframes)}::jsonb WHERE id = ${fileId} AND probe IS NOT NULL`.pipe(
            Effect.asVoid,
            wrapSql("playbackSessions.saveKeyframes")
          ),
        externalSubtitles: (fileId) =>
          sql`
            SELECT codec, language, title, external_path FROM media_streams
            WHERE media_file_id = ${fileId} AND kind = 'subtitle' AND external_path IS NOT NULL ORDER BY position
          `.pipe(Effect.flatMap(decodeExternal), wrapSql("playbackSessions.externalSubtitles")),
        insert: (s, limit) =>
          sql.withTransaction(Effect.gen(function* () {
            if (limit !== null) {
              yield* sql`SELECT pg_advisory_xact_lock(${TRANSCODE_LOCK})`
              const [active] = yield* sql`
                SELECT count(*)::int AS n FROM playback_sessions WHERE state = 'active' AND decision->>'method' = 'transcode'
              `.pipe(Effect.flatMap(decodeCount))
              if ((active?.n ?? 0) >= limit) return false
            }
            yield* sql`
              INSERT INTO playback_sessions (id, user_id, movie_id, episode_id, media_file_id, decision, options,
                duration_seconds, position_seconds, stream_token)
              VALUES (${s.id}, ${s.userId}, ${s.item._tag === "movie" ? s.item.id : null},
                ${s.item._tag === "episode" ? s.item.id : null}, ${s.fileId}, ${jsonb(encodeDecision(s.decision))}::jsonb,
                ${jsonb(encodeOptions(s.options))}::jsonb, ${s.durationSeconds}, ${s.positionSeconds}, ${s.streamToken})
            `
            return true
          })).pipe(wrapSql("playbackSessions.insert")),
        get: (id) =>
          sql`
            SELECT s.*, f.path, f.probe, f.library_id, ${item}
            FROM playback_sessions s
            JOIN media_files f ON f.id = s.media_file_id WHERE s.id = ${id}
          `.pipe(
            Effect.flatMap(decode),
            Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toRecord)),
            wrapSql("playbackSessions.get")
          ),
        heartbeat: (id, position, paused) =>
          sql`
            UPDATE playback_sessions SET position_seconds = ${position}, paused = ${paused}, last_active_at = now()
            WHERE id = ${id} AND state = 'active' RETURNING last_active_at
          `.pipe(
            Effect.flatMap(decodeActive),
            Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), (row) => row.last_active_at)),
            wrapSql("playbackSessions.heartbeat")
          ),
        touch: (id) =>
          sql`UPDATE playback_sessions SET last_active_at = now() WHERE id = ${id} AND state = 'active'`.pipe(
            Effect.asVoid,
            wrapSql("playbackSessions.touch")
          ),
        setNode: (id, node) =>
          sql`UPDATE playback_sessions SET node = ${node} WHERE id = ${id}`.pipe(Effect.asVoid, wrapSql("playbackSessions.setNode")),
        stop: (id, reason) =>
          sql`
            UPDATE playback_sessions SET state = 'stopped', stop_reason = ${reason}, stopped_at = now()
            WHERE id = ${id} AND state = 'active' RETURNING id
          `.pipe(Effect.map((rows) => rows.length > 0), wrapSql("playbackSessions.stop")),
        stopIdle: (timeout) =>
          sql`
            UPDATE playback_sessions s SET state = 'stopped', stop_reason = 'idle', stopped_at = now()
            WHERE s.state = 'active' AND s.last_active_at < now() - make_interval(secs => ${Duration.toSeconds(timeout)})
            RETURNING s.id, s.user_id, s.position_seconds, ${item}
          `.pipe(Effect.flatMap(decodeIdle), wrapSql("playbackSessions.stopIdle"))
      }
    })
  )
}
