/**
 * Every failure a caller can see is one of these tagged errors. Two families matter to callers:
 * Retryable (timeouts, connection loss, 429, 5xx) and Discard (404/410, validation, permission,
 * configuration). Jobs retry the first with backoff and stop at once on the second; HTTP maps each
 * to one status.
 */
import { HttpApiSchema } from "@effect/platform"
import { ParseResult, Schema } from "effect"

/** Whether asking again may help (Retryable) or cannot (Discard). */
export type ErrorFamily = "Retryable" | "Discard"

/**
 * An error that carries its family: every error type of the domain declares `family`, and what
 * classifies errors (jobs, clients) takes only these, so an error without one does not compile there.
 */
export interface Classified {
  readonly _tag: string
  readonly family: ErrorFamily
}

const errorFields = {
  message: Schema.String,
  details: Schema.optional(Schema.Unknown)
}

/** 400: the request cannot be read (malformed JSON, wrong shape). `details` names the field. */
export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", errorFields) {
  get family(): "Discard" {
    return "Discard"
  }
}
/** 401: no or invalid credentials. */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", errorFields) {
  get family(): "Discard" {
    return "Discard"
  }
}
/** 403: authenticated but not allowed. */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", errorFields) {
  get family(): "Discard" {
    return "Discard"
  }
}
/** 404: the thing does not exist (or the caller may not know it exists). */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", errorFields) {
  get family(): "Discard" {
    return "Discard"
  }
}
/** 409: conflicts with the current state (duplicate, wrong state). */
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", errorFields) {
  get family(): "Discard" {
    return "Discard"
  }
}
/** 413: request body over the configured limit. */
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()("PayloadTooLarge", errorFields) {
  get family(): "Discard" {
    return "Discard"
  }
}
/** 422: well-formed but semantically invalid (a password policy, a bad range). */
export class Unprocessable extends Schema.TaggedError<Unprocessable>()("Unprocessable", errorFields) {
  get family(): "Discard" {
    return "Discard"
  }
}
/** 429: too many requests; `retryAfterMs` says when to come back. */
export class TooManyRequests extends Schema.TaggedError<TooManyRequests>()("TooManyRequests", {
  ...errorFields,
  retryAfterMs: Schema.optional(Schema.Number)
}) {
  get family(): "Retryable" {
    return "Retryable"
  }
}
/** 503: a dependency (database, cluster) is unavailable right now; retryable. */
export class Unavailable extends Schema.TaggedError<Unavailable>()("Unavailable", errorFields) {
  get family(): "Retryable" {
    return "Retryable"
  }
}
/** 500: a bug or an unexpected failure; the message is generic, details stay in the logs. */
export class InternalError extends Schema.TaggedError<InternalError>()("InternalError", errorFields) {
  get family(): "Retryable" {
    return "Retryable"
  }
}

/** Database failure, wrapped once by the repository helper. Retryable: it is connection loss or load. */
export class DatabaseError extends Schema.TaggedError<DatabaseError>()("DatabaseError", {
  message: Schema.String,
  operation: Schema.String
}) {
  get family(): "Retryable" {
    return "Retryable"
  }
}

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
  | ConfigurationError

/**
 * 500 with code ConfigurationError: the deployment is wrong (a stored secret does not open with
 * SECRETS_KEY, say), so asking again cannot help; `variable` names the setting to fix.
 */
export class ConfigurationError extends Schema.TaggedError<ConfigurationError>()("ConfigurationError", {
  ...errorFields,
  variable: Schema.String
}) {
  get family(): "Discard" {
    return "Discard"
  }
}

export const isDiscard = (error: Classified): boolean => error.family === "Discard"
export const isRetryable = (error: Classified): boolean => error.family === "Retryable"

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

const errorBodyFields = <Tag extends string>(tag: Tag) => ({
  code: Schema.Literal(tag),
  message: Schema.String,
  details: Schema.optional(Schema.Unknown)
})

/**
 * The HTTP face of a tagged error: encodes it as `{ code, message, details?, ...extra }` with its
 * status, so the OpenAPI document describes exactly what clients receive. RPC keeps the tagged form.
 * `description` says when an operation answers it and `example` shows a body, in the document;
 * `extra` declares the error's own fields (a 429's `retryAfterMs`) for the body.
 */
