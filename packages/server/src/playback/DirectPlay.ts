/**
 * Direct play: the file itself over HTTP with single byte ranges (206 + Content-Range), 416 for a
 * range past the end, the container's Content-Type and the platform's ETag. A malformed or multi-part
 * Range is ignored (the whole file, 200), as RFC 9110 allows.
 */
import { type HttpPlatform, HttpServerResponse } from "@effect/platform"
import { RangeNotSatisfiable, Unavailable } from "@mediaserver/domain"
import { Effect, Either } from "effect"
import * as Fs from "node:fs/promises"

export interface ByteRange {
  readonly start: number
  /** Inclusive. */
  readonly end: number
}

/** `none`: serve everything; a range; or 416. */
export const parseRange = (header: string | undefined, size: number): Either.Either<ByteRange | "none", RangeNotSatisfiable> => {
  const unsatisfiable = Either.left(new RangeNotSatisfiable({
    message: `Range ${header} is outside the file (${size} bytes)`,
    details: { field: "range", size }
  }))
  if (header === undefined) return Either.right("none")
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (match === null || (match[1] === "" && match[2] === "")) return Either.right("none")
  const [, from = "", to = ""] = match
  if (from === "") {
    const suffix = Number(to)
    if (suffix === 0 || size === 0) return unsatisfiable
    return Either.right({ start: Math.max(0, size - suffix), end: size - 1 })
  }
  const start = Number(from)
  const end = to === "" ? size - 1 : Math.min(Number(to), size - 1)
  if (start >= size) return unsatisfiable
  if (end < start) return Either.right("none")
  return Either.right({ start, end })
}

const TYPES: Readonly<Record<string, string>> = {
  mp4: "video/mp4", mkv: "video/x-matroska", webm: "video/webm", mov: "video/quicktime", ts: "video/mp2t",
  avi: "video/x-msvideo", m4v: "video/mp4", flv: "video/x-flv", wmv: "video/x-ms-wmv", ogg: "video/ogg"
}
export const contentTypeOf = (container: string) => TYPES[container] ?? "application/octet-stream"

export const directResponse = (
  platform: HttpPlatform.HttpPlatform,
  path: string,
  container: string,
  rangeHeader: string | undefined
) =>
  Effect.gen(function* () {
    const stat = yield* Effect.tryPromise({
      try: () => Fs.stat(path),
      catch: () => new Unavailable({ message: "The media file cannot be read right now" })
    })
    const size = stat.size
    const parsed = parseRange(rangeHeader, size)
    if (Either.isLeft(parsed)) {
      // The one place this error becomes HTTP: 416 with the size, as RFC 9110 asks.
      const error = parsed.left
      return HttpServerResponse.unsafeJson(
        { code: error._tag, message: error.message, details: error.details },
        { status: 416, headers: { "content-range": `bytes */${size}` } }
      )
    }
    const range = parsed.right
    const contentType = contentTypeOf(container)
    const respond = (options: Parameters<typeof platform.fileResponse>[1]) =>
      platform.fileResponse(path, options).pipe(
        Effect.mapError(() => new Unavailable({ message: "The media file cannot be read right now" }))
      )
    const response: HttpServerResponse.HttpServerResponse = range === "none"
      ? yield* respond({ headers: { "content-type": contentType, "accept-ranges": "bytes" } })
      : yield* respond({
        status: 206,
        offset: range.start,
        bytesToRead: range.end - range.start + 1,
        headers: { "content-type": contentType, "accept-ranges": "bytes", "content-range": `bytes ${range.start}-${range.end}/${size}` }
      })
    return response
  })
