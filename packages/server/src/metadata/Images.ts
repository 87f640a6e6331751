/**
 * Images: downloaded once from their provider into Storage, content-addressed
 * (`images/original/<hash>`), and served resized on demand (`images/derived/<hash>/<size>.<format>`,
 * made once). Only paths in the `images` table are fetched: a path nobody recorded is a 404, never a
 * request to the provider. WebP or AVIF when the client accepts them.
 */
import {
  type DatabaseError,
  type ImageKind,
  type ImageSize,
  NotFound,
  type ProviderError,
  ProviderRejected,
  type StorageError,
  Unavailable
} from "@mediaserver/domain"
import { Context, Effect, Layer, Option } from "effect"
import { createHash } from "node:crypto"
import sharp from "sharp"
import { AppConfig } from "../config/AppConfig.js"
import { Storage } from "../storage/Storage.js"
import { toApiError } from "./Lookups.js"
import { MetadataProviders } from "./Providers.js"
import { type ImageRow, ImagesRepo } from "./ImagesRepo.js"

type Format = "jpeg" | "png" | "webp" | "avif"
const CONTENT_TYPES: Readonly<Record<Format, string>> = { jpeg: "image/jpeg", png: "image/png", webp: "image/webp", avif: "image/avif" }
const isFormat = (format: string | undefined): format is Format => format !== undefined && Object.hasOwn(CONTENT_TYPES, format)
/** The format of a stored original, from the content type it was saved with. */
const FORMATS: ReadonlyArray<Format> = ["jpeg", "png", "webp", "avif"]
const formatOf = (contentType: string | null): Format => FORMATS.find((f) => CONTENT_TYPES[f] === contentType) ?? "jpeg"

export interface ServedImage {
  readonly bytes: Uint8Array
  readonly contentType: string
  readonly etag: string
}

const originalKey = (hash: string) => `images/original/${hash.slice(0, 2)}/${hash}`
const derivedKey = (hash: string, size: ImageSize, format: Format) => `images/derived/${hash.slice(0, 2)}/${hash}/${size}.${format}`

/** The best format the client takes: AVIF, then WebP, else the original's. */
export const negotiate = (accept: string, original: Format): Format =>
  accept.includes("image/avif") ? "avif" : accept.includes("image/webp") ? "webp" : original

const unreadable = (provider: string, path: string, message: string) =>
  new ProviderRejected({ provider, reason: "invalid", message: `${path}: not an image we can use (${message})` })

export class Images extends Context.Tag("@mediaserver/metadata/Images")<
  Images,
  {
    /** Downloads a known image unless stored already. */
    readonly download: (path: string) => Effect.Effect<ImageRow & { readonly content_hash: string }, NotFound | ProviderError | StorageError | DatabaseError>
    /** `kind` must be the one the image was recorded as (a poster path is not served as a profile). */
    readonly serve: (kind: ImageKind, path: string, size: ImageSize, accept: string) => Effect.Effect<ServedImage, NotFound | Unavailable | DatabaseError>
  }
>() {
  static readonly layer = Layer.effect(
    Images,
    Effect.gen(function* () {
      const repo = yield* ImagesRepo
      const storage = yield* Storage
      const providers = yield* MetadataProviders
      const maxBytes = (yield* AppConfig).imageMaxBytes
      const unknown = (path: string) => new NotFound({ message: `No image ${path}` })

      /** The row's bytes in Storage: already there, or fetched from its provider now. */
      const fetched = (row: ImageRow) =>
        Effect.gen(function* () {
          const { path } = row
          if (row.content_hash !== null) return { ...row, content_hash: row.content_hash }
          const usable = yield* providers.usable(row.provider)
          if (Option.isNone(usable)) {
            return yield* new ProviderRejected({ provider: row.provider, reason: "not_configured", message: `${row.provider} is not configured` })
          }
          const { bytes } = yield* usable.value.image(path, maxBytes)
          const meta = yield* Effect.tryPromise({ try: () => sharp(bytes).metadata(), catch: (e) => unreadable(row.provider, path, String(e)) })
          if (!isFormat(meta.format) || meta.width === undefined || meta.height === undefined) {
            return yield* unreadable(row.provider, path, `format ${meta.format ?? "unknown"}`)
          }
          const hash = createHash("sha256").update(bytes).digest("hex")
          yield* storage.put(originalKey(hash), bytes)
          const contentType = CONTENT_TYPES[meta.format]
          yield* repo.stored(path, { hash, contentType, width: meta.width, height: meta.height, size: bytes.byteLength })
          return { ...row, content_hash: hash, content_type: contentType }
        })

      const download = (path: string) =>
        Effect.gen(function* () {
          const row = yield* repo.find(path)
          if (Option.isNone(row)) return yield* unknown(path)
          return yield* fetched(row.value)
        })

      const render = (original: Uint8Array, size: ImageSize, format: Format) =>
        Effect.tryPromise({
          try: () => {
            const image = sharp(original)
            const resized = size === "original" ? image : image.resize({ width: Number(size.slice(1)), withoutEnlargement: true })
            const encoded = format === "avif" ? resized.avif({ effort: 2 }) : format === "webp" ? resized.webp() : format === "png" ? resized.png() : resized.jpeg({ mozjpeg: true })
            return encoded.toBuffer().then((buffer) => new Uint8Array(buffer))
          },
          catch: (e) => new Unavailable({ message: `The image could not be rendered: ${String(e)}` })
        })

      const storageDown = (e: StorageError) => new Unavailable({ message: `Image storage failed: ${e.message}` })

      const serve = (kind: ImageKind, path: string, size: ImageSize, accept: string) =>
        Effect.gen(function* () {
          const known = yield* repo.find(path)
          if (Option.isNone(known) || known.value.kind !== kind) return yield* unknown(path)
          // The row read here is the one fetched: no second read of it.
          const stored = yield* fetched(known.value).pipe(
            Effect.catchTags({
              ProviderUnavailable: (e) => Effect.fail(toApiError(e)),
              ProviderRejected: (e) => Effect.fail(toApiError(e)),
              StorageError: (e) => Effect.fail(storageDown(e))
            })
          )
          const hash = stored.content_hash
          const originalFormat = formatOf(stored.content_type)
          const format = negotiate(accept, originalFormat)
          const etag = `"${hash.slice(0, 32)}-${size}-${format}"`
          const contentType = CONTENT_TYPES[format]
          const read = (key: string) => Effect.mapError(storage.get(key), storageDown)
          // A resized copy made before is served without reading the original.
          const same = size === "original" && format === originalFormat
          const key = derivedKey(hash, size, format)
          const cached = same ? Option.none() : yield* read(key)
          if (Option.isSome(cached)) return { bytes: cached.value, contentType, etag }
          const original = yield* Effect.flatMap(read(originalKey(hash)), Option.match({
            onNone: () => Effect.fail(new Unavailable({ message: `Image ${path} is recorded but its file is gone` })),
            onSome: Effect.succeed
          }))
          if (same) return { bytes: original, contentType, etag }
          const bytes = yield* render(original, size, format)
          yield* Effect.mapError(storage.put(key, bytes), storageDown)
          return { bytes, contentType, etag }
        })

      return { download, serve }
    })
  )
}
