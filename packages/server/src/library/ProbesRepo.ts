/**
 * Probe results on `media_files` (the cache: valid while size and mtime are those it was taken at) and
 * the file's streams in `media_streams`, external subtitles included.
 */
import { PgClient } from "@effect/sql-pg"
import { type DatabaseError, type LibraryId, MediaInfo, type SubtitleStream } from "@mediaserver/domain"
import { Context, Effect, Layer, Schema } from "effect"
import { decodeRows, jsonb, wrapSql } from "../db/Sql.js"

const StaleRow = Schema.Struct({
  id: Schema.String,
  path: Schema.String,
  size_bytes: Schema.NumberFromString,
  mtime_ms: Schema.NumberFromString
})
const decodeStale = decodeRows(StaleRow)
const encodeInfo = Schema.encodeSync(MediaInfo)

export interface StaleFile {
  readonly id: string
  readonly path: string
  readonly size: number
  readonly mtimeMs: number
}

const streamRows = (info: MediaInfo, external: ReadonlyArray<SubtitleStream>) => [
  ...(info.video === null ? [] : [{
    kind: "video", stream_index: info.video.index, codec: info.video.codec, language: null, title: null,
    is_default: true, is_forced: false, external_path: null,
    details: { width: info.video.width, height: info.video.height, profile: info.video.profile, hdr: info.video.hdr, bitDepth: info.video.bitDepth, frameRate: info.video.frameRate }
  }]),
  ...info.audio.map((a) => ({
    kind: "audio", stream_index: a.index, codec: a.codec, language: a.language, title: a.title,
    is_default: a.default, is_forced: false, external_path: null, details: { channels: a.channels, channelLayout: a.channelLayout }
  })),
  ...[...info.subtitles, ...external].map((s) => ({
    kind: "subtitle", stream_index: s.index, codec: s.codec, language: s.language, title: s.title,
    is_default: s.default, is_forced: s.forced, external_path: s.path, details: {}
  }))
].map((row, position) => ({ ...row, position }))

export class ProbesRepo extends Context.Tag("@mediaserver/library/ProbesRepo")<
  ProbesRepo,
  {
    /** Present files whose probe is missing or was taken at another size or mtime (and did not fail there). */
    readonly stale: (libraryId: LibraryId, limit: number) => Effect.Effect<ReadonlyArray<StaleFile>, DatabaseError>
    readonly save: (file: StaleFile, info: MediaInfo, external: ReadonlyArray<SubtitleStream>) => Effect.Effect<void, DatabaseError>
    /** Empty files (placeholders, failed copies) need no ffprobe: all marked at once. */
    readonly markEmpty: (libraryId: LibraryId) => Effect.Effect<number, DatabaseError>
    /** A file ffprobe cannot read: remembered for this size and mtime, so it is not retried every scan. */
    readonly saveFailure: (file: StaleFile, message: string) => Effect.Effect<void, DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    ProbesRepo,
    Effect.gen(function* () {
      const sql = yield* PgClient.PgClient
      return {
        stale: (libraryId, limit) =>
          sql`
            SELECT id, path, size_bytes, mtime_ms FROM media_files
            WHERE library_id = ${libraryId} AND state = 'present'
              AND (probe_size IS DISTINCT FROM size_bytes OR probe_mtime_ms IS DISTINCT FROM mtime_ms)
            ORDER BY added_at LIMIT ${limit}
          `.pipe(
            Effect.flatMap(decodeStale),
            Effect.map((rows) => rows.map((r) => ({ id: r.id, path: r.path, size: r.size_bytes, mtimeMs: r.mtime_ms }))),
            wrapSql("probes.stale")
          ),
        save: (file, info, external) =>
          sql.withTransaction(Effect.gen(function* () {
            yield* sql`
              UPDATE media_files SET probe = ${jsonb(encodeInfo(info))}::jsonb, probe_size = ${file.size},
                probe_mtime_ms = ${file.mtimeMs}, probe_error = NULL
              WHERE id = ${file.id}
            `
            yield* sql`DELETE FROM media_streams WHERE media_file_id = ${file.id}`
            const rows = streamRows(info, external)
            if (rows.length > 0) {
              yield* sql`
                INSERT INTO media_streams (media_file_id, position, kind, stream_index, codec, language, title, is_default, is_forced, external_path, details)
                SELECT ${file.id}, x.position, x.kind, x.stream_index, x.codec, x.language, x.title, x.is_default, x.is_forced, x.external_path, x.details
                FROM jsonb_to_recordset(${jsonb(rows)}::jsonb) AS x(position int, kind text, stream_index int, codec text, language text,
                  title text, is_default boolean, is_forced boolean, external_path text, details jsonb)
              `
            }
          })).pipe(wrapSql("probes.save")),
        markEmpty: (libraryId) =>
          sql`
            UPDATE media_files SET probe = NULL, probe_size = 0, probe_mtime_ms = mtime_ms, probe_error = 'empty file'
            WHERE library_id = ${libraryId} AND state = 'present' AND size_bytes = 0
              AND (probe_size IS DISTINCT FROM size_bytes OR probe_mtime_ms IS DISTINCT FROM mtime_ms)
            RETURNING id
          `.pipe(Effect.map((rows) => rows.length), wrapSql("probes.markEmpty")),
        saveFailure: (file, message) =>
          sql`
            UPDATE media_files SET probe = NULL, probe_size = ${file.size}, probe_mtime_ms = ${file.mtimeMs}, probe_error = ${message}
            WHERE id = ${file.id}
          `.pipe(Effect.asVoid, wrapSql("probes.saveFailure"))
      }
    })
  )
}
