/** The `images` table: provider paths the server knows, and where their bytes are once downloaded. */
import { PgClient } from "@effect/sql-pg"
import type { DatabaseError, ImageKind } from "@mediaserver/domain"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { decodeRows, jsonb, wrapSql } from "../db/Sql.js"

const ImageRow = Schema.Struct({
  path: Schema.String,
  provider: Schema.String,
  kind: Schema.String,
  content_hash: Schema.NullOr(Schema.String),
  content_type: Schema.NullOr(Schema.String)
})
export type ImageRow = typeof ImageRow.Type
const decodeImages = decodeRows(ImageRow)

export interface KnownImage {
  readonly path: string
  readonly kind: ImageKind
  /** Its provider when not the one `record` is given (an image another provider of the merge gave). */
  readonly provider?: string
}

export interface StoredImage {
  readonly hash: string
  readonly contentType: string
  readonly width: number
  readonly height: number
  readonly size: number
}

export class ImagesRepo extends Context.Tag("@mediaserver/metadata/ImagesRepo")<
  ImagesRepo,
  {
    /** Makes these paths known (the first kind seen stays); returns those not downloaded yet. */
    readonly record: (provider: string, images: ReadonlyArray<KnownImage>) => Effect.Effect<ReadonlyArray<string>, DatabaseError>
    readonly find: (path: string) => Effect.Effect<Option.Option<ImageRow>, DatabaseError>
    readonly stored: (path: string, image: StoredImage) => Effect.Effect<void, DatabaseError>
    /** Of these paths, the ones known and not downloaded. */
    readonly missing: (paths: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<ImageRow>, DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    ImagesRepo,
    Effect.gen(function* () {
      const sql = yield* PgClient.PgClient
      const missing = (paths: ReadonlyArray<string>) =>
        paths.length === 0 ? Effect.succeed([]) : sql`
          SELECT path, provider, kind, content_hash, content_type FROM images
          WHERE content_hash IS NULL AND path IN (SELECT jsonb_array_elements_text(${jsonb(paths)}::jsonb))
        `.pipe(Effect.flatMap(decodeImages), wrapSql("images.missing"))
      return {
        record: (provider, images) =>
          Effect.gen(function* () {
            const unique = [...new Map(images.map((i) => [i.path, i])).values()]
            if (unique.length === 0) return []
            yield* sql`
              INSERT INTO images (path, provider, kind)
              SELECT x.path, coalesce(x.provider, ${provider}), x.kind
              FROM jsonb_to_recordset(${jsonb(unique)}::jsonb) AS x(path text, kind text, provider text)
              ON CONFLICT (path) DO NOTHING
            `.pipe(wrapSql("images.record"))
            return (yield* missing(unique.map((i) => i.path))).map((row) => row.path)
          }),
        find: (path) =>
          sql`SELECT path, provider, kind, content_hash, content_type FROM images WHERE path = ${path}`.pipe(
            Effect.flatMap(decodeImages), Effect.map((rows) => Option.fromNullable(rows[0])), wrapSql("images.find")),
        stored: (path, image) =>
          sql`
            UPDATE images SET content_hash = ${image.hash}, content_type = ${image.contentType}, width = ${image.width},
              height = ${image.height}, size_bytes = ${image.size}, downloaded_at = now()
            WHERE path = ${path}
          `.pipe(Effect.asVoid, wrapSql("images.stored")),
        missing
      }
    })
  )
}