export const httpError = <A, Tag extends string, I extends ErrorEncoded<Tag>, const Extra extends Schema.Struct.Fields = {}>(
  schema: Schema.Schema<A, I>,
  tag: Tag,
  status: number,
  doc: {
    readonly description: string
    readonly example: Schema.Struct.Type<ReturnType<typeof errorBodyFields<Tag>>> & Schema.Struct.Type<Extra>
  },
  extra?: Extra
) =>
  Schema.transformOrFail(
    Schema.Struct({ ...extra, ...errorBodyFields(tag) }).annotations({ examples: [doc.example] }),
    schema,
    {
      // Not strict: the body and the error differ only in `code` / `_tag`, and the other side's schema
      // checks what it receives (the left-over `code` or `_tag` is dropped as an excess property).
      strict: false,
      decode: (body) => ParseResult.succeed({ ...body, _tag: tag }),
      encode: ({ _tag, ...fields }) => ParseResult.succeed({ ...fields, code: tag })
    }
  ).annotations({ ...HttpApiSchema.annotations({ status }), description: doc.description })

export const HttpBadRequest = httpError(BadRequest, "BadRequest", 400, {
  description: "The request is malformed: a parameter or the body does not match its schema.",
  example: { code: "BadRequest", message: "The request body is not valid JSON" }
})
export const HttpUnauthorized = httpError(Unauthorized, "Unauthorized", 401, {
  description: "No credentials, or they are invalid, expired or revoked.",
  example: { code: "Unauthorized", message: "The access token has expired" }
})
export const HttpForbidden = httpError(Forbidden, "Forbidden", 403, {
  description: "Authenticated, but not allowed to do this.",
  example: { code: "Forbidden", message: "This operation needs the admin role" }
})
export const HttpNotFound = httpError(NotFound, "NotFound", 404, {
  description: "Not found, or not visible to the caller (the two answer alike).",
  example: { code: "NotFound", message: "Movie not found" }
})
export const HttpConflict = httpError(Conflict, "Conflict", 409, {
  description: "Conflicts with the current state: a duplicate, or the wrong state for this.",
  example: { code: "Conflict", message: "A library with this name exists" }
})
export const HttpPayloadTooLarge = httpError(PayloadTooLarge, "PayloadTooLarge", 413, {
  description: "The body is over the size limit.",
  example: { code: "PayloadTooLarge", message: "The body is over 5 MB" }
})
export const HttpUnprocessable = httpError(Unprocessable, "Unprocessable", 422, {
  description: "Well-formed, but not acceptable; `details.field` names the field.",
  example: { code: "Unprocessable", message: "The password is too short", details: { field: "password" } }
})
export const HttpUnavailable = httpError(Unavailable, "Unavailable", 503, {
  description: "A dependency (database, cluster, provider) is unavailable right now: retry later.",
  example: { code: "Unavailable", message: "The database is unavailable" }
})
export const HttpInternalError = httpError(InternalError, "InternalError", 500, {
  description: "An unexpected failure on the server.",
  example: { code: "InternalError", message: "An unexpected error occurred" }
})
export const HttpTooManyRequests = httpError(
  TooManyRequests,
  "TooManyRequests",
  429,
  {
    description: "Too many requests: come back after `retryAfterMs` (also in the Retry-After header).",
    example: { code: "TooManyRequests", message: "Too many attempts", retryAfterMs: 30_000 }
  },
  { retryAfterMs: Schema.optional(Schema.Number) }
)
export const HttpConfigurationError = httpError(
  ConfigurationError,
  "ConfigurationError",
  500,
  {
    description: "The server's configuration does not allow this; `variable` names the setting to fix.",
    example: { code: "ConfigurationError", message: "SECRETS_KEY cannot open a stored secret", variable: "SECRETS_KEY" }
  },
  { variable: Schema.String }
)

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
  InternalError: 500,
  ConfigurationError: 500
}

/** Reading or writing stored files (avatars, images) failed. Retryable: disk full, permissions fixed. */
export class StorageError extends Schema.TaggedError<StorageError>()("StorageError", {
  message: Schema.String,
  operation: Schema.String
}) {
  get family(): "Retryable" {
    return "Retryable"
  }
}

/** Start-up could not complete (data dir locked, database unreachable, migrations failed). */
export class StartupError extends Schema.TaggedError<StartupError>()("StartupError", {
  component: Schema.String,
  message: Schema.String
}) {
  get family(): "Retryable" {
    return "Retryable"
  }
}
