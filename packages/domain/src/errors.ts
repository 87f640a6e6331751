/**
 * Every failure a caller can see is one of these tagged errors. Two families matter to callers:
 * Retryable (timeouts, connection loss, 429, 5xx) and Discard (404/410, validation, permission).
 * Jobs retry the first with backoff and stop at once on the second; HTTP maps each to one status.
 */
import { HttpApiSchema } from "@effect/platform"
import { ParseResult, Schema } from "effect"

const errorFields = {
  message: Schema.String,
  details: Schema.optional(Schema.Unknown)
}

/** 400: the request cannot be read (malformed JSON, wrong shape). `details` names the field. */
export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", errorFields) {}
/** 401: no or invalid credentials. */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", errorFields) {}
/** 403: authenticated but not allowed. */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", errorFields) {}
/** 404: the thing does not exist (or the caller may not know it exists). */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", errorFields) {}
/** 409: conflicts with the current state (duplicate, wrong state). */
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", errorFields) {}
/** 413: request body over the configured limit. */
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()("PayloadTooLarge", errorFields) {}
/** 422: well-formed but semantically invalid (a password policy, a bad range). */
export class Unprocessable extends Schema.TaggedError<Unprocessable>()("Unprocessable", errorFields) {}
/** 429: too many requests; `retryAfterMs` says when to come back. */
export class TooManyRequests extends Schema.TaggedError<TooManyRequests>()("TooManyRequests", {
  ...errorFields,
  retryAfterMs: Schema.optional(Schema.Number)
}) {}
/** 503: a dependency (database, cluster) is unavailable right now; retryable. */
export class Unavailable extends Schema.TaggedError<Unavailable>()("Unavailable", errorFields) {}
/** 500: a bug or an unexpected failure; the message is generic, details stay in the logs. */
export class InternalError extends Schema.TaggedError<InternalError>()("InternalError", errorFields) {}

/** Database failure, wrapped once by the repository helper. Retryable: it is connection loss or load. */
export class DatabaseError extends Schema.TaggedError<DatabaseError>()("DatabaseError", {
  message: Schema.String,
  operation: Schema.String
}) {}

export type ApiError =
  | BadRequest
  | Unauthorized
  | Forbidden
  | NotFound
  | Conflict
  | PayloadTooLarge
  | Unprocessable
  | TooManyRequests
  | Unavailable
  | InternalError

/** Retryable vs Discard, for jobs and clients. Unknown tags are treated as retryable (transient). */
const discardTags: ReadonlySet<string> = new Set([
  "BadRequest",
  "Unauthorized",
  "Forbidden",
  "NotFound",
  "Conflict",
  "PayloadTooLarge",
  "Unprocessable",
  "ProbeFailed",
  // A payload that does not encode will not encode on the next attempt either.
  "JobPayloadInvalid"
])
export const isDiscard = (error: { readonly _tag: string }): boolean => discardTags.has(error._tag)
export const isRetryable = (error: { readonly _tag: string }): boolean => !isDiscard(error)

/** The JSON body of every HTTP error: `{ code, message, details? }`. */
export const ErrorBody = Schema.Struct({
  code: Schema.String,
  message: Schema.String,
  details: Schema.optional(Schema.Unknown)
})
export type ErrorBody = typeof ErrorBody.Type

export interface ErrorEncoded<Tag extends string> {
  readonly _tag: Tag
  readonly message: string
  readonly details?: unknown
}

/**
 * The HTTP face of a tagged error: encodes it as `{ code, message, details? }` with its status, so the
 * OpenAPI document describes exactly what clients receive. RPC keeps the tagged form.
 */
export const httpError = <A, Tag extends string>(
  schema: Schema.Schema<A, ErrorEncoded<Tag>>,
  tag: Tag,
  status: number
) =>
  Schema.transformOrFail(
    Schema.Struct({ code: Schema.Literal(tag), message: Schema.String, details: Schema.optional(Schema.Unknown) }),
    schema,
    {
      strict: true,
      decode: (body) => ParseResult.succeed({ _tag: tag, message: body.message, details: body.details }),
      encode: (error) => ParseResult.succeed({ code: tag, message: error.message, details: error.details })
    }
  ).annotations(HttpApiSchema.annotations({ status }))

export const HttpBadRequest = httpError(BadRequest, "BadRequest", 400)
export const HttpUnauthorized = httpError(Unauthorized, "Unauthorized", 401)
export const HttpForbidden = httpError(Forbidden, "Forbidden", 403)
export const HttpNotFound = httpError(NotFound, "NotFound", 404)
export const HttpConflict = httpError(Conflict, "Conflict", 409)
export const HttpPayloadTooLarge = httpError(PayloadTooLarge, "PayloadTooLarge", 413)
export const HttpUnprocessable = httpError(Unprocessable, "Unprocessable", 422)
export const HttpUnavailable = httpError(Unavailable, "Unavailable", 503)
export const HttpInternalError = httpError(InternalError, "InternalError", 500)

/** Status of each API error tag, for the gateway's last-resort mapping. */
export const statusOfTag: Readonly<Record<ApiError["_tag"], number>> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  Conflict: 409,
  PayloadTooLarge: 413,
  Unprocessable: 422,
  TooManyRequests: 429,
  Unavailable: 503,
  InternalError: 500
}

/** Reading or writing stored files (avatars, images) failed. Retryable: disk full, permissions fixed. */
export class StorageError extends Schema.TaggedError<StorageError>()("StorageError", {
  message: Schema.String,
  operation: Schema.String
}) {}

/** Start-up could not complete (data dir locked, database unreachable, migrations failed). */
export class StartupError extends Schema.TaggedError<StartupError>()("StartupError", {
  component: Schema.String,
  message: Schema.String
}) {}
