import { Schema } from "effect"

/** Page number (from 1) and size (1-200) of a listing, as services and RPC take them. */
export const pageFields = {
  page: Schema.optional(Schema.Int.pipe(Schema.greaterThanOrEqualTo(1))),
  pageSize: Schema.optional(Schema.Int.pipe(Schema.between(1, 200)))
}

/** The same as URL parameters (numbers arrive as strings). */
export const pageUrlFields = {
  page: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.greaterThanOrEqualTo(1))),
  pageSize: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 200)))
}

/** What every listing answers besides its items. */
export const pageResultFields = {
  page: Schema.Number,
  pageSize: Schema.Number,
  total: Schema.Number
}
