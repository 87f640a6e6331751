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

/** What probing a file gave: its streams (and external subtitles), or why ffprobe could not read it. */
export type ProbeOutcome =
  | { readonly file: StaleFile; readonly info: MediaInfo; readonly external: ReadonlyArray<SubtitleStream> }
  | { readonly file: StaleFile; readonly error: string }

const outcomeRow = (outcome: ProbeOutcome) => ({
  id: outcome.file.id,
  size: outcome.file.size,
  mtime_ms: outcome.file.mtimeMs,
  ...("info" in outcome
    ? { probe: encodeInfo(outcome.info), error: null, streams: streamRows(outcome.info, outcome.external) }
    : { probe: null, error: outcome.error, streams: [] })
})

export class ProbesRepo extends Context.Tag("@mediaserver/library/ProbesRepo")<
  ProbesRepo,
  {
    /** Present files whose probe is missing or was taken at another size or mtime (and did not fail there). */
    readonly stale: (libraryId: LibraryId, limit: number) => Effect.Effect<ReadonlyArray<StaleFile>, DatabaseError>
    /**
     * Saves a batch in one statement: a probed file's probe replaces its streams; a file ffprobe cannot
     * read is remembered for this size and mtime (so it is not retried every scan), its streams kept.
     */
    readonly saveAll: (outcomes: ReadonlyArray<ProbeOutcome>) => Effect.Effect<void, DatabaseError>
    /** Empty files (placeholders, failed copies) need no ffprobe: all marked at once. */
    readonly markEmpty: (libraryId: LibraryId) => Effect.Effect<number, DatabaseError>
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
        // Streams go in only after the old ones are gone (the count reads the whole DELETE first): sub-
        // statements of one statement otherwise run in no set order, and positions are the primary key.
        // Files deleted since they were read are skipped (only updated rows get streams).
        saveAll: (outcomes) =>
          outcomes.length === 0 ? Effect.void : sql`
            WITH input AS (
              SELECT * FROM jsonb_to_recordset(${jsonb(outcomes.map(outcomeRow))}::jsonb)
                AS x(id uuid, size bigint, mtime_ms bigint, probe jsonb, error text, streams jsonb)
            ),
            updated AS (
              UPDATE media_files f SET probe = i.probe, probe_size = i.size, probe_mtime_ms = i.mtime_ms, probe_error = i.error,
                keyframes = NULL
              FROM input i WHERE f.id = i.id
              RETURNING f.id, i.error IS NULL AS probed, i.streams
            ),
            cleared AS (
              DELETE FROM media_streams s USING updated u WHERE s.media_file_id = u.id AND u.probed RETURNING 1
            )
            INSERT INTO media_streams (media_file_id, position, kind, stream_index, codec, language, title, is_default, is_forced, external_path, details)
            SELECT u.id, x.position, x.kind, x.stream_index, x.codec, x.language, x.title, x.is_default, x.is_forced, x.external_path, x.details
            FROM updated u CROSS JOIN LATERAL jsonb_to_recordset(u.streams) AS x(position int, kind text, stream_index int, codec text,
              language text, title text, is_default boolean, is_forced boolean, external_path text, details jsonb)
            WHERE u.probed AND (SELECT count(*) FROM cleared) >= 0
          `.pipe(Effect.asVoid, wrapSql("probes.saveAll")),
        markEmpty: (libraryId) =>
          sql`
            UPDATE media_files SET probe = NULL, keyframes = NULL, probe_size = 0, probe_mtime_ms = mtime_ms, probe_error = 'empty file'
            WHERE library_id = ${libraryId} AND state = 'present' AND size_bytes = 0
              AND (probe_size IS DISTINCT FROM size_bytes OR probe_mtime_ms IS DISTINCT FROM mtime_ms)
            RETURNING id
          `.pipe(Effect.map((rows) => rows.length), wrapSql("probes.markEmpty"))
      }
    })
  )
}
